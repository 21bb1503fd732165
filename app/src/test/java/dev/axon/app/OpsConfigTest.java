package dev.axon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.axon.app.ops.LogLevels;
import dev.axon.common.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The operations sections of the configuration: {@code ops}, {@code tracing} and {@code logging} are checked with
 * the rest (a bad value names its key), the API gets {@code ops}, log levels apply to logback and come back when
 * dropped, and the keys that need a restart are reported as such.
 */
class OpsConfigTest {

  static JsonObject valid() {
    return new JsonObject()
        .put("api", new JsonObject().put("keys", new JsonArray().add("sk-a")))
        .put("pool", new JsonObject().put("provider", "mock").put("size", 1))
        .put("store", new JsonObject().put("backend", "memory"));
  }

  @Test
  void defaultsExposeMetricsPropagateTracesAndDrainGently() {
    AxonConfig config = new AxonConfig(valid());
    assertTrue(config.opsOptions().metricsEnabled());
    assertNull(config.opsOptions().metricsToken());
    assertNull(config.opsOptions().statusToken());
    assertEquals(5_000, config.opsOptions().drainGraceMs());
    assertEquals(25_000, config.opsOptions().drainTimeoutMs());
    assertTrue(config.tracingOptions().enabled());
    assertFalse(config.tracingOptions().exporting(), "no exporter by default");
    assertEquals("INFO", config.logLevels().root());
    assertNotNull(config.api().getJsonObject("ops"), "the API gets the ops section");
  }

  @Test
  void badOperationsValuesNameTheirKey() {
    assertKey("ops.metrics.token", valid().put("ops", new JsonObject().put("metrics", new JsonObject().put("token", "short"))));
    assertKey("ops.status.token.sha256", valid().put("ops", new JsonObject().put("status",
        new JsonObject().put("token", new JsonObject().put("sha256", "nothex")))));
    assertKey("ops.drain.graceMs", valid().put("ops", new JsonObject().put("drain", new JsonObject().put("graceMs", -1))));
    assertKey("ops.metrics.enabled", valid().put("ops", new JsonObject().put("metrics", new JsonObject().put("enabled", "maybe"))));
    assertKey("tracing.exporter", valid().put("tracing", new JsonObject().put("exporter", "zipkin")));
    assertKey("tracing.endpoint", valid().put("tracing", new JsonObject().put("exporter", "otlp").put("endpoint", "collector:4318")));
    assertKey("tracing.sampleRatio", valid().put("tracing", new JsonObject().put("sampleRatio", 2)));
    assertKey("logging.level", valid().put("logging", new JsonObject().put("level", "LOUD")));
    assertKey("logging.levels.dev.axon", valid().put("logging", new JsonObject().put("levels", new JsonObject().put("dev.axon", "chatty"))));
  }

  @Test
  void anUnquotedOffInTheYamlFileTurnsALoggerOff(@TempDir Path dir) throws Exception {
    // As conf/axon.yaml shows it: YAML 1.1 reads the unquoted OFF as false, which was refused as a level.
    Path file = dir.resolve("axon.yaml");
    Files.writeString(file, "logging:\n  level: INFO\n  levels:\n    axon.access: OFF\n    dev.axon.pool: off\n");
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject raw = ConfigLoader.load(vertx, file).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      LogLevels levels = new AxonConfig(valid().put("logging", raw.getJsonObject("logging"))).logLevels();
      assertEquals(Map.of("axon.access", "OFF", "dev.axon.pool", "OFF"), levels.levels());
    } finally {
      vertx.close();
    }
  }

  @Test
  void logLevelsApplyAndDroppedOnesGoBack() {
    Logger pool = (Logger) LoggerFactory.getLogger("dev.axon.test.pool");
    Logger netty = (Logger) LoggerFactory.getLogger("io.netty");
    Level nettyBefore = netty.getLevel();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level rootBefore = root.getLevel();
    try {
      new LogLevels(new JsonObject().put("level", "warn").put("levels",
          new JsonObject().put("dev.axon.test.pool", "debug").put("io.netty", "ERROR"))).apply();
      assertEquals(Level.WARN, root.getLevel());
      assertEquals(Level.DEBUG, pool.getLevel());
      assertEquals(Level.ERROR, netty.getLevel());
      new LogLevels(new JsonObject().put("levels", new JsonObject().put("io.netty", "OFF"))).apply();
      assertEquals(Level.INFO, root.getLevel());
      assertNull(pool.getLevel(), "a dropped logger inherits again");
      assertEquals(Level.OFF, netty.getLevel());
      new LogLevels(new JsonObject()).apply();
      assertEquals(nettyBefore, netty.getLevel(), "a dropped logger gets its level from logback.xml back");
    } finally {
      root.setLevel(rootBefore);
    }
  }

  @Test
  void metricsSwitchAndTracingNeedARestartTokensDoNot() {
    AxonConfig before = new AxonConfig(valid());
    AxonConfig after = new AxonConfig(valid()
        .put("ops", new JsonObject().put("metrics", new JsonObject().put("enabled", false).put("token", "a-new-token-1"))
            .put("status", new JsonObject().put("token", "status-token-1")))
        .put("tracing", new JsonObject().put("exporter", "otlp"))
        .put("logging", new JsonObject().put("level", "DEBUG")));
    List<String> restart = ConfigWatcher.restartOnly(before, after);
    assertTrue(restart.contains("ops.metrics.enabled"), restart.toString());
    assertTrue(restart.contains("tracing"), restart.toString());
    assertFalse(restart.stream().anyMatch(k -> k.startsWith("logging") || k.contains("token")), restart.toString());
    assertFalse(before.api().equals(after.api()), "token edits reach the API through its section");
  }

  private static void assertKey(String key, JsonObject config) {
    ConfigException e = assertThrows(ConfigException.class, () -> new AxonConfig(config));
    assertEquals(key, e.key(), e.getMessage());
  }
}
