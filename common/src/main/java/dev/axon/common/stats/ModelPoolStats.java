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
 * @param breaker the state of the circuit breaker in front of the model's upstream ({@code closed}, {@code open},
 *                {@code half_open}), null for providers without one
 */
public record ModelPoolStats(String model, String provider, int idle, int busy, int pending, int waiting,
                             PoolCounters counters, double avgLatencyMs, long samples, boolean ready, String lastError,
                             String breaker) {

  /** Stats of a pool whose provider has no breaker. */
  public ModelPoolStats(String model, String provider, int idle, int busy, int pending, int waiting,
                        PoolCounters counters, double avgLatencyMs, long samples, boolean ready, String lastError) {
    this(model, provider, idle, busy, pending, waiting, counters, avgLatencyMs, samples, ready, lastError, null);
  }

  /** The same stats with the upstream breaker's state. */
  public ModelPoolStats withBreaker(String state) {
    return new ModelPoolStats(model, provider, idle, busy, pending, waiting, counters, avgLatencyMs, samples, ready, lastError, state);
  }
}
