package dev.axon.common.stats;

/** Whether a pool verticle can serve a turn now, and what is wrong when it cannot. */
public record PoolHealth(boolean ready, String detail) {
}
