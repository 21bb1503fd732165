package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.axon.api.ops.AccessLog;
import dev.axon.common.turn.TurnRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log: one JSON line per request on {@code axon.access}, with the request id (the client's when it sent
 * one), the key's name and never the key, the models, provider, conversation, status, tokens and timings; failed
 * authentications and clients that went away are logged too; probes are not logged at INFO.
 */
class AccessLogTest extends ApiTestBase {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger logger;
  private Vertx vertx;

  @BeforeEach
  void capture(Vertx vertx) {
    this.vertx = vertx;
    logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  @Test
  void aCompletionIsOneLineWithWhoWhatAndHowLong(VertxTestContext ctx) {
    post("/v1/chat/completions", KEY_B).putHeader("x-request-id", "it-access-0001").sendJsonObject(request("log me"))
        .compose(r -> get("/health", null).send())
        .compose(r -> later(400))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          List<JsonObject> lines = lines();
          assertEquals(1, lines.size(), "one line, and none for the probe: " + lines);
          JsonObject line = lines.get(0);
          assertEquals("access", line.getString("type"));
          assertEquals("it-access-0001", line.getString("request_id"));
          assertEquals("POST", line.getString("method"));
          assertEquals("/v1/chat/completions", line.getString("path"));
          assertEquals(200, line.getInteger("status"));
          assertEquals("bob", line.getString("key"));
          assertEquals(FakePool.MODEL, line.getString("model"));
          assertEquals("gpt-4o", line.getString("client_model"));
          assertEquals("fake", line.getString("provider"));
          assertTrue(line.getString("conversation_id").startsWith("conv-"));
          assertEquals(false, line.getBoolean("stream"));
          assertEquals(5, line.getInteger("tokens_in"));
          assertEquals(2, line.getInteger("tokens_out"));
          assertTrue(line.getDouble("latency_ms") > 0);
          assertTrue(line.getDouble("ttft_ms") >= 0 && line.getDouble("ttft_ms") <= line.getDouble("latency_ms"));
          assertTrue(line.getDouble("pool_wait_ms") >= 0 && line.getDouble("pool_wait_ms") <= line.getDouble("ttft_ms"));
          assertTrue(line.getDouble("overhead_ms") >= 0 && line.getDouble("overhead_ms") <= line.getDouble("latency_ms"));
          assertNull(line.getString("error"));
          assertTrue(line.containsKey("trace_id"));
          String ts = line.getString("ts");
          assertTrue(ts != null && ts.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"), "UTC, to the millisecond: " + ts);
          assertFalse(raw().contains(KEY_B), "the key itself is never logged");
          ctx.completeNow();
        })));
  }

  @Test
  void aRejectedKeyIsLoggedWithoutTheKey(VertxTestContext ctx) {
    String wrong = "sk-not-a-known-key-but-secret-anyway";
    post("/v1/chat/completions", wrong).sendJsonObject(request("who am i"))
        .compose(r -> later(400))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          List<JsonObject> lines = lines();
          assertEquals(1, lines.size());
          assertEquals(401, lines.get(0).getInteger("status"));
          assertNull(lines.get(0).getString("key"));
          assertNull(lines.get(0).getString("model"));
          assertFalse(raw().contains(wrong), "a presented key is never logged");
          ctx.completeNow();
        })));
  }

  @Test
  void aRequestTheDecoderRefusesIsLoggedToo(VertxTestContext ctx) {
    // It never reaches the router, where requests are otherwise followed to their end.
    get("/v1/models", KEY_A).putHeader("x-padding", "p".repeat(9_000)).send()
        .compose(r -> later(300).map(r))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          List<JsonObject> lines = lines();
          assertEquals(1, lines.size(), lines.toString());
          JsonObject line = lines.get(0);
          assertEquals(431, line.getInteger("status"));
          assertEquals("invalid", line.getString("route"));
          assertEquals("/v1/models", line.getString("path"));
          assertEquals(r.getHeader("x-request-id"), line.getString("request_id"));
          assertEquals(r.body().length(), line.getLong("bytes_out"), "the error body");
          assertNull(line.getString("key"), "the key was never read");
          assertFalse(raw().contains(KEY_A), "nor logged");
          ctx.completeNow();
        })));
  }

  @Test
  void aClientThatLeavesMidStreamIsLoggedAs499(VertxTestContext ctx) {
    Promise<TurnRequest> started = Promise.promise();
    pool.behave(m -> {
      pool.accept(m);
      pool.send(m.body(), 0, FakePool.text("first"));
      started.tryComplete(m.body());
    });
    HttpClient http = vertx.createHttpClient();
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost(HOST).setURI("/v1/chat/completions")
            .putHeader("Authorization", "Bearer " + KEY_A).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(streaming("leave early").encode())))
        .compose(response -> {
          Promise<Void> firstChunk = Promise.promise();
          response.handler(chunk -> firstChunk.tryComplete());
          return firstChunk.future().compose(v -> started.future()).compose(v -> response.request().connection().close());
        })
        .compose(v -> later(300))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          List<JsonObject> lines = lines();
          assertEquals(1, lines.size(), lines.toString());
          assertEquals(499, lines.get(0).getInteger("status"));
          assertEquals("cancelled", lines.get(0).getString("error"));
          assertEquals(true, lines.get(0).getBoolean("stream"));
          ctx.completeNow();
        })));
  }

  private Future<Void> later(long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }

  private List<JsonObject> lines() {
    List<JsonObject> out = new ArrayList<>();
    for (ILoggingEvent e : new ArrayList<>(appender.list)) {
      out.add(new JsonObject(e.getFormattedMessage()));
    }
    return out;
  }

  private String raw() {
    StringBuilder all = new StringBuilder();
    new ArrayList<>(appender.list).forEach(e -> all.append(e.getFormattedMessage()).append('\n'));
    return all.toString();
  }
}
