package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.await;
import static dev.axon.app.tests.Gateway.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.pool.provider.Providers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * W3C trace context from the client, through the event bus, to the upstream call: the upstream sees the client's
 * trace id (also for a request that queued for a session freed by another request), nothing is invented when the
 * client sent none and no exporter is set, and with the OTLP exporter Axon records spans of that trace and sends
 * them to the collector.
 */
class TracingTest {

  static final String MODEL = "claude-sonnet-4-6";
  /** The upstream the probe provider calls: records the {@code traceparent} of every call, by what it was told. */
  static Vertx upstreamVertx;
  static HttpServer upstream;
  static final Map<String, String> traceparents = new ConcurrentHashMap<>();
  /** OTLP/HTTP export requests the fake collector received. */
  static final List<Buffer> exports = new CopyOnWriteArrayList<>();
  static HttpServer collector;

  @BeforeAll
  static void upstreams() {
    Providers.register(ProbeProvider.NAME, ProbeProvider::new);
    upstreamVertx = Vertx.vertx();
    upstream = await(upstreamVertx.createHttpServer().requestHandler(req -> {
      String say = req.getParam("say");
      String header = req.getHeader("traceparent");
      traceparents.put(say, header == null ? "none" : header);
      long delay = say.startsWith("hold") ? 600 : 1;
      upstreamVertx.setTimer(delay, t -> req.response().end("heard " + say));
    }).listen(0, "127.0.0.1"));
    collector = await(upstreamVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (req.path().equals("/v1/traces")) {
        exports.add(body);
      }
      req.response().putHeader("Content-Type", "application/x-protobuf").end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    await(upstreamVertx.close());
  }

  static JsonObject gatewayConfig(JsonObject tracing) {
    return OpsGateway.config(new JsonObject().put("size", 1).put("max", 1).put("acquireTimeoutMs", 10_000))
        .put("pool", new JsonObject().put("provider", ProbeProvider.NAME).put("size", 1).put("max", 1)
            .put("acquireTimeoutMs", 10_000).put(ProbeProvider.NAME, new JsonObject().put("port", upstream.actualPort())))
        .put("store", new JsonObject().put("backend", "memory"))
        .put("tracing", tracing);
  }

  static String traceparent(String traceId) {
    return "00-" + traceId + "-" + "00f067aa0ba902b7" + "-01";
  }

  static Future<HttpResponse<Buffer>> send(OpsGateway gateway, String say, String traceparent, boolean stream) {
    var req = gateway.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + KEY_A);
    if (traceparent != null) {
      req.putHeader("traceparent", traceparent);
    }
    return req.sendJsonObject(request(say).put("stream", stream));
  }

  @Test
  void theClientsTraceReachesTheUpstreamThroughTheEventBus() {
    try (OpsGateway gateway = OpsGateway.boot(gatewayConfig(new JsonObject()))) {
      String plainTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
      String streamTrace = "0af7651916cd43dd8448eb211c80319c";
      HttpResponse<Buffer> plain = await(send(gateway, "plain one", traceparent(plainTrace), false));
      assertEquals(200, plain.statusCode(), plain.bodyAsString());
      assertTrue(plain.bodyAsString().contains("heard plain one"));
      HttpResponse<Buffer> streamed = await(send(gateway, "streamed one", traceparent(streamTrace), true));
      assertEquals(200, streamed.statusCode());
      assertEquals(plainTrace, traceId(traceparents.get("plain one")));
      assertEquals(streamTrace, traceId(traceparents.get("streamed one")));

      // A request that queues for the only session, freed by another request, keeps its own trace.
      String holderTrace = "11111111111111111111111111111111";
      String queuedTrace = "22222222222222222222222222222222";
      Future<HttpResponse<Buffer>> holder = send(gateway, "hold the session", traceparent(holderTrace), false);
      sleep(150);
      Future<HttpResponse<Buffer>> queued = send(gateway, "queued behind", traceparent(queuedTrace), false);
      assertEquals(200, await(holder).statusCode());
      assertEquals(200, await(queued).statusCode());
      assertEquals(holderTrace, traceId(traceparents.get("hold the session")));
      assertEquals(queuedTrace, traceId(traceparents.get("queued behind")), "the queued turn runs under its own trace");

      // Without a trace from the client and without an exporter, Axon starts none.
      assertEquals(200, await(send(gateway, "untraced", null, false)).statusCode());
      assertEquals("none", traceparents.get("untraced"));
    }
  }

  @Test
  void withTheOtlpExporterSpansOfTheClientsTraceReachTheCollector() {
    JsonObject tracing = new JsonObject().put("exporter", "otlp").put("endpoint", "http://127.0.0.1:" + collector.actualPort())
        .put("serviceName", "axon-test").put("properties", new JsonObject().put("otel.bsp.schedule.delay", "100"));
    String clientTrace = "5bf92f3577b34da6a3ce929d0e0e4736";
    exports.clear();
    try (OpsGateway gateway = OpsGateway.boot(gatewayConfig(tracing))) {
      assertEquals(200, await(send(gateway, "exported", traceparent(clientTrace), false)).statusCode());
      assertEquals(clientTrace, traceId(traceparents.get("exported")));
      assertNotEquals("00f067aa0ba902b7", spanId(traceparents.get("exported")), "the upstream call is Axon's own span");
      // Axon starts a trace of its own for a request that came without one, and propagates it too.
      assertEquals(200, await(send(gateway, "exported untraced", null, false)).statusCode());
      String started = traceparents.get("exported untraced");
      assertNotNull(traceId(started), started);
      byte[] clientTraceBytes = HexFormat.of().parseHex(clientTrace);
      byte[] startedBytes = HexFormat.of().parseHex(traceId(started));
      long deadline = System.currentTimeMillis() + 10_000;
      while (!(contains(exports, clientTraceBytes) && contains(exports, startedBytes)) && System.currentTimeMillis() < deadline) {
        sleep(100);
      }
      assertTrue(contains(exports, clientTraceBytes), "spans of the client's trace were exported");
      assertTrue(contains(exports, startedBytes), "spans of the trace Axon started were exported");
      assertTrue(contains(exports, "axon-test".getBytes()), "under the configured service name");
    }
  }

  static String traceId(String traceparent) {
    if (traceparent == null || traceparent.equals("none")) {
      return null;
    }
    String[] parts = traceparent.split("-");
    return parts.length == 4 ? parts[1] : null;
  }

  static String spanId(String traceparent) {
    String[] parts = traceparent.split("-");
    return parts[2];
  }

  static boolean contains(List<Buffer> bodies, byte[] needle) {
    for (Buffer body : bodies) {
      byte[] bytes = body.getBytes();
      outer:
      for (int i = 0; i + needle.length <= bytes.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (bytes[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
    }
    return false;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
