package dev.axon.app.tests;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.axon.app.AxonConfig;
import dev.axon.app.Main;
import dev.axon.common.bus.Codecs;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The whole gateway in one Vert.x, as {@link Main#deploy} starts it: store (on the shared test Valkey), pool (mock
 * provider) and API, with two keys, on a free port. Tests talk to it over HTTP only: with a {@link WebClient} and
 * with the official OpenAI Java SDK, which is a blocking client, so test methods call it from the JUnit thread.
 */
final class Gateway {

  static final String KEY_A = "sk-axon-it-alice-0123456789abcdef";
  static final String KEY_B = "sk-axon-it-bob-fedcba9876543210";
  static final String HOST = "127.0.0.1";

  final Vertx vertx;
  final int port;
  final WebClient http;

  private Gateway(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    this.http = WebClient.create(vertx);
  }

  /** A configuration with the given {@code pool} section (provider mock added). */
  static JsonObject config(int port, JsonObject pool) {
    return new JsonObject()
        .put("api", new JsonObject().put("port", port).put("host", HOST)
            .put("keys", new JsonArray().add(KEY_A).add(new JsonObject().put("name", "bob").put("key", KEY_B))))
        .put("pool", pool.copy().put("provider", "mock"))
        .put("store", new JsonObject().put("backend", "valkey")
            .put("valkey", new JsonObject().put("url", ValkeyFixture.shared().url()).put("commandTimeoutMs", 1000).put("connectTimeoutMs", 300)));
  }

  /** Registers the codecs and deploys the three roles; fails if any deployment fails. */
  static Future<Gateway> boot(Vertx vertx, JsonObject pool) {
    return boot(vertx, pool, new JsonObject());
  }

  /** The same, with {@code api} settings merged over the defaults ({@code keys} replaces the two keys). */
  static Future<Gateway> boot(Vertx vertx, JsonObject pool, JsonObject api) {
    int port = ValkeyFixture.freePort();
    Codecs.register(vertx);
    JsonObject config = config(port, pool);
    config.getJsonObject("api").mergeIn(api.copy());
    return Main.deploy(vertx, new AxonConfig(config)).map(v -> new Gateway(vertx, port));
  }

  /** The same, with the store in Valkey database {@code db} (a keyspace of its own, so a test can snapshot it whole). */
  static Future<Gateway> boot(Vertx vertx, JsonObject pool, JsonObject api, int db) {
    int port = ValkeyFixture.freePort();
    Codecs.register(vertx);
    JsonObject config = config(port, pool);
    config.getJsonObject("api").mergeIn(api.copy());
    config.getJsonObject("store").getJsonObject("valkey").put("url", ValkeyFixture.shared().url() + "/" + db);
    return Main.deploy(vertx, new AxonConfig(config)).map(v -> new Gateway(vertx, port));
  }

  /** The {@code api} section a running gateway would be reconfigured with (as the configuration watcher publishes it). */
  JsonObject apiSection(JsonObject api) {
    JsonObject config = config(port, new JsonObject());
    config.getJsonObject("api").mergeIn(api.copy());
    return new AxonConfig(config).api();
  }

  OpenAIClient openai(String key) {
    return OpenAIOkHttpClient.builder()
        .baseUrl("http://" + HOST + ":" + port + "/v1")
        .apiKey(key)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  /** The official Anthropic Java SDK pointed at the gateway, as {@code ANTHROPIC_BASE_URL} would point it. */
  AnthropicClient anthropic(String key) {
    return AnthropicOkHttpClient.builder()
        .baseUrl("http://" + HOST + ":" + port)
        .apiKey(key)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  HttpRequest<Buffer> get(String path, String key) {
    HttpRequest<Buffer> request = http.get(port, HOST, path);
    return key == null ? request : request.putHeader("Authorization", "Bearer " + key);
  }

  HttpRequest<Buffer> post(String path, String key) {
    HttpRequest<Buffer> request = http.post(port, HOST, path);
    return key == null ? request : request.putHeader("Authorization", "Bearer " + key);
  }

  /** POST /v1/chat/completions, waited for. */
  HttpResponse<Buffer> chat(String key, JsonObject body) {
    return await(post("/v1/chat/completions", key).sendJsonObject(body));
  }

  /**
   * Reads the key's usage, which makes the store write what it has counted so far (it otherwise writes once a second):
   * for a test that compares what Valkey holds before and after.
   */
  void writeUsage(String key) {
    HttpResponse<Buffer> usage = fetch("/v1/usage", key);
    if (usage.statusCode() != 200) {
      throw new AssertionError("GET /v1/usage answered " + usage.statusCode() + ": " + usage.bodyAsString());
    }
  }

  /** GET, waited for. */
  HttpResponse<Buffer> fetch(String path, String key) {
    return await(get(path, key).send());
  }

  static JsonObject request(String userText) {
    return new JsonObject().put("model", "gpt-4o")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", userText)));
  }

  /** Waits for a future from a non-Vert.x thread (the JUnit thread), at most 30 s. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("did not complete in time", e);
    }
  }
}
