package dev.axon.common.stats;

/**
 * The gauges and counters of one model's pool.
 *
 * @param idle    ready sessions nobody holds
 * @param busy    sessions serving a turn (or being reset after one)
 * @param pending sessions being started
 * @param waiting callers queued for a session
 * @param ready   whether the pool can serve now (a live session, or an open start-up back-off is not in force)
 * @param lastError the last start-up failure, null when none
 */
public record ModelPoolStats(String model, String provider, int idle, int busy, int pending, int waiting,
                             PoolCounters counters, double avgLatencyMs, long samples, boolean ready, String lastError) {
}
