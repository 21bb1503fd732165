package dev.axon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.axon.api.ApiOptions;
import dev.axon.common.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link EnvOverrides} maps each {@code AXON_*} variable onto its configuration key. It is package-private, so
 * this test lives in its package; the lookup is a map instead of the real environment.
 */
class EnvOverridesTest {

  @Test
  void everyVariableLandsOnItsKey() {
    Map<String, String> env = new HashMap<>();
    env.put("AXON_PORT", "8080");
    env.put("AXON_HOST", "127.0.0.1");
    env.put("AXON_API_KEYS", "sk-one, sk-two");
    env.put("AXON_API_INSTANCES", "3");
    env.put("AXON_POOL_INSTANCES", "2");
    env.put("AXON_EVENT_LOOPS", "2");
    env.put("AXON_DEFAULT_MODEL", "claude-haiku-4-5");
    env.put("AXON_PROVIDER", "mock");
    env.put("AXON_POOL_SIZE", "5");
    env.put("AXON_POOL_MAX", "9");
    env.put("AXON_MAX_TURNS", "50");
    env.put("AXON_STORE", "memory");
    env.put("AXON_VALKEY_URL", "redis://valkey:6380");
    env.put("AXON_CONVERSATION_TTL", "3600");
    env.put("AXON_ROLES", "api,pool");
    env.put("AXON_CLAUDE_BIN", "/opt/claude/bin/claude");
    env.put("AXON_CLUSTER_ENABLED", "true");
    env.put("AXON_CLUSTER_NAME", "prod");
    env.put("AXON_CLUSTER_HOST", "10.0.0.5");
    env.put("AXON_CLUSTER_PORT", "5801");
    env.put("AXON_CLUSTER_EVENT_BUS_PORT", "5901");
    env.put("AXON_CLUSTER_MEMBERS", "10.0.0.5:5801,10.0.0.6:5801");
    env.put("AXON_ROUTES", "claude-*=anthropic,llama-*=openai");
    env.put("AXON_ANTHROPIC_BASE_URL", "http://mock:8081");
    env.put("ANTHROPIC_API_KEY", "sk-ant-x");
    env.put("AXON_ANTHROPIC_VERSION", "2023-06-01");
    env.put("AXON_OPENAI_BASE_URL", "http://vllm:8000/v1");
    env.put("AXON_OPENAI_API_KEY", "sk-oai-x");
    env.put("AXON_LOG_LEVEL", "debug");
    env.put("AXON_EVENT_LOOP_SPIN_US", "0");
    env.put("AXON_METRICS_ENABLED", "false");
    env.put("AXON_METRICS_TOKEN", "metrics-secret-1");
    env.put("AXON_STATUS_TOKEN", "status-secret-1");
    env.put("AXON_DRAIN_GRACE_MS", "1500");
    env.put("AXON_DRAIN_TIMEOUT_MS", "9000");
    env.put("AXON_TRACING_ENABLED", "true");
    env.put("AXON_TRACING_EXPORTER", "otlp");
    env.put("AXON_OTLP_ENDPOINT", "http://collector:4318");
    JsonObject config = new JsonObject();
    EnvOverrides.apply(config, env::get);

    assertEquals("8080", config.getJsonObject("api").getString("port"));
    assertEquals("127.0.0.1", config.getJsonObject("api").getString("host"));
    assertEquals("sk-one, sk-two", config.getJsonObject("api").getString("keys"));
    assertEquals("3", config.getJsonObject("api").getString("instances"));
    assertEquals("0", config.getJsonObject("eventLoopSpin").getString("micros"));
    assertEquals("claude-haiku-4-5", config.getJsonObject("models").getString("default"));
    assertEquals("mock", config.getJsonObject("pool").getString("provider"));
    assertEquals("5", config.getJsonObject("pool").getString("size"));
    assertEquals("9", config.getJsonObject("pool").getString("max"));
    assertEquals("50", config.getJsonObject("pool").getString("maxTurns"));
    assertEquals("2", config.getJsonObject("pool").getString("instances"));
    assertEquals("memory", config.getJsonObject("store").getString("backend"));
    assertEquals("redis://valkey:6380", config.getJsonObject("store").getJsonObject("valkey").getString("url"));
    assertEquals("3600", config.getJsonObject("store").getString("conversationTtlSeconds"));
    assertEquals("api,pool", config.getString("roles"));
    assertEquals("/opt/claude/bin/claude", config.getJsonObject("pool").getJsonObject("claude-code").getString("bin"));
    assertEquals("claude-*=anthropic,llama-*=openai", config.getJsonObject("models").getString("routes"));
    JsonObject anthropic = config.getJsonObject("pool").getJsonObject("anthropic");
    assertEquals("http://mock:8081", anthropic.getString("baseUrl"));
    assertEquals("sk-ant-x", anthropic.getString("apiKey"));
    assertEquals("2023-06-01", anthropic.getString("version"));
    assertEquals("http://vllm:8000/v1", config.getJsonObject("pool").getJsonObject("openai").getString("baseUrl"));
    assertEquals("sk-oai-x", config.getJsonObject("pool").getJsonObject("openai").getString("apiKey"));
    assertEquals(EnvOverrides.KEYS.keySet(), env.keySet(), "every documented variable is covered here");

    // The strings from the environment pass the same checks as the file's values.
    AxonConfig checked = new AxonConfig(config);
    assertEquals(Set.of("api", "pool"), checked.roles());
    assertEquals(3, checked.apiInstances());
    assertEquals(2, checked.poolInstances());
    assertEquals(2, checked.eventLoops());
    assertTrue(checked.cluster().enabled());
    assertEquals("prod", checked.cluster().name());
    assertEquals("10.0.0.5", checked.cluster().host());
    assertEquals(5801, checked.cluster().port());
    assertEquals(5901, checked.cluster().eventBusPort());
    assertEquals(List.of("10.0.0.5:5801", "10.0.0.6:5801"), checked.cluster().members());
    ApiOptions api = new ApiOptions(checked.api());
    assertEquals(8080, api.port());
    assertEquals(2, api.keys().size(), "a comma-separated list of keys");
    assertEquals("claude-haiku-4-5", api.models().defaultModel());
    assertEquals("openai", api.models().routeFor("llama-3-8b"));
    assertEquals(2, checked.pool().getJsonArray("routes").size(), "the pool gets the same route table");
    assertEquals("DEBUG", checked.logLevels().root());
    assertFalse(checked.opsOptions().metricsEnabled());
    assertTrue(checked.opsOptions().metricsToken() != null && checked.opsOptions().statusToken() != null);
    assertEquals(1500, checked.opsOptions().drainGraceMs());
    assertEquals(9000, checked.opsOptions().drainTimeoutMs());
    assertTrue(checked.tracingOptions().exporting());
    assertEquals("http://collector:4318", checked.tracingOptions().endpoint());
  }

  @Test
  void overridesReplaceSingleKeysAndKeepTheRest() {
    JsonObject config = new JsonObject()
        .put("api", new JsonObject().put("port", 3000).put("host", "0.0.0.0").put("keys", new JsonArray().add("sk-file")))
        .put("store", new JsonObject().put("valkey", new JsonObject().put("url", "redis://file:6379").put("maxPoolSize", 4)));
    EnvOverrides.apply(config, Map.of("AXON_PORT", " 9090 ", "AXON_VALKEY_URL", "redis://env:6379", "AXON_POOL_SIZE", "   ")::get);
    assertEquals("9090", config.getJsonObject("api").getString("port"), "values are trimmed");
    assertEquals("0.0.0.0", config.getJsonObject("api").getString("host"));
    assertEquals(new JsonArray().add("sk-file"), config.getJsonObject("api").getJsonArray("keys"));
    assertEquals("redis://env:6379", config.getJsonObject("store").getJsonObject("valkey").getString("url"));
    assertEquals(4, config.getJsonObject("store").getJsonObject("valkey").getInteger("maxPoolSize"));
    assertFalse(config.containsKey("pool"), "a blank variable overrides nothing");
  }

  @Test
  void aBadValueFromTheEnvironmentNamesTheKeyItLandedOn() {
    JsonObject config = new JsonObject().put("api", new JsonObject().put("keys", new JsonArray().add("sk-a")));
    EnvOverrides.apply(config, Map.of("AXON_POOL_SIZE", "abc")::get);
    ConfigException e = assertThrows(ConfigException.class, () -> new AxonConfig(config));
    assertEquals("pool.size", e.key());
  }
}
