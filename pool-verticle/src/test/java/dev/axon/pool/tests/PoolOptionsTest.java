package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.config.ConfigException;
import dev.axon.pool.PoolOptions;
import dev.axon.pool.provider.Providers;
import dev.axon.pool.provider.mock.MockProvider;
import dev.axon.pool.session.PoolSettings;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The {@code pool} configuration section: defaults, per-model overrides, and errors that name their key. */
class PoolOptionsTest {

  static PoolOptions options(String json) {
    return new PoolOptions(new JsonObject(json));
  }

  @Test
  void defaultsApplyToEveryModel() {
    PoolOptions o = new PoolOptions(new JsonObject());
    assertEquals("mock", o.provider());
    assertEquals(new PoolSettings(3, 6, 200, 30_000, 256, 30_000, 900_000, 60_000), o.settingsFor("claude-sonnet-4-6"));
    assertEquals(PoolOptions.DEFAULT_SIZE, o.settingsFor("any").size());
    assertEquals(PoolOptions.DEFAULT_MAX_TURNS, o.settingsFor("any").maxTurns());
    assertEquals(5_000, o.heartbeatMs());
    assertEquals(600_000, o.turnTimeoutMs());
    assertEquals(1_000, o.housekeepingMs());
    assertEquals(List.of(), o.warm());
    assertEquals("mock", o.providerFor("claude-opus-4-6"));
    assertEquals(Set.of("mock"), o.providersInUse());
    assertEquals(new JsonObject(), o.providerOptions("mock"));
    assertEquals(o.settingsFor("x"), new PoolOptions(null).settingsFor("x"), "no section at all means defaults");
  }

  @Test
  void maxDefaultsToTwiceTheSizeAndValuesMayBeStrings() {
    assertEquals(10, options("{\"size\":5}").settingsFor("m").max());
    PoolOptions fromEnv = options("""
        {"size":"4","max":" 9 ","maxTurns":"50","acquireTimeoutMs":"1500","warm":"a, b"}""");
    PoolSettings s = fromEnv.settingsFor("m");
    assertEquals(4, s.size());
    assertEquals(9, s.max());
    assertEquals(50, s.maxTurns());
    assertEquals(1500, s.acquireTimeoutMs());
    assertEquals(List.of("a", "b"), fromEnv.warm());
  }

  @Test
  void perModelOverridesFallBackToThePoolWideValues() {
    PoolOptions o = options("""
        {"size":2,"max":4,"maxTurns":30,"mock":{"warmupDelayMs":5},
         "models":{"claude-opus-4-6":{"size":1,"max":2},
                   "claude-haiku-4-5":{"provider":"mock"},
                   "big":{"size":10}}}""");
    assertEquals(new PoolSettings(1, 2, 30, 30_000, 256, 30_000, 900_000, 60_000), o.settingsFor("claude-opus-4-6"));
    assertEquals(2, o.settingsFor("claude-haiku-4-5").size());
    assertEquals(4, o.settingsFor("claude-haiku-4-5").max());
    assertEquals(10, o.settingsFor("big").size());
    assertEquals(10, o.settingsFor("big").max(), "a model's size above the pool-wide max lifts its max");
    assertEquals(2, o.settingsFor("unlisted").size());
    assertEquals(4, o.settingsFor("unlisted").max());
    assertEquals("mock", o.providerFor("claude-haiku-4-5"));
    assertEquals(5, o.providerOptions("mock").getInteger("warmupDelayMs"));
    o.checkProviders(Providers.names());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      {"size":4,"max":2}                            | pool.max
      {"size":"abc"}                                | pool.size
      {"size":-1}                                   | pool.size
      {"size":2.5}                                  | pool.size
      {"max":0}                                     | pool.max
      {"maxTurns":1}                                | pool.maxTurns
      {"heartbeatMs":"fast"}                        | pool.heartbeatMs
      {"acquireTimeoutMs":0}                        | pool.acquireTimeoutMs
      {"maxWaiting":-5}                             | pool.maxWaiting
      {"warm":{"a":1}}                              | pool.warm
      {"models":"none"}                             | pool.models
      {"models":{"m":{"size":3,"max":1}}}           | pool.models.m.max
      {"models":{"m":{"max":1}}}                    | pool.models.m.max
      {"models":{"m":{"size":"many"}}}              | pool.models.m.size
      """)
  void badValuesFailNamingTheirKey(String json, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> options(json));
    assertEquals(key, e.key());
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
  }

  @Test
  void unknownProviderFailsNamingItsKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> options("{\"provider\":\"gpt-magic\"}").checkProviders(Providers.names()));
    assertEquals("pool.provider", e.key());
    assertTrue(e.getMessage().contains("gpt-magic"), e.getMessage());

    ConfigException perModel = assertThrows(ConfigException.class,
        () -> options("{\"models\":{\"m\":{\"provider\":\"nope\"}}}").checkProviders(Providers.names()));
    assertEquals("pool.models.m.provider", perModel.key());
  }

  @Test
  void badProviderOptionFailsNamingItsKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new MockProvider(null, new JsonObject().put("resetDelayMs", "slow")));
    assertEquals("pool.mock.resetDelayMs", e.key());
  }

  @Test
  void fallbackChainsFollowTheModelThenThePoolDefault() {
    PoolOptions o = options("{\"provider\":\"claude-code\",\"fallback\":[\"anthropic\",\"claude-code\"],"
        + "\"models\":{\"claude-haiku-4-5\":{\"provider\":\"anthropic\",\"fallback\":[\"mock\"]}}}");
    assertEquals(List.of("claude-code", "anthropic"), o.providerChain("claude-sonnet-4-6"), "no repeats");
    assertEquals(List.of("anthropic", "mock"), o.providerChain("claude-haiku-4-5"), "the model's own chain wins");
    assertTrue(o.providersInUse().containsAll(Set.of("claude-code", "anthropic", "mock")));
  }

  @Test
  void anUnknownFallbackProviderNamesItsKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> options("{\"fallback\":[\"telepathy\"]}").checkProviders(Providers.names()));
    assertEquals("pool.fallback", e.key());
    ConfigException m = assertThrows(ConfigException.class,
        () -> options("{\"models\":{\"claude-opus-4-6\":{\"fallback\":[\"telepathy\"]}}}").checkProviders(Providers.names()));
    assertEquals("pool.models.claude-opus-4-6.fallback", m.key());
  }
}
