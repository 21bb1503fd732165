package dev.axon.api;

import dev.axon.api.auth.ApiKeys;
import dev.axon.api.http.TrustedProxies;
import dev.axon.common.config.ConfigReader;
import dev.axon.common.config.ModelCatalog;
import io.vertx.core.json.JsonObject;

/**
 * Options of the API verticle: its {@code api} section, plus the {@code models} section the launcher passes
 * along under the key {@code models}. Durations in milliseconds, sizes in bytes.
 */
public final class ApiOptions {

  /** The HTTP port. */
  public static final int DEFAULT_PORT = 3000;
  public static final String DEFAULT_HOST = "0.0.0.0";
  /** Larger request bodies get 413. */
  public static final long DEFAULT_BODY_LIMIT_BYTES = 4L * 1024 * 1024;
  /** A caller gives up on a turn whose producer has been silent this long (producers heartbeat every 5 s). */
  public static final long DEFAULT_TURN_INACTIVITY_MS = 20_000;
  /** How long to wait for a pool to accept a turn; must exceed the pool's queue deadline. */
  public static final long DEFAULT_TURN_ACCEPT_TIMEOUT_MS = 40_000;
  /** A conversation's turn lock outlives a crashed holder by at most this long. */
  public static final long DEFAULT_CONVERSATION_LOCK_MS = 900_000;
  /** Store requests that take longer fail with 503. */
  public static final long DEFAULT_STORE_TIMEOUT_MS = 5_000;
  /** The largest {@code n} accepted. */
  public static final int DEFAULT_MAX_CHOICES = 8;
  /** The largest {@code tools} list accepted (OpenAI's own bound). */
  public static final int DEFAULT_MAX_TOOLS = 128;
  /** A stored conversation holds at most this many messages; a turn that would pass it gets 400. */
  public static final int DEFAULT_CONVERSATION_MAX_MESSAGES = 1000;
  /** A stored conversation holds at most this many bytes of messages (their JSON); a turn that would pass it gets 400. */
  public static final long DEFAULT_CONVERSATION_MAX_BYTES = 8L * 1024 * 1024;
  /**
   * A connection with no request in progress is closed after this long: a new connection must send its request
   * headers within it (slowloris), and an idle keep-alive connection goes.
   */
  public static final long DEFAULT_HEADERS_TIMEOUT_MS = 20_000;
  /** A request body must have arrived in full this long after its headers, or the connection is closed. */
  public static final long DEFAULT_BODY_TIMEOUT_MS = 30_000;
  /** A stream whose client stopped reading (its write queue full) this long is cancelled and its connection closed. */
  public static final long DEFAULT_STREAM_STALL_TIMEOUT_MS = 30_000;
  /** ...or as soon as this much piled up unread beyond the write queue's own bound. */
  public static final long DEFAULT_STREAM_BUFFER_LIMIT_BYTES = 1024 * 1024;
  /** A stream silent this long gets its dialect's keep-alive (Anthropic's {@code ping}; none in OpenAI's). */
  public static final long DEFAULT_STREAM_KEEP_ALIVE_MS = 10_000;
  /** A running turn's concurrency slot frees itself this long after its node stopped renewing it (node died). */
  public static final long DEFAULT_CONCURRENCY_LEASE_MS = 60_000;
  /** Failed authentications an address may have per window before its requests are slowed down. */
  public static final int DEFAULT_AUTH_FREE_FAILURES = 5;
  public static final long DEFAULT_AUTH_WINDOW_MS = 60_000;
  /** The longest delay put on a request of an address that keeps failing to authenticate. */
  public static final long DEFAULT_AUTH_MAX_DELAY_MS = 5_000;
  /** Sent as {@code system_fingerprint}: identifies this gateway's configuration generation. */
  public static final String DEFAULT_SYSTEM_FINGERPRINT = "fp_axon_0100";

  private final int port;
  private final String host;
  private final long bodyLimitBytes;
  private final long turnInactivityMs;
  private final long turnAcceptTimeoutMs;
  private final long conversationLockMs;
  private final long storeTimeoutMs;
  private final int maxChoices;
  private final String systemFingerprint;
  private final int maxTools;
  private final int conversationMaxMessages;
  private final long conversationMaxBytes;
  private final long headersTimeoutMs;
  private final long bodyTimeoutMs;
  private final long streamStallTimeoutMs;
  private final long streamBufferLimitBytes;
  private final long streamKeepAliveMs;
  private final long concurrencyLeaseMs;
  private final int authFreeFailures;
  private final long authWindowMs;
  private final long authMaxDelayMs;
  private final TrustedProxies trustedProxies;
  private final ApiKeys keys;
  private final ModelCatalog models;

  public ApiOptions(JsonObject json) {
    JsonObject root = json == null ? new JsonObject() : json;
    ConfigReader r = new ConfigReader(root, "api");
    port = r.intValue("port", DEFAULT_PORT, 0, 65_535);
    host = r.string("host", DEFAULT_HOST);
    bodyLimitBytes = r.longValue("bodyLimitBytes", DEFAULT_BODY_LIMIT_BYTES, 1024, 1L << 30);
    turnInactivityMs = r.longValue("turnInactivityMs", DEFAULT_TURN_INACTIVITY_MS, 100, 3_600_000);
    turnAcceptTimeoutMs = r.longValue("turnAcceptTimeoutMs", DEFAULT_TURN_ACCEPT_TIMEOUT_MS, 100, 3_600_000);
    conversationLockMs = r.longValue("conversationLockMs", DEFAULT_CONVERSATION_LOCK_MS, 1_000, 86_400_000);
    storeTimeoutMs = r.longValue("storeTimeoutMs", DEFAULT_STORE_TIMEOUT_MS, 10, 600_000);
    maxChoices = r.intValue("maxChoices", DEFAULT_MAX_CHOICES, 1, 128);
    systemFingerprint = r.string("systemFingerprint", DEFAULT_SYSTEM_FINGERPRINT);
    maxTools = r.intValue("maxTools", DEFAULT_MAX_TOOLS, 1, 100_000);
    ConfigReader conversations = r.child("conversations");
    conversationMaxMessages = conversations.intValue("maxMessages", DEFAULT_CONVERSATION_MAX_MESSAGES, 2, 10_000_000);
    conversationMaxBytes = conversations.longValue("maxBytes", DEFAULT_CONVERSATION_MAX_BYTES, 1024, 1L << 34);
    headersTimeoutMs = r.longValue("headersTimeoutMs", DEFAULT_HEADERS_TIMEOUT_MS, 100, 3_600_000);
    bodyTimeoutMs = r.longValue("bodyTimeoutMs", DEFAULT_BODY_TIMEOUT_MS, 100, 3_600_000);
    streamStallTimeoutMs = r.longValue("streamStallTimeoutMs", DEFAULT_STREAM_STALL_TIMEOUT_MS, 100, 3_600_000);
    streamBufferLimitBytes = r.longValue("streamBufferLimitBytes", DEFAULT_STREAM_BUFFER_LIMIT_BYTES, 1024, 1L << 30);
    streamKeepAliveMs = r.longValue("streamKeepAliveMs", DEFAULT_STREAM_KEEP_ALIVE_MS, 10, 3_600_000);
    concurrencyLeaseMs = r.longValue("concurrencyLeaseMs", DEFAULT_CONCURRENCY_LEASE_MS, 1_000, 3_600_000);
    ConfigReader auth = r.child("authFailures");
    authFreeFailures = auth.intValue("free", DEFAULT_AUTH_FREE_FAILURES, 0, 1_000_000);
    authWindowMs = auth.longValue("windowMs", DEFAULT_AUTH_WINDOW_MS, 100, 86_400_000);
    authMaxDelayMs = auth.longValue("maxDelayMs", DEFAULT_AUTH_MAX_DELAY_MS, 0, 600_000);
    trustedProxies = TrustedProxies.of(r.strings("trustedProxies"));
    keys = ApiKeys.fromConfig(root.getValue("keys"));
    models = ModelCatalog.fromConfig(root.getJsonObject("models"));
  }

  public int port() {
    return port;
  }

  public String host() {
    return host;
  }

  public long bodyLimitBytes() {
    return bodyLimitBytes;
  }

  public long turnInactivityMs() {
    return turnInactivityMs;
  }

  public long turnAcceptTimeoutMs() {
    return turnAcceptTimeoutMs;
  }

  public long conversationLockMs() {
    return conversationLockMs;
  }

  public long storeTimeoutMs() {
    return storeTimeoutMs;
  }

  public int maxChoices() {
    return maxChoices;
  }

  public String systemFingerprint() {
    return systemFingerprint;
  }

  public int maxTools() {
    return maxTools;
  }

  public int conversationMaxMessages() {
    return conversationMaxMessages;
  }

  public long conversationMaxBytes() {
    return conversationMaxBytes;
  }

  public long headersTimeoutMs() {
    return headersTimeoutMs;
  }

  public long bodyTimeoutMs() {
    return bodyTimeoutMs;
  }

  public long streamStallTimeoutMs() {
    return streamStallTimeoutMs;
  }

  public long streamBufferLimitBytes() {
    return streamBufferLimitBytes;
  }

  public long streamKeepAliveMs() {
    return streamKeepAliveMs;
  }

  public long concurrencyLeaseMs() {
    return concurrencyLeaseMs;
  }

  public int authFreeFailures() {
    return authFreeFailures;
  }

  public long authWindowMs() {
    return authWindowMs;
  }

  public long authMaxDelayMs() {
    return authMaxDelayMs;
  }

  /** The reverse proxies whose {@code X-Forwarded-For} names the client; none by default. */
  public TrustedProxies trustedProxies() {
    return trustedProxies;
  }

  public ApiKeys keys() {
    return keys;
  }

  public ModelCatalog models() {
    return models;
  }
}
