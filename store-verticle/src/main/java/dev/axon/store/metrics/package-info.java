/**
 * The store's metrics: the latency and outcome of every store command, on Micrometer. Thread-safe; the launcher
 * makes one instance per node.
 */
package dev.axon.store.metrics;
