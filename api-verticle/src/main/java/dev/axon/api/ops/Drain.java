package dev.axon.api.ops;

import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node's drain state, shared by all its API verticle instances and driven by the launcher on shutdown:
 * {@link Phase#SERVING}, then {@link Phase#DRAINING} (readiness answers 503, requests are still served, responses
 * ask clients to close their connection), then {@link Phase#REFUSING} (new requests get 503 with Retry-After).
 * Counts the requests in flight so the launcher can wait for them. Thread-safe.
 */
public final class Drain {

  /** Where a node is in its shutdown. */
  public enum Phase { SERVING, DRAINING, REFUSING }

  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.SERVING);
  /** Every API instance counts here for every request; read only while draining: an adder, not one contended counter. */
  private final LongAdder inFlight = new LongAdder();

  public Phase phase() {
    return phase.get();
  }

  /** Readiness turns 503 from now on. */
  public void startDraining() {
    phase.compareAndSet(Phase.SERVING, Phase.DRAINING);
  }

  /** New requests are refused from now on (implies draining). */
  public void refuseNewRequests() {
    phase.set(Phase.REFUSING);
  }

  /** Requests (not operations endpoints) that started and have not ended. */
  public int inFlight() {
    return inFlight.intValue();
  }

  void enter() {
    inFlight.increment();
  }

  void exit() {
    inFlight.decrement();
  }
}
