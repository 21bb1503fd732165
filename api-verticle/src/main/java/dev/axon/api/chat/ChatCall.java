package dev.axon.api.chat;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed, validated chat request of any dialect, as the exchange needs it.
 */
public interface ChatCall {

  /** The canonical request holding only the messages the client sent (history comes later). */
  ChatRequest request();

  /** The model name as the client sent it; echoed in responses and stored with the conversation. */
  String clientModel();

  boolean stream();

  /** How many choices to generate (1 for dialects without {@code n}). */
  int n();

  /** The conversation to continue, or null for a new one. */
  String conversationId();

  /** False when the turn must not be persisted. */
  boolean store();

  /** The whole conversation a turn sends: the stored history, then the request's messages. */
  default List<ChatMessage> withHistory(List<ChatMessage> history) {
    List<ChatMessage> sent = request().messages();
    if (history.isEmpty()) {
      return sent;
    }
    List<ChatMessage> all = new ArrayList<>(history.size() + sent.size());
    all.addAll(history);
    all.addAll(sent);
    return all;
  }
}
