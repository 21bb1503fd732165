package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.OpenAiSchemas;
import dev.axon.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may call what: API keys, the open health endpoints, unknown routes, methods and oversized bodies. */
class AuthAndRoutingTest extends ApiTestBase {

  @Test
  void missingAuthorizationHeaderIs401InOpenAiShape(VertxTestContext ctx) {
    post("/v1/chat/completions", null).sendJsonObject(request("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject error = assertError(r, 401, "invalid_api_key", null);
      assertEquals("invalid_request_error", error.getString("type"));
      assertTrue(error.getString("message").contains("didn't provide an API key"), error.getString("message"));
      assertEquals(0, pool.requests.size(), "nothing reached the pool");
      ctx.completeNow();
    })));
  }

  @Test
  void nonBearerAuthorizationIs401(VertxTestContext ctx) {
    client.post(port, HOST, "/v1/chat/completions").putHeader("Authorization", "Basic " + KEY_A)
        .sendJsonObject(request("hi"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertError(r, 401, "invalid_api_key", null);
          assertTrue(r.bodyAsJsonObject().getJsonObject("error").getString("message").contains("Malformed"));
          ctx.completeNow();
        })));
  }

  @Test
  void unknownKeyIs401AndIsNotEchoed(VertxTestContext ctx) {
    String unknown = "sk-not-a-key-of-this-gateway";
    post("/v1/chat/completions", unknown).sendJsonObject(request("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertError(r, 401, "invalid_api_key", null);
      assertFalse(r.bodyAsString().contains(unknown), "the presented key is never echoed");
      ctx.completeNow();
    })));
  }

  @Test
  void bothConfiguredKeysAreAccepted(VertxTestContext ctx) {
    chat(KEY_A, request("hi"))
        .compose(a -> chat(KEY_B, request("hi")).map(b -> List.of(a, b)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertEquals(200, rs.get(0).statusCode(), rs.get(0).bodyAsString());
          assertEquals(200, rs.get(1).statusCode(), rs.get(1).bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void healthEndpointsNeedNoKey(VertxTestContext ctx) {
    get("/healthz", null).send()
        .compose(live -> get("/health", null).send().map(ready -> List.of(live, ready)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertEquals(200, rs.get(0).statusCode());
          assertEquals("ok", rs.get(0).bodyAsJsonObject().getString("status"));
          assertEquals(200, rs.get(1).statusCode(), rs.get(1).bodyAsString());
          JsonObject health = rs.get(1).bodyAsJsonObject();
          assertEquals("ok", health.getString("status"));
          assertEquals("ok", health.getString("store"));
          ctx.completeNow();
        })));
  }

  @Test
  void statsNeedAKey(VertxTestContext ctx) {
    get("/stats", null).send()
        .compose(anonymous -> get("/stats", KEY_A).send().map(keyed -> List.of(anonymous, keyed)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertError(rs.get(0), 401, "invalid_api_key", null);
          assertEquals(200, rs.get(1).statusCode());
          assertTrue(rs.get(1).bodyAsJsonObject().containsKey("sessions"));
          ctx.completeNow();
        })));
  }

  @Test
  void modelsListIsValidAndListsAliases(VertxTestContext ctx) {
    get("/v1/models", KEY_A).send().onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode());
      JsonObject body = r.bodyAsJsonObject();
      OpenAiSchemas.assertValidModels(body);
      List<String> ids = new ArrayList<>();
      body.getJsonArray("data").forEach(m -> ids.add(((JsonObject) m).getString("id")));
      assertTrue(ids.containsAll(List.of("claude-sonnet-4-6", "gpt-4o", "gpt-4o-mini")), ids.toString());
      ctx.completeNow();
    })));
  }

  @Test
  void unknownRouteIs404InOpenAiShape(VertxTestContext ctx) {
    get("/v1/nothing-here", KEY_A).send()
        .compose(underV1 -> get("/nowhere", null).send().map(outside -> List.of(underV1, outside)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          JsonObject error = assertError(rs.get(0), 404, "not_found", null);
          assertTrue(error.getString("message").contains("/v1/nothing-here"), error.getString("message"));
          assertError(rs.get(1), 404, "not_found", null);
          ctx.completeNow();
        })));
  }

  // Requests the HTTP decoder refuses never reach the router: Vert.x's default answered with the status alone.
  @Test
  void headersPastTheLimitAre431WithAnOpenAiErrorAndARequestId(VertxTestContext ctx) {
    get("/v1/models", KEY_A).putHeader("x-padding", "p".repeat(9_000)).send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertTrue(assertError(r, 431, "request_too_large", null).getString("message").contains("8192"));
          assertTrue(String.valueOf(r.getHeader("x-request-id")).startsWith("req_"), "a request id");
          ctx.completeNow();
        })));
  }

  @Test
  void aRequestLinePastTheLimitIs414WithAnOpenAiError(VertxTestContext ctx) {
    get("/v1/models?q=" + "q".repeat(5_000), KEY_A).send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertTrue(assertError(r, 414, "request_too_large", null).getString("message").contains("4096"));
          ctx.completeNow();
        })));
  }

  @Test
  void anUnreadableRequestIs400WithAnOpenAiErrorAndTheConnectionCloses(Vertx vertx, VertxTestContext ctx) {
    malformed(vertx).onComplete(ctx.succeeding(raw -> ctx.verify(() -> {
      assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
      JsonObject body = new JsonObject(raw.substring(raw.indexOf("\r\n\r\n") + 4));
      OpenAiSchemas.assertValidError(body);
      assertEquals("invalid_request_error", body.getJsonObject("error").getString("type"));
      assertEquals(0, pool.requests.size());
      ctx.completeNow();
    })));
  }

  /** What the gateway answers, until it closes the connection, to a request with an unreadable Content-Length. */
  private Future<String> malformed(Vertx vertx) {
    return vertx.createNetClient().connect(port, HOST).compose(socket -> {
      Buffer received = Buffer.buffer();
      Promise<String> answer = Promise.promise();
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> answer.tryComplete(received.toString()));
      return socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: " + HOST + "\r\nAuthorization: Bearer " + KEY_A
          + "\r\nContent-Length: twelve\r\n\r\n").compose(v -> answer.future());
    });
  }

  @Test
  void unsupportedMethodIsAnOpenAiError(VertxTestContext ctx) {
    client.request(HttpMethod.DELETE, port, HOST, "/v1/chat/completions").putHeader("Authorization", "Bearer " + KEY_A).send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertError(r, 404, "not_found", null);
          ctx.completeNow();
        })));
  }

  @Test
  void bodyOverTheLimitIs413InOpenAiShape(VertxTestContext ctx) {
    String padding = "x".repeat(BODY_LIMIT + 100);
    Buffer body = request(padding).toBuffer();
    post("/v1/chat/completions", KEY_A).putHeader("Content-Type", "application/json").sendBuffer(body)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          JsonObject error = assertError(r, 413, "request_too_large", null);
          assertTrue(error.getString("message").contains(Integer.toString(BODY_LIMIT)), error.getString("message"));
          assertEquals(0, pool.requests.size());
          ctx.completeNow();
        })));
  }

  @Test
  void aNewBodyLimitAppliesToTheNextRequest(Vertx vertx, VertxTestContext ctx) {
    int smaller = 4_096;
    Buffer body = request("x".repeat(smaller + 100)).toBuffer();
    post("/v1/chat/completions", KEY_A).putHeader("Content-Type", "application/json").sendBuffer(body)
        .compose(before -> {
          ctx.verify(() -> assertEquals(200, before.statusCode(), "under the limit at start: " + before.bodyAsString()));
          vertx.eventBus().publish(Addresses.CONFIG_API, config().put("bodyLimitBytes", smaller));
          Promise<Void> applied = Promise.promise();
          vertx.setTimer(300, t -> applied.complete());
          return applied.future();
        })
        .compose(v -> post("/v1/chat/completions", KEY_A).putHeader("Content-Type", "application/json").sendBuffer(body))
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          JsonObject error = assertError(after, 413, "request_too_large", null);
          assertTrue(error.getString("message").contains(Integer.toString(smaller)), error.getString("message"));
          assertEquals(1, pool.requests.size(), "only the first request reached the pool");
          ctx.completeNow();
        })));
  }

  @Test
  void everyResponseCarriesARequestId(VertxTestContext ctx) {
    post("/v1/chat/completions", KEY_A).putHeader("x-request-id", "req-from-client-1").sendJsonObject(request("hi"))
        .compose(given -> chat(request("hi")).map(generated -> List.of(given, generated)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertEquals("req-from-client-1", rs.get(0).getHeader("x-request-id"));
          assertEquals("req-from-client-1", pool.requests.get(0).requestId(), "the pool sees the client's request id");
          String generated = rs.get(1).getHeader("x-request-id");
          assertTrue(generated != null && generated.startsWith("req_"), String.valueOf(generated));
          assertNull(rs.get(1).getHeader("Retry-After"));
          ctx.completeNow();
        })));
  }
}
