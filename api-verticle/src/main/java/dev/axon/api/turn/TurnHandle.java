package dev.axon.api.turn;

import dev.axon.common.turn.TurnAccepted;
import io.vertx.core.Future;

/** A running turn, seen from the caller. */
public interface TurnHandle {

  /** Completes when a pool has a session for the turn; fails (e.g. {@code POOL_BUSY}) when none will. */
  Future<TurnAccepted> accepted();

  /** The caller no longer wants the turn (its client went away). No further events are delivered. */
  void cancel();
}
