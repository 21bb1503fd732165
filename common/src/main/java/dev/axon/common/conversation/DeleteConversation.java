package dev.axon.common.conversation;

/**
 * Deletes a conversation of this owner with all its messages. Replies with an empty body; fails with
 * {@code NOT_FOUND} (unknown, expired, or another owner's) or {@code CONFLICT} (a turn is running on it).
 */
public record DeleteConversation(String id, String ownerHash) {
}
