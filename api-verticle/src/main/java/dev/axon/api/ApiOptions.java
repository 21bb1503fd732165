package dev.axon.api;

import dev.axon.api.auth.ApiKeys;
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

  public ApiKeys keys() {
    return keys;
  }

  public ModelCatalog models() {
    return models;
  }
}
