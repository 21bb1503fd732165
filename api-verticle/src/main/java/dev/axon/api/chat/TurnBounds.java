package dev.axon.api.chat;

/**
 * Bounds the edge puts on one chat completion: how large a stored conversation may grow (a turn that would pass
 * either limit is refused with 400 before it runs), and how long and how much a stream may pile up for a client
 * that stopped reading (see {@link dev.axon.api.http.StreamGuard}).
 */
public record TurnBounds(int maxConversationMessages, long maxConversationBytes, long streamStallTimeoutMs, long streamBufferLimitBytes) {

  /** No conversation limits; a stalled stream is cut after 30 s or 1 MiB. */
  public static final TurnBounds UNBOUNDED = new TurnBounds(Integer.MAX_VALUE, Long.MAX_VALUE, 30_000, 1024 * 1024);
}
