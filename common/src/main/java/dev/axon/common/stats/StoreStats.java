package dev.axon.common.stats;

/** The store's state: its backend and the number of live conversations (a counter, never a keyspace scan). */
public record StoreStats(String backend, long conversations) {
}
