package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The JSON routes' body reader: bodies that come in pieces (trickled, chunked), the limit for bodies of no declared
 * length, and the {@code Expect} header. A body that arrives whole is what every other API test sends.
 */
class BodyReaderTest extends ApiTestBase {

  private static final String TEXT = "a body that arrives in pieces, read whole all the same";

  /** The user text the pool received in the {@code index}-th turn request. */
  private String userText(int index) {
    ChatMessage first = pool.requests.get(index).request().messages().get(0);
    return first.text();
  }

  @Test
  void aBodyTrickledInSmallPiecesIsReadWhole(Vertx vertx, VertxTestContext ctx) {
    byte[] body = request(TEXT).encode().getBytes(StandardCharsets.UTF_8);
    String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + HOST + "\r\nAuthorization: Bearer " + KEY_A
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
    vertx.createNetClient().connect(port, HOST).onComplete(ctx.succeeding(socket -> {
      Buffer received = Buffer.buffer();
      socket.handler(received::appendBuffer);
      socket.write(head);
      trickle(vertx, socket, body, 0, 7).onComplete(ctx.succeeding(v -> vertx.setPeriodic(20, t -> {
        String answer = received.toString(StandardCharsets.UTF_8);
        if (!answer.contains("chat.completion")) {
          return;
        }
        vertx.cancelTimer(t);
        ctx.verify(() -> {
          assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
          assertEquals(TEXT, userText(0));
        });
        socket.close();
        ctx.completeNow();
      })));
    }));
  }

  /** Writes {@code body} from {@code from} on, {@code size} bytes at a time, a few milliseconds apart. */
  private static Future<Void> trickle(Vertx vertx, NetSocket socket, byte[] body, int from, int size) {
    if (from >= body.length) {
      return Future.succeededFuture();
    }
    int to = Math.min(body.length, from + size);
    socket.write(Buffer.buffer().appendBytes(body, from, to - from));
    Promise<Void> next = Promise.promise();
    vertx.setTimer(3, t -> trickle(vertx, socket, body, to, size).onComplete(next));
    return next.future();
  }

  @Test
  void aChunkedBodyIsReadWhole(Vertx vertx, VertxTestContext ctx) {
    String json = request(TEXT).encode();
    int third = json.length() / 3;
    vertx.createHttpClient().request(chatOptions())
        .compose(request -> {
          request.setChunked(true);
          request.write(json.substring(0, third));
          request.write(json.substring(third, 2 * third));
          return request.send(json.substring(2 * third));
        })
        .compose(response -> response.body().map(body -> new Object[] {response.statusCode(), body}))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertEquals(200, result[0], () -> "body " + result[1]);
          assertEquals(TEXT, userText(0));
          ctx.completeNow();
        })));
  }

  @Test
  void aChunkedBodyPastTheLimitIs413AndReachesNoModel(Vertx vertx, VertxTestContext ctx) {
    String json = request("x".repeat(BODY_LIMIT)).encode();
    int half = json.length() / 2;
    vertx.createHttpClient().request(chatOptions())
        .compose(request -> {
          request.setChunked(true);
          request.write(json.substring(0, half));
          return request.send(json.substring(half));
        })
        .compose(response -> response.body().map(body -> new Object[] {response.statusCode(), body.toJsonObject()}))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertEquals(413, result[0], () -> "body " + result[1]);
          assertEquals("request_too_large", ((io.vertx.core.json.JsonObject) result[1]).getJsonObject("error").getString("code"));
          assertEquals(0, pool.requests.size());
          ctx.completeNow();
        })));
  }

  @Test
  void expectContinueIsAnsweredBeforeTheBodyIsSent(Vertx vertx, VertxTestContext ctx) {
    String json = request(TEXT).encode();
    Promise<Void> continued = Promise.promise();
    vertx.createHttpClient().request(chatOptions().putHeader("Expect", "100-continue")
            .putHeader("Content-Length", Integer.toString(json.getBytes(StandardCharsets.UTF_8).length)))
        .compose(request -> {
          Future<HttpClientResponse> response = request.response();
          request.continueHandler(v -> {
            continued.tryComplete();
            request.end(json);
          });
          request.sendHead();
          return response;
        })
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertTrue(continued.future().succeeded(), "the client got 100 Continue");
          assertEquals(200, status);
          assertEquals(TEXT, userText(0));
          ctx.completeNow();
        })));
  }

  @Test
  void anExpectationOtherThanContinueIs417(Vertx vertx, VertxTestContext ctx) {
    post("/v1/chat/completions", KEY_A).putHeader("Content-Type", "application/json").putHeader("Expect", "something-else")
        .sendJsonObject(request(TEXT))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          // In the client's dialect, like every other error (it was vert.x-web's plain-text default page).
          assertEquals("invalid_request_error", assertError(r, 417, "expectation_failed", null).getString("type"));
          assertEquals(0, pool.requests.size());
          ctx.completeNow();
        })));
  }

  private RequestOptions chatOptions() {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost(HOST).setPort(port).setURI("/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + KEY_A).putHeader("Content-Type", "application/json");
  }
}
