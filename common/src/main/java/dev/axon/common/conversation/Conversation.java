package dev.axon.common.conversation;

import dev.axon.common.chat.ChatMessage;
import java.util.List;

/**
 * A stored conversation.
 *
 * @param createdAt    seconds since the epoch
 * @param updatedAt    seconds since the epoch
 * @param messageCount number of stored messages (equals {@code messages.size()} when messages are loaded)
 * @param bytes        the stored size of the messages (their JSON), 0 when not measured (a listing)
 */
public record Conversation(String id, String model, long createdAt, long updatedAt, int messageCount, List<ChatMessage> messages,
                           long bytes) {

  public Conversation {
    messages = messages == null ? List.of() : List.copyOf(messages);
  }

  public Conversation(String id, String model, long createdAt, long updatedAt, int messageCount, List<ChatMessage> messages) {
    this(id, model, createdAt, updatedAt, messageCount, messages, 0);
  }
}
