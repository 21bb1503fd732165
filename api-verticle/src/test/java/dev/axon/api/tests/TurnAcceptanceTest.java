package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRequest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The turn request goes one way, so the caller times the acceptance out itself and learns from the send that no pool
 * listens; the acceptance may come alone or with the turn's first message.
 */
class TurnAcceptanceTest extends ApiTestBase {

  static final long ACCEPT_TIMEOUT_MS = 300;

  @Override
  JsonObject config() {
    return super.config().put("turnAcceptTimeoutMs", ACCEPT_TIMEOUT_MS);
  }

  @Test
  void aPoolThatNeverAnswersFailsTheTurnAfterTheAcceptTimeout(VertxTestContext ctx) {
    pool.behave(m -> { });
    long started = System.nanoTime();
    chat(request("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertError(r, 504, "timeout", null);
      assertTrue(r.bodyAsJsonObject().getJsonObject("error").getString("message").contains("did not answer in time"));
      assertTrue(tookMs >= ACCEPT_TIMEOUT_MS && tookMs < 5_000, "failed after " + tookMs + " ms");
      assertEquals(1, pool.requests.size());
      ctx.completeNow();
    })));
  }

  @Test
  void anAcceptanceThatComesAfterTheTimeoutStopsTheTurnAtItsPool(Vertx vertx, VertxTestContext ctx) {
    pool.behave(m -> vertx.setTimer(3 * ACCEPT_TIMEOUT_MS, t -> pool.accept(m)));
    chat(request("hi"))
        .compose(r -> {
          ctx.verify(() -> assertError(r, 504, "timeout", null));
          return pool.cancels.first();
        })
        .onComplete(ctx.succeeding(cancel -> ctx.verify(() -> {
          assertEquals(new TurnCancel(pool.requests.get(0).turnId()), cancel, "nobody waits for that turn any more");
          ctx.completeNow();
        })));
  }

  @Test
  void aLateAcceptanceRidingOnAnEventStopsTheTurnOnce(Vertx vertx, VertxTestContext ctx) {
    pool.behave(m -> vertx.setTimer(3 * ACCEPT_TIMEOUT_MS, t -> {
      TurnRequest turn = m.body();
      TurnAccepted accepted = new TurnAccepted(turn.turnId(), FakePool.CONTROL, "fake-session", "fake");
      vertx.eventBus().send(turn.replyTo(), new TurnEvent(turn.turnId(), 0, null, FakePool.text("late"), FakePool.CONTROL, accepted));
    }));
    chat(request("hi"))
        .compose(r -> {
          ctx.verify(() -> assertError(r, 504, "timeout", null));
          return pool.cancels.first();
        })
        .compose(cancel -> {
          ctx.verify(() -> assertEquals(new TurnCancel(pool.requests.get(0).turnId()), cancel));
          Promise<Void> settled = Promise.promise();
          vertx.setTimer(200, t -> settled.complete());
          return settled.future();
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(1, pool.cancels.size(), "one cancel, not one for the acceptance and one for the event");
          ctx.completeNow();
        })));
  }

  @Test
  void eventsWhoseAcceptanceNeverComesFailAfterTheAcceptTimeout(VertxTestContext ctx) {
    pool.behave(m -> pool.play(m.body(), FakePool.text("Hello"), FakePool.done()));
    chat(request("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertError(r, 504, "timeout", null);
      ctx.completeNow();
    })));
  }

  @Test
  void theAcceptanceMayTravelWithTheWholeReply(Vertx vertx, VertxTestContext ctx) {
    // As the pool sends a reply produced in the pass that accepted the turn: acceptance, text and end in one message.
    pool.behave(m -> {
      TurnRequest turn = m.body();
      TurnAccepted accepted = new TurnAccepted(turn.turnId(), FakePool.CONTROL, "fake-session", "fake");
      vertx.eventBus().send(turn.replyTo(), new TurnEvent(turn.turnId(), 0, "Hello whole reply", FakePool.done(), FakePool.CONTROL, accepted));
    });
    chat(request("hi"))
        .compose(plain -> chat(streaming("hi")).map(streamed -> List.of(plain, streamed)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertEquals(200, rs.get(0).statusCode());
          assertEquals("Hello whole reply",
              rs.get(0).bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
          assertEquals(200, rs.get(1).statusCode());
          assertTrue(rs.get(1).bodyAsString().contains("Hello whole reply"), rs.get(1).bodyAsString());
          assertEquals(0, pool.cancels.size(), "a turn that ended is not cancelled");
          ctx.completeNow();
        })));
  }

  @Test
  void noPoolListeningIs503WithoutWaitingForTheTimeout(VertxTestContext ctx) {
    // Answered by the send itself: a 504 would mean the caller waited for an acceptance nobody could send.
    pool.leave()
        .compose(v -> chat(request("hi")))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertError(r, 503, "service_unavailable", null);
          assertTrue(r.bodyAsJsonObject().getJsonObject("error").getString("message").contains("not available"));
          assertEquals(0, pool.requests.size());
          ctx.completeNow();
        })));
  }
}
