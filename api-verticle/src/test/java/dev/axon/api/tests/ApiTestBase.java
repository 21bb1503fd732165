package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.ApiVerticle;
import dev.axon.common.bus.Codecs;
import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deploys only the {@link ApiVerticle}, with a {@link FakePool} and a {@link FakeStore} on the event-bus addresses of
 * the contracts, so the edge is tested through its contracts and nothing else. Two keys: {@link #KEY_A} and
 * {@link #KEY_B}.
 */
@ExtendWith(VertxExtension.class)
abstract class ApiTestBase {

  static final String KEY_A = "sk-axon-test-alice-0123456789";
  static final String KEY_B = "sk-axon-test-bob-9876543210";
  static final String HOST = "127.0.0.1";
  static final int BODY_LIMIT = 16_384;
  static final int MAX_CHOICES = 4;

  FakePool pool;
  FakeStore store;
  WebClient client;
  int port;

  /** The verticle's configuration; a test class may change it. */
  JsonObject config() {
    return new JsonObject()
        .put("port", 0)
        .put("host", HOST)
        .put("keys", new JsonArray().add(KEY_A).add(new JsonObject().put("name", "bob").put("key", KEY_B)))
        .put("bodyLimitBytes", BODY_LIMIT)
        .put("maxChoices", MAX_CHOICES)
        .put("turnInactivityMs", 10_000)
        .put("turnAcceptTimeoutMs", 5_000)
        .put("storeTimeoutMs", 2_000);
  }

  /** The verticle under test; a test class may give it the node's operations state. */
  ApiVerticle verticle() {
    return new ApiVerticle();
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    Codecs.register(vertx);
    pool = new FakePool(vertx);
    store = new FakeStore(vertx);
    ApiVerticle api = verticle();
    pool.register()
        .compose(v -> store.register())
        .compose(v -> vertx.deployVerticle(api, new DeploymentOptions().setConfig(config())))
        .onComplete(ctx.succeeding(id -> {
          port = api.actualPort();
          client = WebClient.create(vertx);
          ctx.completeNow();
        }));
  }

  HttpRequest<Buffer> post(String path, String key) {
    HttpRequest<Buffer> request = client.post(port, HOST, path);
    return key == null ? request : request.putHeader("Authorization", "Bearer " + key);
  }

  HttpRequest<Buffer> get(String path, String key) {
    HttpRequest<Buffer> request = client.get(port, HOST, path);
    return key == null ? request : request.putHeader("Authorization", "Bearer " + key);
  }

  Future<HttpResponse<Buffer>> chat(JsonObject body) {
    return chat(KEY_A, body);
  }

  Future<HttpResponse<Buffer>> chat(String key, JsonObject body) {
    return post("/v1/chat/completions", key).sendJsonObject(body);
  }

  /** The smallest valid request: one user message to {@code gpt-4o}. */
  static JsonObject request(String userText) {
    return new JsonObject().put("model", "gpt-4o")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", userText)));
  }

  static JsonObject streaming(String userText) {
    return request(userText).put("stream", true);
  }

  /** The owner hash the edge stores for a key: the first 32 hex digits of its SHA-256. */
  static String ownerHash(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 32);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An OpenAI error: the status, a JSON body valid against {@code ErrorResponse}, the code and the param. */
  static JsonObject assertError(HttpResponse<Buffer> response, int status, String code, String param) {
    assertEquals(status, response.statusCode(), () -> "status; body " + response.bodyAsString());
    assertTrue(String.valueOf(response.getHeader("Content-Type")).startsWith("application/json"),
        "content type " + response.getHeader("Content-Type"));
    JsonObject body = response.bodyAsJsonObject();
    OpenAiSchemas.assertValidError(body);
    JsonObject error = body.getJsonObject("error");
    assertEquals(code, error.getString("code"), () -> "code; body " + body);
    assertEquals(param, error.getString("param"), () -> "param; body " + body);
    return error;
  }

  static JsonObject message(String role, Object content) {
    return new JsonObject().put("role", role).put("content", content);
  }
}
