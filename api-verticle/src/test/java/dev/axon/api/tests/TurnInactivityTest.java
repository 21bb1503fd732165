package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.turn.TurnRequest;
import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * With {@code api.turnInactivityMs} at 600 ms: a producer that falls silent is given up (503, its turn cancelled),
 * one that heartbeats is waited for however long it takes.
 */
class TurnInactivityTest extends ApiTestBase {

  static final int INACTIVITY_MS = 600;

  @Override
  JsonObject config() {
    return super.config().put("turnInactivityMs", INACTIVITY_MS);
  }

  @Test
  void silentProducerEndsTheRequestWith503AndIsCancelled(VertxTestContext ctx) {
    pool.behave(pool::accept);
    long started = System.nanoTime();
    chat(request("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertError(r, 503, "service_unavailable", null);
      assertEquals("1", r.getHeader("Retry-After"));
      // Nothing reached the client, so the turn was run once more before giving up; both producers were cancelled.
      assertTrue(tookMs >= 2 * INACTIVITY_MS && tookMs < 5_000, "gave up after two inactivity timeouts, took " + tookMs + " ms");
      assertEquals(2, pool.requests.size(), "the silent turn was run once more");
      pool.cancels.first().onComplete(ctx.succeeding(cancel -> ctx.verify(() -> {
        assertEquals(pool.requests.get(0).turnId(), cancel.turnId());
        ctx.completeNow();
      })));
    })));
  }

  @Test
  void producerSilentMidStreamEndsTheStreamWithAnErrorEvent(VertxTestContext ctx) {
    pool.behave(m -> {
      pool.accept(m);
      pool.send(m.body(), 0, FakePool.text("Hello"));
    });
    chat(streaming("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode());
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), true);
      assertEquals("Hello", stream.content(0));
      assertEquals("service_unavailable", stream.error().getJsonObject("error").getString("code"));
      assertEquals(0, store.commits.size());
      ctx.completeNow();
    })));
  }

  @Test
  void heartbeatsKeepASlowTurnAlivePastTheInactivityTimeout(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger answered = new AtomicInteger();
    pool.behave(m -> {
      pool.accept(m);
      TurnRequest turn = m.body();
      heartbeats(vertx, turn, 14, answered).onComplete(ar -> pool.play(turn, FakePool.text("worth"), FakePool.text(" the wait"), FakePool.done()));
    });
    long started = System.nanoTime();
    chat(request("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertTrue(tookMs > 2 * INACTIVITY_MS, "the turn outlived the inactivity timeout: " + tookMs + " ms");
      assertEquals(14, answered.get(), "every heartbeat was answered");
      assertEquals("worth the wait", r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
      assertEquals(0, pool.cancels.size());
      ctx.completeNow();
    })));
  }

  /** {@code count} heartbeats, one every 100 ms, each sent as a request; completes when all were answered. */
  private Future<Void> heartbeats(Vertx vertx, TurnRequest turn, int count, AtomicInteger answered) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(100, t -> pool.heartbeat(turn).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else if (answered.incrementAndGet() == count) {
        done.complete();
      } else {
        heartbeats(vertx, turn, count, answered).onComplete(done);
      }
    }));
    return done.future();
  }
}
