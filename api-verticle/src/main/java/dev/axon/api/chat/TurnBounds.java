package dev.axon.api.chat;

/**
 * Bounds the edge puts on one chat exchange: how large a stored conversation may grow (a turn that would pass
 * either limit is refused with 400 before it runs), how long and how much a stream may pile up for a client that
 * stopped reading (see {@link dev.axon.api.http.StreamGuard}), and after how much silence a stream gets its
 * dialect's keep-alive (Anthropic's {@code ping}; OpenAI's dialect has none).
 */
public record TurnBounds(int maxConversationMessages, long maxConversationBytes, long streamStallTimeoutMs, long streamBufferLimitBytes,
                         long streamKeepAliveMs) {

  /** The default keep-alive interval of a silent stream. */
  public static final long DEFAULT_KEEP_ALIVE_MS = 10_000;

  /** No conversation limits; a stalled stream is cut after 30 s or 1 MiB; a silent one kept alive every 10 s. */
  public static final TurnBounds UNBOUNDED = new TurnBounds(Integer.MAX_VALUE, Long.MAX_VALUE, 30_000, 1024 * 1024);

  public TurnBounds(int maxConversationMessages, long maxConversationBytes, long streamStallTimeoutMs, long streamBufferLimitBytes) {
    this(maxConversationMessages, maxConversationBytes, streamStallTimeoutMs, streamBufferLimitBytes, DEFAULT_KEEP_ALIVE_MS);
  }
}
