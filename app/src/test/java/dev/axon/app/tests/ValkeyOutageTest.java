package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.OpenAiSchemas;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Valkey goes away and comes back: readiness and every request that needs the store answer 503 quickly (with
 * Retry-After), nothing hangs, and the gateway recovers by itself once the server is back. The fixture restarts
 * an empty server, so what was stored before the outage is gone afterwards.
 */
@ExtendWith(VertxExtension.class)
class ValkeyOutageTest {

  static final ValkeyFixture VALKEY = ValkeyFixture.shared();
  static Gateway gateway;

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    Gateway.boot(vertx, new JsonObject().put("size", 1)).onComplete(ctx.succeeding(g -> {
      gateway = g;
      ctx.completeNow();
    }));
  }

  private static void assertUnavailable(HttpResponse<Buffer> r) {
    assertEquals(503, r.statusCode(), r.bodyAsString());
    OpenAiSchemas.assertValidError(r.bodyAsJsonObject());
    assertEquals("service_unavailable", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals("1", r.getHeader("Retry-After"));
  }

  @Test
  void storeOutageIs503AndTheGatewayRecovers() throws InterruptedException {
    Assumptions.assumeTrue(VALKEY.isLocalProcess(), "needs a locally started server to stop");
    awaitHealth(200);
    HttpResponse<Buffer> before = gateway.chat(KEY_A, request("before the outage"));
    assertEquals(200, before.statusCode());
    String id = before.bodyAsJsonObject().getString("conversation_id");

    VALKEY.pause();
    try {
      HttpResponse<Buffer> health = gateway.fetch("/health", null);
      assertEquals(503, health.statusCode());
      assertNotEquals("ok", health.bodyAsJsonObject().getString("store"));
      assertEquals("ok", health.bodyAsJsonObject().getString("pool"), "only the store is down");

      long started = System.nanoTime();
      assertUnavailable(gateway.chat(KEY_A, request("a new conversation cannot be stored")));
      assertUnavailable(gateway.chat(KEY_A, request("nor continued").put("conversation_id", id)));
      assertUnavailable(gateway.chat(KEY_A, request("streamed").put("stream", true).put("conversation_id", id)));
      assertUnavailable(gateway.fetch("/v1/conversations/" + id, KEY_A));
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(tookMs < 10_000, "failures are fast, took " + tookMs + " ms for four requests");

      HttpResponse<Buffer> unstored = gateway.chat(KEY_A, request("store: false needs no store").put("store", false));
      assertEquals(200, unstored.statusCode(), "a turn that is not stored still works: " + unstored.bodyAsString());
    } finally {
      VALKEY.resume();
    }

    awaitHealth(200);
    HttpResponse<Buffer> after = gateway.chat(KEY_A, request("after the outage"));
    assertEquals(200, after.statusCode(), after.bodyAsString());
    String fresh = after.bodyAsJsonObject().getString("conversation_id");
    assertEquals(2, gateway.fetch("/v1/conversations/" + fresh, KEY_A).bodyAsJsonObject().getInteger("message_count"));
    assertEquals(404, gateway.fetch("/v1/conversations/" + id, KEY_A).statusCode(), "the restarted server is empty");
  }

  private static void awaitHealth(int status) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    int last = -1;
    while (System.currentTimeMillis() < deadline) {
      last = gateway.fetch("/health", null).statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("/health stayed " + last + ", expected " + status);
  }
}
