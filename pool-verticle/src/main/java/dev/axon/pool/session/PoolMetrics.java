package dev.axon.pool.session;

/**
 * Hooks for a metrics library; every method is a no-op by default so the pool depends on none. Called on the
 * pool's context, so implementations must be cheap.
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
}
