package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.axon.api.http.Connections;
import dev.axon.common.net.Flushes;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP edge reaches its connections' pipelines through Vert.x internals, and falls back to plain flushes where it
 * cannot: on this Vert.x, an HTTP/1 server connection must take the coalescing and give it up for a stream, or the
 * gateway would lose both silently.
 */
@ExtendWith(VertxExtension.class)
class ConnectionsTest {

  private static ChannelPipeline pipeline(HttpConnection connection) {
    return ((ConnectionBase) connection).channelHandlerContext().pipeline();
  }

  @Test
  void aServerConnectionCoalescesUntilAStreamAsksForPromptFlushes(Vertx vertx, VertxTestContext ctx) {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
    server.connectionHandler(Connections::coalesceFlushes);
    server.requestHandler(request -> {
      HttpConnection connection = request.connection();
      ctx.verify(() -> {
        assertNotNull(pipeline(connection).get(Flushes.HANDLER), "coalescing from the connection handler");
        Connections.flushPromptly(connection);
        assertNull(pipeline(connection).get(Flushes.HANDLER), "a stream's connection flushes at once");
        Connections.flushPromptly(connection);
      });
      request.response().setChunked(true);
      request.response().write("chunk");
      request.response().end();
    });
    server.listen().compose(s -> vertx.createHttpClient().request(HttpMethod.GET, s.actualPort(), "127.0.0.1", "/"))
        .compose(request -> request.send())
        .compose(response -> response.body())
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          assertEquals("chunk", body.toString(), "the chunk left without the coalescing");
          ctx.completeNow();
        })));
  }
}
