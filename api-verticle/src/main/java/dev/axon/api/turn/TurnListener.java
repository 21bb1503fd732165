package dev.axon.api.turn;

import dev.axon.common.chat.ChatEvent;

/**
 * Receives one turn's events in order: deltas, then exactly one terminal event ({@link ChatEvent.Done} or
 * {@link ChatEvent.Failed}), on the caller's context. Heartbeats are not passed on.
 */
@FunctionalInterface
public interface TurnListener {
  void onEvent(ChatEvent event);
}
