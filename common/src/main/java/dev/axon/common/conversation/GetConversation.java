package dev.axon.common.conversation;

/** Reads a conversation for its owner. Replies {@link Conversation} or fails with {@code NOT_FOUND}. */
public record GetConversation(String id, String ownerHash) {
}
