package dev.axon.app.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.transport.Transport;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Vert.x on the polling transport serves and closes as on its own epoll transport. */
class SpinningEpollTest {

  @Test
  void servesRequestsOnNativeEventLoopsThatPollBeforeTheySleep() throws Throwable {
    assumeTrue(Transport.EPOLL.available(), "Linux's epoll is not available here");
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1))
        .withTransport(new SpinningEpoll(new EventLoopSpin(400, 50))).build();
    VertxTestContext ctx = new VertxTestContext();
    try {
      assertTrue(vertx.isNativeTransportEnabled());
      vertx.createHttpServer().requestHandler(req -> req.response().end("pong")).listen(0, "127.0.0.1")
          .compose(server -> {
            var client = vertx.createHttpClient(new HttpClientOptions());
            // Requests apart in time: each finds the loop asleep or polling, never a busy loop.
            return client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                .compose(r -> r.send().compose(resp -> resp.body()))
                .compose(body -> {
                  assertEquals("pong", body.toString());
                  return vertx.timer(5);
                })
                .compose(v -> client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/"))
                .compose(r -> r.send().compose(resp -> resp.body()));
          })
          .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
            assertEquals("pong", body.toString());
            ctx.completeNow();
          })));
      assertTrue(ctx.awaitCompletion(10, TimeUnit.SECONDS));
      if (ctx.failed()) {
        throw ctx.causeOfFailure();
      }
    } finally {
      vertx.close().await();
    }
  }
}
