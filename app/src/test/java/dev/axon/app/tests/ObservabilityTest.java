package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.KEY_B;
import static dev.axon.app.tests.Gateway.await;
import static dev.axon.app.tests.Gateway.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.axon.app.ops.LogLevels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The launcher's observability over a whole gateway (store on the test Valkey, mock pool, API): one {@code /metrics}
 * per node with Vert.x's own meters (Redis client, JVM; its HTTP server, HTTP client and event-bus meters are off)
 * next to Axon's (requests, first token, overhead, tokens per key name, pool gauges and counters per model, queue
 * wait, store commands), behind the metrics token; and log levels changed live.
 */
class ObservabilityTest {

  static final String METRICS_TOKEN = "it-metrics-token-42";
  static OpsGateway gateway;

  @BeforeAll
  static void boot() {
    JsonObject config = OpsGateway.config(new JsonObject().put("size", 1).put("max", 2).put("housekeepingMs", 100))
        .put("ops", new JsonObject().put("metrics", new JsonObject().put("token", METRICS_TOKEN)));
    gateway = OpsGateway.boot(config);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void oneScrapeShowsTheNodeFromHttpToValkey() {
    assertEquals(200, gateway.chat(KEY_A, request("metered")).statusCode());
    HttpResponse<Buffer> stream = gateway.chat(KEY_B, request("metered stream").put("stream", true));
    assertEquals(200, stream.statusCode());
    String conversation = stream.bodyAsString().replaceAll("(?s).*\"conversation_id\":\"(conv-[^\"]+)\".*", "$1");
    assertEquals(200, await(gateway.get("/v1/conversations/" + conversation).putHeader("Authorization", "Bearer " + KEY_B).send()).statusCode());
    assertEquals(401, await(gateway.get("/metrics").send()).statusCode(), "the metrics token is required");

    // The pool's gauges and counters come from snapshots taken each housekeeping run: wait for them.
    String text = scrapeUntil(t -> sum(t, "axon_pool_acquire_total", Map.of("model", "claude-sonnet-4-6")) >= 2
        && sum(t, "axon_http_requests_seconds_count", Map.of("route", "/v1/conversations/:id")) >= 1);
    String model = "claude-sonnet-4-6";
    // The edge.
    assertEquals(2, value(text, "axon_http_requests_seconds_count", Map.of("route", "/v1/chat/completions", "status", "200", "model", model)));
    assertEquals(2, value(text, "axon_time_to_first_token_seconds_count", Map.of("model", model)));
    assertEquals(2, value(text, "axon_gateway_overhead_seconds_count", Map.of("model", model)));
    assertTrue(value(text, "axon_tokens_total", Map.of("key", "key-1", "direction", "out")) > 0, "tokens by key name");
    assertTrue(value(text, "axon_tokens_total", Map.of("key", "bob", "direction", "in")) > 0);
    // The pool, per model.
    assertTrue(text.contains("axon_pool_sessions{model=\"" + model + "\",state=\"idle\"}"), "pool gauges per model");
    assertTrue(text.contains("axon_pool_waiting{model=\"" + model + "\"}"));
    for (String counter : new String[] {"acquire", "release", "warmup", "miss", "recycle", "discard"}) {
      assertTrue(text.contains("axon_pool_" + counter + "_total{model=\"" + model + "\"}"), counter);
    }
    assertEquals(2, value(text, "axon_pool_queue_wait_seconds_count", Map.of("model", model)));
    // The store, on Valkey, by Axon and by the Redis client itself.
    assertEquals(2, value(text, "axon_store_command_seconds_count", Map.of("backend", "valkey", "command", "commit", "outcome", "ok")));
    assertTrue(value(text, "vertx_redis_processing_time_seconds_count", Map.of()) >= 3, "the Redis client's own timings");
    // Vert.x's own HTTP server meters are off (the edge's say the same for less); the event bus (per-instance
    // addresses collapsed); the JVM.
    assertFalse(text.contains("vertx_http_server_requests_total"), "Vert.x's HTTP server meters are off");
    assertTrue(value(text, "axon_eventbus_messages_total", Map.of("address", "axon.turn.events.*", "direction", "sent")) > 0, "turn events");
    assertTrue(value(text, "axon_eventbus_messages_total", Map.of("address", "axon.store.conversation.commit", "direction", "sent")) >= 2);
    assertTrue(value(text, "axon_eventbus_messages_total", Map.of("address", "axon.store.conversation.commit", "direction", "received")) >= 2);
    assertTrue(value(text, "axon_eventbus_messages_total", Map.of("address", "__vertx.reply.*", "direction", "sent")) > 0, "replies");
    Matcher perInstance = Pattern.compile("address=\"(axon\\.(turn\\.events|pool\\.turn|turn\\.control|pool\\.stats)|__vertx\\.reply)\\.[0-9a-f]").matcher(text);
    assertFalse(perInstance.find(), "per-instance addresses are collapsed to one label value");
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM meters");
    assertTrue(text.contains("process_uptime_seconds"));
    assertFalse(text.contains(KEY_A) || text.contains(KEY_B), "no API key in the metrics");
  }

  @Test
  void logLevelsChangeLiveOnEveryNode() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.axon.pool.session");
    Level before = logger.getLevel();
    gateway.vertx.eventBus().publish(LogLevels.ADDRESS, new JsonObject()
        .put("levels", new JsonObject().put("dev.axon.pool.session", "DEBUG")));
    waitFor(() -> logger.getLevel() == Level.DEBUG, "the level to be applied");
    gateway.vertx.eventBus().publish(LogLevels.ADDRESS, new JsonObject());
    waitFor(() -> logger.getLevel() == before, "the level to come back");
  }

  static String scrapeUntil(Predicate<String> ready) {
    long deadline = System.currentTimeMillis() + 10_000;
    String text = "";
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<Buffer> r = await(gateway.get("/metrics").putHeader("Authorization", "Bearer " + METRICS_TOKEN).send());
      assertEquals(200, r.statusCode());
      text = r.bodyAsString();
      if (ready.test(text)) {
        return text;
      }
      sleep(100);
    }
    throw new AssertionError("the metrics did not catch up: " + text);
  }

  /** The sum of the matching series, or -1 when there is none (yet). */
  static double sum(String text, String name, Map<String, String> labels) {
    Double found = find(text, name, labels);
    return found == null ? -1 : found;
  }

  static double value(String text, String name, Map<String, String> labels) {
    Double found = find(text, name, labels);
    assertNotNull(found, () -> "no series " + name + " " + labels);
    return found;
  }

  private static Double find(String text, String name, Map<String, String> labels) {
    Double sum = null;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      if (labels.entrySet().stream().allMatch(e -> line.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
        sum = (sum == null ? 0 : sum) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      sleep(20);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
