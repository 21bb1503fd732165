package dev.axon.common.conversation;

/**
 * Loads a conversation to continue it and takes its turn lock, in one step. Replies {@link Conversation} or
 * fails with {@code NOT_FOUND} (unknown, expired, or owned by another key) or {@code CONFLICT} (another turn
 * holds the lock). The lock expires after {@code lockTtlMs} if its holder dies.
 */
public record OpenConversation(String id, String ownerHash, String lockToken, long lockTtlMs) {
}
