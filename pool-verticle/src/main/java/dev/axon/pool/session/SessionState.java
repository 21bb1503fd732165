package dev.axon.pool.session;

/** The life of a pooled session; the pool only moves an entry along legal transitions. */
enum SessionState {
  /** Handed to a caller, serving a turn. */
  IN_USE,
  /** Released, being reset before it is offered again. */
  RESETTING,
  /** Ready for the next caller. */
  IDLE,
  /** Closed; never used again. */
  RETIRED
}
