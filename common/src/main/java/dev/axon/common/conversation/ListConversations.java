package dev.axon.common.conversation;

/**
 * Lists an owner's live conversations, newest (by creation) first, without their messages. Replies
 * {@link ConversationPage}; fails with {@code INVALID_REQUEST} when {@code after} is not one of the owner's
 * conversations (anymore).
 *
 * @param limit at most this many (1 to 100)
 * @param after the id of the last conversation of the previous page, or null for the first page
 */
public record ListConversations(String ownerHash, int limit, String after) {
}
