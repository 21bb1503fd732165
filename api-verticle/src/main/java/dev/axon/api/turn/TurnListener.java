package dev.axon.api.turn;

import dev.axon.common.chat.ChatEvent;

/**
 * Receives one turn's events in order: deltas, then exactly one terminal event ({@link ChatEvent.Done} or
 * {@link ChatEvent.Failed}), on the caller's context. Heartbeats are not passed on.
 */
@FunctionalInterface
public interface TurnListener {

  void onEvent(ChatEvent event);

  /**
   * The turn's producer died after some events reached this listener. Return true to have the turn run again
   * from the start on another pool — only when nothing of it reached the client yet, and after forgetting what
   * was received — or false to let it fail.
   */
  default boolean restart() {
    return false;
  }
}
