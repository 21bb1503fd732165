package dev.axon.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.app.AxonConfig;
import dev.axon.common.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The configuration is checked as a whole before anything starts; a bad value fails naming its key. */
class AxonConfigTest {

  static JsonObject valid() {
    return new JsonObject()
        .put("api", new JsonObject().put("port", 3000).put("keys", new JsonArray().add("sk-a")))
        .put("pool", new JsonObject().put("provider", "mock").put("size", 1))
        .put("store", new JsonObject().put("backend", "valkey").put("valkey", new JsonObject().put("url", "redis://localhost:6379")));
  }

  private static Arguments bad(String key, Consumer<JsonObject> change) {
    JsonObject config = valid();
    change.accept(config);
    return Arguments.of(key, config);
  }

  static Stream<Arguments> badConfigurations() {
    return Stream.of(
        bad("pool.size", c -> c.getJsonObject("pool").put("size", "abc")),
        bad("pool.size", c -> c.getJsonObject("pool").put("size", -1)),
        bad("pool.max", c -> c.getJsonObject("pool").put("size", 4).put("max", 2)),
        bad("pool.provider", c -> c.getJsonObject("pool").put("provider", "skynet")),
        bad("pool.acquireTimeoutMs", c -> c.getJsonObject("pool").put("acquireTimeoutMs", 1.5)),
        bad("pool.warm", c -> c.getJsonObject("pool").put("warm", new JsonArray().add("gpt-99"))),
        bad("store.valkey.url", c -> c.getJsonObject("store").getJsonObject("valkey").put("url", "http://x")),
        bad("store.backend", c -> c.getJsonObject("store").put("backend", "mongo")),
        bad("store.conversationTtlSeconds", c -> c.getJsonObject("store").put("conversationTtlSeconds", 0)),
        bad("roles", c -> c.put("roles", new JsonArray().add("api").add("wizard"))),
        bad("models.aliases.gpt-4o", c -> c.put("models", new JsonObject().put("aliases", new JsonObject().put("gpt-4o", "claude-nope")))),
        bad("models.default", c -> c.put("models", new JsonObject().put("default", "claude-nope"))),
        bad("models.served", c -> c.put("models", new JsonObject().put("served", new JsonArray()))),
        bad("api.port", c -> c.getJsonObject("api").put("port", "eighty")),
        bad("api.port", c -> c.getJsonObject("api").put("port", 70_000)),
        bad("api.bodyLimitBytes", c -> c.getJsonObject("api").put("bodyLimitBytes", 10)),
        bad("api.maxChoices", c -> c.getJsonObject("api").put("maxChoices", 0)),
        bad("api.keys[0].sha256", c -> c.getJsonObject("api").put("keys", new JsonArray().add(new JsonObject().put("sha256", "nothex")))),
        bad("api", c -> c.put("api", "not a mapping")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigurations")
  void badValueFailsNamingItsKey(String key, JsonObject config) {
    ConfigException e = assertThrows(ConfigException.class, () -> new AxonConfig(config));
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
  }

  @Test
  void validConfigurationGivesEachRoleItsSection() {
    AxonConfig config = new AxonConfig(valid().put("roles", "pool,store"));
    assertEquals(Set.of("pool", "store"), config.roles());
    assertEquals("mock", config.pool().getString("provider"));
    assertEquals(new JsonArray().add("claude-sonnet-4-6"), config.pool().getJsonArray("warm"), "models.default is warmed");
    assertTrue(config.api().containsKey("models"), "the edge gets the model catalog");
    assertEquals(30_000 + 10_000, config.api().getLong("turnAcceptTimeoutMs"), "the edge outwaits the pool's queue");
    assertEquals("redis://localhost:6379", config.store().getJsonObject("valkey").getString("url"));
  }

  @Test
  void defaultsRunEveryRoleAndAliasesAreResolvedForWarmUp() {
    AxonConfig config = new AxonConfig(valid().put("pool", new JsonObject().put("warm", new JsonArray().add("gpt-4o-mini"))));
    assertEquals(List.of("store", "pool", "api"), List.copyOf(config.roles()));
    assertEquals(new JsonArray().add("claude-haiku-4-5"), config.pool().getJsonArray("warm"));
  }

  @Test
  void numbersMayComeAsStrings() {
    JsonObject config = valid();
    config.getJsonObject("api").put("port", "8080");
    config.getJsonObject("pool").put("size", "2").put("max", "3");
    AxonConfig checked = new AxonConfig(config);
    assertEquals("8080", checked.api().getString("port"));
  }
}
