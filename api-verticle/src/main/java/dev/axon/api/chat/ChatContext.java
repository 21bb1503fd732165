package dev.axon.api.chat;

import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.turn.TurnClient;
import java.util.List;
import java.util.function.Supplier;

/** What every chat exchange of one API verticle instance shares, whatever its dialect. */
record ChatContext(TurnClient turns, ConversationClient store, long conversationLockMs, List<ExchangeListener> listeners,
                   Supplier<TurnBounds> bounds) {

  ChatContext {
    listeners = List.copyOf(listeners);
  }
}
