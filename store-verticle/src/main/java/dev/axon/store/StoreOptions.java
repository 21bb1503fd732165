package dev.axon.store;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import io.vertx.core.json.JsonObject;

/**
 * Options of the store verticle, from the {@code store} section of the configuration. Durations in the unit
 * their name says.
 */
public final class StoreOptions {

  /** Where conversations live: {@code valkey} (any Redis-protocol server) or {@code memory} (one JVM, tests). */
  public static final String DEFAULT_BACKEND = "valkey";
  /** The Valkey server. */
  public static final String DEFAULT_VALKEY_URL = "redis://localhost:6379";
  /** Seven days: a conversation untouched this long is forgotten. Refreshed on every write. */
  public static final long DEFAULT_CONVERSATION_TTL_SECONDS = 604_800;
  /**
   * Connections the Valkey client may open (in a cluster, one per master); commands are pipelined down one per store
   * verticle.
   */
  public static final int DEFAULT_MAX_POOL_SIZE = 8;
  /** A command that takes longer makes the request fail fast with 503 instead of hanging. */
  public static final long DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
  /** Connection attempts to a down server give up this fast. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 1_000;

  /**
   * Usage is counted in memory and written to Valkey this often (one call per usage hash instead of one per turn); 0
   * writes every record as it comes.
   */
  public static final long DEFAULT_USAGE_FLUSH_MS = 1_000;

  /** How to reach Valkey: {@code standalone} (one server at {@code url}), {@code sentinel}, or {@code cluster}. */
  public static final String DEFAULT_MODE = "standalone";
  /** The Sentinel master name. */
  public static final String DEFAULT_MASTER_NAME = "mymaster";

  private String backend = DEFAULT_BACKEND;
  private String mode = DEFAULT_MODE;
  private java.util.List<String> endpoints = java.util.List.of();
  private String masterName = DEFAULT_MASTER_NAME;
  private String valkeyUrl = DEFAULT_VALKEY_URL;
  private long conversationTtlSeconds = DEFAULT_CONVERSATION_TTL_SECONDS;
  private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
  private long commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  private long usageFlushMs = DEFAULT_USAGE_FLUSH_MS;

  public StoreOptions() {
  }

  public StoreOptions(StoreOptions other) {
    this.backend = other.backend;
    this.mode = other.mode;
    this.endpoints = other.endpoints;
    this.masterName = other.masterName;
    this.valkeyUrl = other.valkeyUrl;
    this.conversationTtlSeconds = other.conversationTtlSeconds;
    this.maxPoolSize = other.maxPoolSize;
    this.commandTimeoutMs = other.commandTimeoutMs;
    this.connectTimeoutMs = other.connectTimeoutMs;
    this.usageFlushMs = other.usageFlushMs;
  }

  /** Reads the {@code store} section; fails with a {@link ConfigException} naming the bad key. */
  public StoreOptions(JsonObject json) {
    ConfigReader r = new ConfigReader(json, "store");
    backend = r.string("backend", DEFAULT_BACKEND);
    if (!backend.equals("valkey") && !backend.equals("memory")) {
      throw new ConfigException("store.backend", "must be 'valkey' or 'memory', got '" + backend + "'");
    }
    ConfigReader valkey = r.child("valkey");
    valkeyUrl = valkey.string("url", DEFAULT_VALKEY_URL);
    if (!valkeyUrl.startsWith("redis://") && !valkeyUrl.startsWith("rediss://") && !valkeyUrl.startsWith("unix://")) {
      throw new ConfigException("store.valkey.url", "must start with redis://, rediss:// or unix://");
    }
    mode = valkey.string("mode", DEFAULT_MODE);
    if (!mode.equals("standalone") && !mode.equals("sentinel") && !mode.equals("cluster")) {
      throw new ConfigException("store.valkey.mode", "must be standalone, sentinel or cluster, got '" + mode + "'");
    }
    endpoints = java.util.List.copyOf(valkey.strings("endpoints"));
    for (String endpoint : endpoints) {
      if (!endpoint.startsWith("redis://") && !endpoint.startsWith("rediss://")) {
        throw new ConfigException("store.valkey.endpoints", "'" + endpoint + "' must start with redis:// or rediss://");
      }
    }
    if (!mode.equals("standalone") && endpoints.isEmpty()) {
      throw new ConfigException("store.valkey.endpoints", "the " + mode + " mode needs the seed endpoints (redis://host:port, ...)");
    }
    masterName = valkey.string("masterName", DEFAULT_MASTER_NAME);
    maxPoolSize = valkey.intValue("maxPoolSize", DEFAULT_MAX_POOL_SIZE, 1, 1024);
    commandTimeoutMs = valkey.longValue("commandTimeoutMs", DEFAULT_COMMAND_TIMEOUT_MS, 10, 600_000);
    connectTimeoutMs = valkey.longValue("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT_MS, 10, 600_000);
    usageFlushMs = r.longValue("usageFlushMs", DEFAULT_USAGE_FLUSH_MS, 0, 60_000);
    conversationTtlSeconds = r.longValue("conversationTtlSeconds", DEFAULT_CONVERSATION_TTL_SECONDS, 1, 10L * 365 * 86_400);
  }

  public String getBackend() {
    return backend;
  }

  public StoreOptions setBackend(String backend) {
    this.backend = backend;
    return this;
  }

  public String getMode() {
    return mode;
  }

  public StoreOptions setMode(String mode) {
    this.mode = mode;
    return this;
  }

  /** Seed endpoints: the cluster's nodes, or the Sentinels. */
  public java.util.List<String> getEndpoints() {
    return endpoints;
  }

  public StoreOptions setEndpoints(java.util.List<String> endpoints) {
    this.endpoints = java.util.List.copyOf(endpoints);
    return this;
  }

  public String getMasterName() {
    return masterName;
  }

  public StoreOptions setMasterName(String masterName) {
    this.masterName = masterName;
    return this;
  }

  public String getValkeyUrl() {
    return valkeyUrl;
  }

  public StoreOptions setValkeyUrl(String valkeyUrl) {
    this.valkeyUrl = valkeyUrl;
    return this;
  }

  public long getConversationTtlSeconds() {
    return conversationTtlSeconds;
  }

  public StoreOptions setConversationTtlSeconds(long conversationTtlSeconds) {
    this.conversationTtlSeconds = conversationTtlSeconds;
    return this;
  }

  public int getMaxPoolSize() {
    return maxPoolSize;
  }

  public StoreOptions setMaxPoolSize(int maxPoolSize) {
    this.maxPoolSize = maxPoolSize;
    return this;
  }

  public long getCommandTimeoutMs() {
    return commandTimeoutMs;
  }

  public StoreOptions setCommandTimeoutMs(long commandTimeoutMs) {
    this.commandTimeoutMs = commandTimeoutMs;
    return this;
  }

  public long getConnectTimeoutMs() {
    return connectTimeoutMs;
  }

  public StoreOptions setConnectTimeoutMs(long connectTimeoutMs) {
    this.connectTimeoutMs = connectTimeoutMs;
    return this;
  }

  public long getUsageFlushMs() {
    return usageFlushMs;
  }

  public StoreOptions setUsageFlushMs(long usageFlushMs) {
    this.usageFlushMs = usageFlushMs;
    return this;
  }

  /** Where Valkey is, with any password replaced, fit for a log line. */
  public String redactedValkeyUrl() {
    String where = mode.equals("standalone") ? valkeyUrl : mode + " " + String.join(",", endpoints);
    return where.replaceAll("//([^@/,]*)@", "//***@");
  }
}
