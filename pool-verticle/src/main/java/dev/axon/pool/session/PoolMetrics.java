package dev.axon.pool.session;

import dev.axon.common.error.ErrorKind;
import dev.axon.common.upstream.BreakerChange;
import dev.axon.common.stats.ModelPoolStats;
import java.util.List;

/**
 * Hooks for a metrics library; every method is a no-op by default so the pool depends on none. Called on the
 * pool's context, so implementations must be cheap. {@code dev.axon.pool.metrics.MicrometerPoolMetrics} is the
 * implementation the launcher installs.
 */
public interface PoolMetrics {

  PoolMetrics NONE = new PoolMetrics() {
  };

  /** Time a caller waited for a session (0 when one was idle). */
  default void recordAcquireNanos(String model, long nanos) {
  }

  /** Time from acquire to release of a turn. */
  default void recordTurnMillis(String model, long millis) {
  }

  /** A session was closed, with why. */
  default void recordClose(String model, CloseReason reason) {
  }

  /**
   * The gauges and counters of every pool of one pool verticle instance, reported periodically (each
   * housekeeping run) and once more, empty, when the verticle stops. Several instances on one node add up.
   */
  default void recordPools(String poolInstanceId, List<ModelPoolStats> pools) {
  }

  /** A turn failed on the provider's side (not cancelled by its caller), with the kind of error. */
  default void recordUpstreamError(String model, String provider, ErrorKind kind) {
  }

  /**
   * An upstream's circuit breaker started, changed state or went away. For providers with a breaker per upstream (the
   * HTTP providers, one breaker per pool verticle instance).
   */
  default void recordBreaker(BreakerChange change) {
  }
}
