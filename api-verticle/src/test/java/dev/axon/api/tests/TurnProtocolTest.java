package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnRequest;
import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The caller side of the turn protocol, seen through HTTP: pool refusals, events that overtake the acceptance,
 * heartbeats, and a client that goes away mid-stream.
 */
class TurnProtocolTest extends ApiTestBase {

  static final String CONV = "conv-continued01";

  @Test
  void poolBusyBeforeTheStreamIs429WithRetryAfter(VertxTestContext ctx) {
    pool.reject(new AxonException(ErrorKind.POOL_BUSY, "The gateway is at capacity: no session became free. Retry shortly.", null, 2));
    chat(streaming("hi"))
        .compose(streamed -> chat(request("hi")).map(plain -> List.of(streamed, plain)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          for (var r : rs) {
            JsonObject error = assertError(r, 429, "pool_busy", null);
            assertTrue(error.getString("message").contains("capacity"));
            assertEquals("2", r.getHeader("Retry-After"));
          }
          assertEquals(0, store.commits.size());
          ctx.completeNow();
        })));
  }

  @Test
  void poolBusyOnAContinuedConversationReleasesItsLock(VertxTestContext ctx) {
    store.put(ownerHash(KEY_A), CONV, List.of(ChatMessage.user("hello"), ChatMessage.assistant("hi")));
    pool.reject(new AxonException(ErrorKind.POOL_BUSY, "busy", null, 1));
    chat(request("again").put("conversation_id", CONV))
        .compose(r -> store.aborts.first().map(abort -> {
          ctx.verify(() -> {
            assertError(r, 429, "pool_busy", null);
            OpenConversation open = store.opens.get(0);
            assertEquals(new AbortTurn(CONV, open.lockToken()), abort);
            assertEquals(0, store.commits.size());
          });
          return abort;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void noPoolAtAllIs503(Vertx vertx, VertxTestContext ctx) {
    pool.reject(new AxonException(ErrorKind.UNAVAILABLE, "The session pool is not available", null, null));
    chat(request("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertError(r, 503, "service_unavailable", null);
      ctx.completeNow();
    })));
  }

  @Test
  void eventsThatArriveBeforeTheAcceptanceAreNotLost(Vertx vertx, VertxTestContext ctx) {
    pool.behave(m -> {
      pool.play(m.body(), FakePool.text("Hello"), FakePool.text(" early"), FakePool.text(" bird"), FakePool.done());
      vertx.setTimer(100, t -> pool.accept(m));
    });
    answersPlainAndStreamed("Hello early bird", ctx);
  }

  @Test
  void textSentWithTheEndOfATurnComesBeforeIt(Vertx vertx, VertxTestContext ctx) {
    // The pool sends a reply that arrived whole together with its end: one message, the text first.
    pool.behave(m -> {
      pool.accept(m);
      pool.send(m.body(), 0, FakePool.text("Hello"));
      pool.send(m.body(), 1, " whole reply", FakePool.done());
    });
    answersPlainAndStreamed("Hello whole reply", ctx);
  }

  /** A plain and a streamed request both answer {@code content}, ending with {@code stop}. */
  private void answersPlainAndStreamed(String content, VertxTestContext ctx) {
    chat(request("hi"))
        .compose(plain -> chat(streaming("hi")).map(streamed -> List.of(plain, streamed)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          JsonObject body = rs.get(0).bodyAsJsonObject();
          OpenAiSchemas.assertValidResponse(body);
          assertEquals(content, body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
          OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(rs.get(1).bodyAsString(), false);
          assertEquals(content, stream.content(0));
          assertEquals("stop", stream.finishReason(0));
          ctx.completeNow();
        })));
  }

  @Test
  void aFailureThatArrivesBeforeTheAcceptanceIsAnHttpError(Vertx vertx, VertxTestContext ctx) {
    pool.behave(m -> {
      pool.play(m.body(), new ChatEvent.Failed(ErrorKind.UPSTREAM_OVERLOADED, "overloaded", 5));
      vertx.setTimer(50, t -> pool.accept(m));
    });
    chat(streaming("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertError(r, 503, "upstream_overloaded", null);
      assertEquals("5", r.getHeader("Retry-After"));
      ctx.completeNow();
    })));
  }

  @Test
  void heartbeatsAreAnsweredAndUnknownTurnsAreCancelled(Vertx vertx, VertxTestContext ctx) {
    pool.behave(m -> {
      pool.accept(m);
      TurnRequest turn = m.body();
      pool.heartbeat(turn)
          .compose(answered -> pool.heartbeat(turn))
          .onComplete(ar -> {
            ctx.verify(() -> assertTrue(ar.succeeded(), "the caller answers heartbeats: " + ar.cause()));
            pool.play(turn, FakePool.text("still"), FakePool.text(" here"), FakePool.done());
          });
    });
    chat(request("hi"))
        .compose(r -> {
          ctx.verify(() -> assertEquals("still here",
              r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")));
          // The turn is over: a heartbeat that still comes for it is answered, and the producer told to stop.
          TurnRequest finished = pool.requests.get(0);
          return pool.heartbeat(finished).compose(answered -> pool.cancels.first());
        })
        .onComplete(ctx.succeeding(cancel -> ctx.verify(() -> {
          assertEquals(new TurnCancel(pool.requests.get(0).turnId()), cancel);
          ctx.completeNow();
        })));
  }

  @Test
  void clientDisconnectMidStreamCancelsTheTurnAndReleasesTheConversation(Vertx vertx, VertxTestContext ctx) {
    store.put(ownerHash(KEY_A), CONV, List.of(ChatMessage.user("hello"), ChatMessage.assistant("hi")));
    pool.behave(m -> {
      pool.accept(m);
      pool.send(m.body(), 0, FakePool.text("The answer is"));
      // ... and then the producer keeps thinking; the client leaves before the rest.
    });
    HttpClientAgent http = vertx.createHttpClient();
    AtomicBoolean closed = new AtomicBoolean();
    http.request(HttpMethod.POST, port, HOST, "/v1/chat/completions")
        .compose(req -> req.putHeader("Authorization", "Bearer " + KEY_A).putHeader("Content-Type", "application/json")
            .send(streaming("tell me").put("conversation_id", CONV).toBuffer()))
        .onComplete(ctx.succeeding((HttpClientResponse resp) -> {
          ctx.verify(() -> assertEquals(200, resp.statusCode()));
          resp.handler(data -> {
            if (closed.compareAndSet(false, true)) {
              resp.request().connection().close();
            }
          });
        }));
    Future.all(pool.cancels.first(), store.aborts.first()).onComplete(ctx.succeeding(both -> ctx.verify(() -> {
      TurnCancel cancel = both.resultAt(0);
      AbortTurn abort = both.resultAt(1);
      assertEquals(pool.requests.get(0).turnId(), cancel.turnId(), "the cancel goes to the turn's control address");
      assertEquals(new AbortTurn(CONV, store.opens.get(0).lockToken()), abort);
      assertEquals(0, store.commits.size(), "an abandoned turn is not stored");
      ctx.completeNow();
    })));
  }
}
