package dev.axon.api.chat;

import dev.axon.common.chat.ChatMessage;
import java.util.List;

/**
 * The conversation a turn belongs to.
 *
 * @param id            the conversation id, or null when the turn is not stored ({@code store: false}, no id)
 * @param lockToken     the turn lock held on an existing conversation, null for a new one
 * @param history       the stored messages that precede the turn
 * @param expectedCount the stored message count when the turn began
 * @param bytes         the stored size of the history (its JSON)
 */
record ConversationState(String id, String lockToken, List<ChatMessage> history, int expectedCount, long bytes) {

  static ConversationState fresh(String id) {
    return new ConversationState(id, null, List.of(), 0, 0);
  }

  boolean isNew() {
    return lockToken == null;
  }
}
