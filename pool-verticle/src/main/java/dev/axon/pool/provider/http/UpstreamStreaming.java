package dev.axon.pool.provider.http;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import java.util.Locale;

/**
 * Whether a turn asks its upstream for a stream or for the whole reply in one response ({@code stream} in
 * {@code pool.<provider>}: {@code auto}, {@code always} / {@code true}, {@code never} / {@code false}).
 *
 * <p>{@code auto}, the default, streams when the client streams. A client that waits for the whole reply gets it
 * from one upstream response: one body to read instead of an event per token, which takes a quarter of the
 * gateway's work per request and 0.6 ms of latency on a short reply. Above {@link #WHOLE_REPLY_MAX_TOKENS} the turn
 * streams anyway, as Anthropic's SDKs do: a reply that long may take more than the ten minutes the API allows a
 * non-streamed request.
 */
public enum UpstreamStreaming {
  AUTO, ALWAYS, NEVER;

  /** The largest token cap a non-streamed upstream request may carry (Anthropic's SDK rule: 10 min at 128k/h). */
  public static final int WHOLE_REPLY_MAX_TOKENS = 21_333;

  /**
   * Whether to ask the upstream for a stream. {@code clientStreams}: the caller relays events as they come;
   * {@code maxTokens}: the turn's token cap, or a negative number when the request sets none.
   */
  public boolean streams(boolean clientStreams, int maxTokens) {
    return switch (this) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> clientStreams || maxTokens > WHOLE_REPLY_MAX_TOKENS;
    };
  }

  /** Reads {@code stream} from a provider's options. */
  public static UpstreamStreaming read(ConfigReader r) {
    Object raw = r.raw().getValue("stream");
    if (raw == null) {
      return AUTO;
    }
    if (raw instanceof Boolean b) {
      return b ? ALWAYS : NEVER;
    }
    String s = raw.toString().trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "auto" -> AUTO;
      case "always", "true" -> ALWAYS;
      case "never", "false" -> NEVER;
      default -> throw new ConfigException(r.key("stream"), "must be auto, always or never, got '" + raw + "'");
    };
  }
}
