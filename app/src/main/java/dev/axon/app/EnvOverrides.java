package dev.axon.app;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The environment variables (or system properties of the same name) that override the configuration file,
 * each mapped to its key. A system property wins over the environment.
 */
final class EnvOverrides {

  static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("AXON_PORT", "api.port");
    KEYS.put("AXON_HOST", "api.host");
    KEYS.put("AXON_API_KEYS", "api.keys");
    KEYS.put("AXON_API_INSTANCES", "api.instances");
    KEYS.put("AXON_POOL_INSTANCES", "pool.instances");
    KEYS.put("AXON_EVENT_LOOPS", "eventLoops");
    KEYS.put("AXON_EVENT_LOOP_SPIN_US", "eventLoopSpin.micros");
    KEYS.put("AXON_DEFAULT_MODEL", "models.default");
    KEYS.put("AXON_PROVIDER", "pool.provider");
    KEYS.put("AXON_ROUTES", "models.routes");
    KEYS.put("AXON_ANTHROPIC_BASE_URL", "pool.anthropic.baseUrl");
    KEYS.put("ANTHROPIC_API_KEY", "pool.anthropic.apiKey");
    KEYS.put("AXON_ANTHROPIC_VERSION", "pool.anthropic.version");
    KEYS.put("AXON_OPENAI_BASE_URL", "pool.openai.baseUrl");
    KEYS.put("AXON_OPENAI_API_KEY", "pool.openai.apiKey");
    KEYS.put("AXON_POOL_SIZE", "pool.size");
    KEYS.put("AXON_POOL_MAX", "pool.max");
    KEYS.put("AXON_MAX_TURNS", "pool.maxTurns");
    KEYS.put("AXON_CLAUDE_BIN", "pool.claude-code.bin");
    KEYS.put("AXON_STORE", "store.backend");
    KEYS.put("AXON_VALKEY_URL", "store.valkey.url");
    KEYS.put("AXON_CONVERSATION_TTL", "store.conversationTtlSeconds");
    KEYS.put("AXON_ROLES", "roles");
    KEYS.put("AXON_CLUSTER_ENABLED", "cluster.enabled");
    KEYS.put("AXON_CLUSTER_NAME", "cluster.name");
    KEYS.put("AXON_CLUSTER_HOST", "cluster.host");
    KEYS.put("AXON_CLUSTER_PORT", "cluster.port");
    KEYS.put("AXON_CLUSTER_EVENT_BUS_PORT", "cluster.eventBusPort");
    KEYS.put("AXON_CLUSTER_MEMBERS", "cluster.members");
    KEYS.put("AXON_LOG_LEVEL", "logging.level");
    KEYS.put("AXON_METRICS_ENABLED", "ops.metrics.enabled");
    KEYS.put("AXON_METRICS_TOKEN", "ops.metrics.token");
    KEYS.put("AXON_STATUS_TOKEN", "ops.status.token");
    KEYS.put("AXON_DRAIN_GRACE_MS", "ops.drain.graceMs");
    KEYS.put("AXON_DRAIN_TIMEOUT_MS", "ops.drain.timeoutMs");
    KEYS.put("AXON_TRACING_ENABLED", "tracing.enabled");
    KEYS.put("AXON_TRACING_EXPORTER", "tracing.exporter");
    KEYS.put("AXON_OTLP_ENDPOINT", "tracing.endpoint");
  }

  private EnvOverrides() {
  }

  /** Applies every override found by {@code lookup} (variable name → value or null) to {@code config}. */
  static void apply(JsonObject config, Function<String, String> lookup) {
    KEYS.forEach((variable, key) -> {
      String value = lookup.apply(variable);
      if (value != null && !value.isBlank()) {
        put(config, key, value.trim());
      }
    });
  }

  static String lookup(String variable) {
    String property = System.getProperty(variable);
    return property != null ? property : System.getenv(variable);
  }

  private static void put(JsonObject config, String dottedKey, String value) {
    String[] parts = dottedKey.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.getValue(parts[i]);
      if (!(child instanceof JsonObject)) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = (JsonObject) child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
