package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.ApiVerticle;
import dev.axon.api.ops.Drain;
import dev.axon.api.ops.EdgeOps;
import dev.axon.common.turn.TurnRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The edge's side of a drain: while draining, readiness answers 503 and requests are still served (asking clients
 * to close their connection); once refusing, new API requests get 503 with Retry-After while operations endpoints
 * answer — and a stream already in flight runs to its end, counted until then.
 */
class EdgeDrainTest extends ApiTestBase {

  private final Drain drain = new Drain();

  @Override
  ApiVerticle verticle() {
    return new ApiVerticle(new EdgeOps(new SimpleMeterRegistry(), null, drain, null));
  }

  @Test
  void readinessTurnsThenNewRequestsAreRefusedWhileTheStreamInFlightFinishes(Vertx vertx, VertxTestContext ctx) {
    Promise<TurnRequest> held = Promise.promise();
    AtomicInteger turns = new AtomicInteger();
    pool.behave(m -> {
      pool.accept(m);
      if (turns.getAndIncrement() == 0) {
        pool.send(m.body(), 0, FakePool.text("first"));
        held.complete(m.body());
      } else {
        pool.play(m.body(), FakePool.text("quick"), FakePool.done());
      }
    });
    HttpClient http = vertx.createHttpClient();
    Buffer streamed = Buffer.buffer();
    Promise<Void> streamEnded = Promise.promise();
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost(HOST).setURI("/v1/chat/completions")
            .putHeader("Authorization", "Bearer " + KEY_A).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(streaming("hold on").encode())))
        .onSuccess(response -> {
          response.handler(streamed::appendBuffer);
          response.endHandler(v -> streamEnded.tryComplete());
        });
    held.future()
        .compose(turn -> {
          ctx.verify(() -> assertEquals(1, drain.inFlight(), "the stream is in flight"));
          drain.startDraining();
          return Future.all(get("/health", null).send(), chat(request("still served")), get("/healthz", null).send())
              .map(all -> {
                ctx.verify(() -> {
                  assertEquals(503, all.<io.vertx.ext.web.client.HttpResponse<Buffer>>resultAt(0).statusCode());
                  assertEquals("draining", all.<io.vertx.ext.web.client.HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject().getString("status"));
                  io.vertx.ext.web.client.HttpResponse<Buffer> served = all.resultAt(1);
                  assertEquals(200, served.statusCode(), "during the grace period requests are served");
                  assertEquals("close", served.getHeader("Connection"));
                  assertEquals(200, all.<io.vertx.ext.web.client.HttpResponse<Buffer>>resultAt(2).statusCode(), "liveness stays up");
                });
                return turn;
              });
        })
        .compose(turn -> {
          drain.refuseNewRequests();
          return Future.all(chat(request("too late")), get("/stats", KEY_A).send(), get("/health", null).send())
              .map(all -> {
                ctx.verify(() -> {
                  JsonObjectAssert.error(all.resultAt(0), 503, "service_unavailable");
                  assertEquals("1", all.<io.vertx.ext.web.client.HttpResponse<Buffer>>resultAt(0).getHeader("Retry-After"));
                  assertEquals(200, all.<io.vertx.ext.web.client.HttpResponse<Buffer>>resultAt(1).statusCode(), "operations endpoints answer");
                  assertEquals(503, all.<io.vertx.ext.web.client.HttpResponse<Buffer>>resultAt(2).statusCode());
                  assertEquals(1, drain.inFlight(), "the stream is still in flight");
                });
                return turn;
              });
        })
        .compose(turn -> {
          pool.send(turn, 1, FakePool.text(" second"));
          pool.send(turn, 2, FakePool.done());
          // The client can read the last bytes a moment before the server's end-of-response bookkeeping runs.
          return streamEnded.future().compose(v -> inFlightDrops(vertx, drain, 50));
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          String body = streamed.toString();
          assertTrue(body.contains("\"first\"") && body.contains("\" second\""), body);
          assertTrue(body.trim().endsWith("data: [DONE]"), body);
          assertTrue(!body.contains("\"error\""), body);
          assertEquals(0, drain.inFlight());
          ctx.completeNow();
        })));
  }

  /** Completes once nothing is in flight, or after {@code attempts} polls 20 ms apart. */
  static Future<Void> inFlightDrops(Vertx vertx, Drain drain, int attempts) {
    if (drain.inFlight() == 0 || attempts == 0) {
      return Future.succeededFuture();
    }
    return vertx.timer(20).compose(t -> inFlightDrops(vertx, drain, attempts - 1));
  }

  /** Asserts an OpenAI error response. */
  static final class JsonObjectAssert {
    static void error(io.vertx.ext.web.client.HttpResponse<Buffer> response, int status, String code) {
      assertError(response, status, code, null);
    }
  }
}
