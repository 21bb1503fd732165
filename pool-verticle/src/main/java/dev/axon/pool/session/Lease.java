package dev.axon.pool.session;

import dev.axon.pool.provider.Session;

/**
 * A session handed to one caller for one turn. Every lease must be given back exactly once, with
 * {@link SessionPool#release(Lease)} or {@link SessionPool#discard(Lease, CloseReason)}.
 */
public final class Lease {

  final PooledSession entry;
  private final long acquiredAtNanos = System.nanoTime();
  private boolean returned;

  Lease(PooledSession entry) {
    this.entry = entry;
  }

  public Session session() {
    return entry.session;
  }

  public long acquiredAtNanos() {
    return acquiredAtNanos;
  }

  boolean markReturned() {
    if (returned) {
      return false;
    }
    returned = true;
    return true;
  }
}
