package dev.axon.pool.session;

import dev.axon.pool.provider.Session;

/** A pool entry: the session with its state, turn count and timing. Touched only on the pool's context. */
final class PooledSession {

  final Session session;
  SessionState state = SessionState.IDLE;
  /** Turns served, warm-up included. */
  int turns = 1;
  /** Close when it comes back instead of offering it again. */
  boolean retireOnReturn;
  long stateSinceMs = System.currentTimeMillis();
  String holderRequestId;
  boolean leakReported;

  PooledSession(Session session) {
    this.session = session;
  }

  void moveTo(SessionState next) {
    state = next;
    stateSinceMs = System.currentTimeMillis();
  }
}
