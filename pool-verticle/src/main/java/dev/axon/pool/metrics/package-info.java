/**
 * The pool's metrics on Micrometer: {@link dev.axon.pool.metrics.MicrometerPoolMetrics} implements
 * {@link dev.axon.pool.session.PoolMetrics}. One instance serves every pool verticle of a node (the launcher makes
 * it); it is thread-safe: hooks are called on pool contexts, gauges read at scrape time from any thread.
 */
package dev.axon.pool.metrics;
