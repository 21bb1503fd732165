package dev.axon.common.conversation;

/** A turn failed or was cancelled: release its lock, change nothing else. Replies with an empty body. */
public record AbortTurn(String id, String lockToken) {
}
