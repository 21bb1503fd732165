package dev.axon.common.conversation;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.tenant.RecordUsage;
import java.util.List;

/**
 * Appends a finished turn (the request's new messages and the reply) atomically, refreshes the TTL and
 * releases the turn lock. A new conversation ({@code lockToken} null) is created with this owner.
 * Replies {@link CommitResult}; fails with {@code CONFLICT} when the lock is no longer held by this token,
 * leaving the conversation unchanged.
 *
 * @param expectedCount the message count seen when the conversation was opened (0 for a new one): a lock that
 *                      expired during a long turn is tolerated only when nothing changed meanwhile
 * @param usage         the exchange's metering, or null: when the commit succeeds, the store meters it (and charges
 *                      the key's token limits) as {@link RecordUsage} would, in the same round trip where it can, so
 *                      a stored turn costs one write; when the commit fails, nothing is metered
 */
public record CommitTurn(String id, String ownerHash, String model, List<ChatMessage> messages, String lockToken, int expectedCount,
                         RecordUsage usage) {

  public CommitTurn {
    messages = List.copyOf(messages);
  }

  /** A commit that meters nothing. */
  public CommitTurn(String id, String ownerHash, String model, List<ChatMessage> messages, String lockToken, int expectedCount) {
    this(id, ownerHash, model, messages, lockToken, expectedCount, null);
  }
}
