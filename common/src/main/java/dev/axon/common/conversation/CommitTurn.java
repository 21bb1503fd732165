package dev.axon.common.conversation;

import dev.axon.common.chat.ChatMessage;
import java.util.List;

/**
 * Appends a finished turn (the request's new messages and the reply) atomically, refreshes the TTL and
 * releases the turn lock. A new conversation ({@code lockToken} null) is created with this owner.
 * Replies {@link CommitResult}; fails with {@code CONFLICT} when the lock is no longer held by this token,
 * leaving the conversation unchanged.
 *
 * @param expectedCount the message count seen when the conversation was opened (0 for a new one): a lock that
 *                      expired during a long turn is tolerated only when nothing changed meanwhile
 */
public record CommitTurn(String id, String ownerHash, String model, List<ChatMessage> messages, String lockToken, int expectedCount) {

  public CommitTurn {
    messages = List.copyOf(messages);
  }
}
