package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.ApiOptions;
import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.ApiKeys;
import dev.axon.api.auth.AuthThrottle;
import dev.axon.api.http.RequestGuards;
import dev.axon.api.tenant.RateLimitHeaders;
import dev.axon.common.config.ConfigException;
import dev.axon.common.tenant.KeyLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key configuration with limits, the rate-limit header format, the request guards and the auth throttle's arithmetic. */
class TenantConfigTest {

  static String sha256(String key) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void keysCarryLimitsModelsAndAdminPlainOrHashed() throws Exception {
    ApiKeys keys = ApiKeys.fromConfig(new JsonArray()
        .add("sk-plain")
        .add(new JsonObject().put("name", "alice").put("sha256", sha256("sk-alice")).put("limits", new JsonObject()
            .put("requestsPerMinute", 60).put("tokensPerMinute", 40_000).put("tokensPerDay", 1_000_000).put("concurrentRequests", 4)
            .put("models", new JsonArray().add("claude-haiku-4-5").add("gpt-4o-mini"))))
        .add(new JsonObject().put("name", "ops@example.com").put("key", "sk-ops").put("admin", true)));
    ApiKey plain = keys.find("sk-plain");
    assertEquals("key-1", plain.name());
    assertFalse(plain.limited());
    assertFalse(plain.admin());
    assertTrue(plain.allows("gpt-4o", "claude-sonnet-4-6"));
    ApiKey alice = keys.find("sk-alice");
    assertEquals(new KeyLimits(60, 40_000, 1_000_000, 4), alice.limits());
    assertTrue(alice.limited());
    assertTrue(alice.allows("gpt-4o-mini", "claude-haiku-4-5"));
    assertTrue(alice.allows("claude-haiku-4-5", "claude-haiku-4-5"));
    assertFalse(alice.allows("gpt-4o", "claude-sonnet-4-6"));
    assertTrue(keys.find("sk-ops").admin());
    assertNotNull(keys.byName("alice"));
    assertEquals(null, keys.find("sk-alicE"));
  }

  /**
   * Keys are found by their digest's first eight bytes, then compared whole: a digest that shares only those bytes
   * finds nothing, and two configured digests that share them are refused (neither could be told from the other).
   */
  @Test
  void aKeyIsFoundOnlyByItsWholeDigest() throws Exception {
    String real = sha256("sk-real");
    String sameStart = real.substring(0, 16) + "0".repeat(48);
    ApiKeys keys = ApiKeys.fromConfig(new JsonArray().add(new JsonObject().put("name", "real").put("sha256", real)));
    assertEquals("real", keys.find("sk-real").name());
    ApiKeys lookalike = ApiKeys.fromConfig(new JsonArray().add(new JsonObject().put("name", "fake").put("sha256", sameStart)));
    assertEquals(null, lookalike.find("sk-real"), "the first eight bytes alone do not match");
    ConfigException both = assertThrows(ConfigException.class, () -> ApiKeys.fromConfig(new JsonArray()
        .add(new JsonObject().put("name", "real").put("sha256", real))
        .add(new JsonObject().put("name", "fake").put("sha256", sameStart))));
    assertTrue(both.getMessage().contains("api.keys"), both.getMessage());
  }

  @Test
  void badKeyEntriesStopTheConfigurationNamingTheKey() {
    ConfigException negative = assertThrows(ConfigException.class, () -> ApiKeys.fromConfig(new JsonArray()
        .add(new JsonObject().put("name", "a").put("key", "k").put("limits", new JsonObject().put("requestsPerMinute", -1)))));
    assertTrue(negative.getMessage().contains("api.keys[0].limits.requestsPerMinute"), negative.getMessage());
    ConfigException name = assertThrows(ConfigException.class, () -> ApiKeys.fromConfig(new JsonArray()
        .add(new JsonObject().put("name", "a {b}").put("key", "k"))));
    assertTrue(name.getMessage().contains("api.keys[0].name"), name.getMessage());
    assertThrows(ConfigException.class, () -> ApiKeys.fromConfig(new JsonArray()
        .add(new JsonObject().put("name", "a").put("key", "k").put("limits", "lots"))));
    assertThrows(ConfigException.class, () -> new ApiOptions(new JsonObject().put("keys", new JsonArray().add("k"))
        .put("conversations", new JsonObject().put("maxMessages", 0))));
  }

  @Test
  void resetsAreWrittenAsOpenAiDurations() {
    assertEquals("0s", RateLimitHeaders.duration(0));
    assertEquals("250ms", RateLimitHeaders.duration(250));
    assertEquals("1s", RateLimitHeaders.duration(1_000));
    assertEquals("1.5s", RateLimitHeaders.duration(1_500));
    assertEquals("59.999s", RateLimitHeaders.duration(59_999));
    assertEquals("6m0s", RateLimitHeaders.duration(360_000));
    assertEquals("1m0.5s", RateLimitHeaders.duration(60_500));
    assertEquals("2h5m0s", RateLimitHeaders.duration(7_500_000));
  }

  @Test
  void pathsAndContentTypesAreChecked() {
    for (String ok : List.of("/v1/conversations/conv-abc", "/v1/chat/completions", "/health", "/v1/conversations/conv-%41", "/",
        "/v1/...", "/v1/.hidden", "/v1/a./b", "//v1//x/")) {
      assertTrue(RequestGuards.plainPath(ok), ok);
    }
    for (String bad : List.of("/v1/../etc", "/v1/%2e%2e/etc", "/v1/conversations/..%2Fx", "/a%00", "/a%5cb", "/a\\b", "/a%ff",
        "/a%c0%af", "/%", "/a%zz", "/./v1", "relative", "/v1/..", "/v1/.", "/..", "/v1/./x", "/v1/chat completions", "")) {
      assertFalse(RequestGuards.plainPath(bad), bad);
    }
    assertTrue(RequestGuards.isJson("application/json"));
    assertTrue(RequestGuards.isJson("Application/JSON; charset=UTF-8"));
    assertTrue(RequestGuards.isJson("application/vnd.api+json"));
    assertFalse(RequestGuards.isJson("text/plain"));
    assertFalse(RequestGuards.isJson("application/json; charset=latin1"));
    assertFalse(RequestGuards.isJson("application/x-www-form-urlencoded"));
  }

  @Test
  void theAuthThrottleDelaysAfterTheFreeFailuresAndForgetsAfterTheWindow() throws Exception {
    AuthThrottle throttle = new AuthThrottle(() -> new AuthThrottle.Settings(2, 200, 1_000));
    assertEquals(0, throttle.delayMs("10.0.0.1"));
    throttle.failed("10.0.0.1");
    assertEquals(0, throttle.delayMs("10.0.0.1"), "one failure of two free ones");
    throttle.failed("10.0.0.1");
    assertEquals(100, throttle.delayMs("10.0.0.1"), "the free failures are used up");
    throttle.failed("10.0.0.1");
    assertEquals(200, throttle.delayMs("10.0.0.1"));
    for (int i = 0; i < 10; i++) {
      throttle.failed("10.0.0.1");
    }
    assertEquals(1_000, throttle.delayMs("10.0.0.1"), "capped");
    assertEquals(0, throttle.delayMs("10.0.0.2"), "per address");
    Thread.sleep(250);
    assertEquals(0, throttle.delayMs("10.0.0.1"), "forgotten after a quiet window");
    for (int i = 0; i < 20_000; i++) {
      throttle.failed("192.0." + (i / 256) + "." + (i % 256));
    }
    assertTrue(throttle.tracked() <= 10_000, "bounded: " + throttle.tracked());
  }
}
