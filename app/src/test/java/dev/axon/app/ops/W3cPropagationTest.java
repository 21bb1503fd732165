package dev.axon.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.tracing.TracingPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Propagation without recording: what a request brings in is what its outgoing calls carry, and nothing else. */
class W3cPropagationTest {

  static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static W3cPropagation tracer;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    tracer = W3cPropagation.register();
    vertx = Vertx.builder().withTracer(options -> tracer).build();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** Receives a request with {@code incoming} on a fresh request context, then sends one: the headers it got. */
  static Map<String, String> relay(List<Map.Entry<String, String>> incoming, TracingPolicy sendPolicy, String[] traceId) throws Exception {
    ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).unwrap().duplicate();
    CompletableFuture<Map<String, String>> sent = new CompletableFuture<>();
    request.runOnContext(v -> {
      tracer.receiveRequest(request, SpanKind.RPC, TracingPolicy.PROPAGATE, "req", "op", incoming, TagExtractor.empty());
      Map<String, String> out = new LinkedHashMap<>();
      tracer.sendRequest(request, SpanKind.RPC, sendPolicy, "call", "op", out::put, TagExtractor.empty());
      traceId[0] = W3cPropagation.currentTraceId();
      sent.complete(out);
    });
    return sent.get(5, TimeUnit.SECONDS);
  }

  @Test
  void theCallersTraceContextIsPassedOnUnchanged() throws Exception {
    String[] traceId = new String[1];
    Map<String, String> out = relay(List.of(Map.entry("Content-Type", "application/json"), Map.entry("TraceParent", PARENT),
        Map.entry("tracestate", "vendor=abc"), Map.entry("baggage", "user=1")), TracingPolicy.PROPAGATE, traceId);
    assertEquals(Map.of("traceparent", PARENT, "tracestate", "vendor=abc", "baggage", "user=1"), out);
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", traceId[0], "the access log's trace id");
  }

  @Test
  void noTraceIsStartedAndNoneLeaksBetweenRequests() throws Exception {
    String[] traceId = new String[1];
    relay(List.of(Map.entry("traceparent", PARENT)), TracingPolicy.PROPAGATE, traceId);
    Map<String, String> out = relay(List.of(Map.entry("accept", "*/*")), TracingPolicy.ALWAYS, traceId);
    assertTrue(out.isEmpty(), "a request without a trace sends none: " + out);
    assertNull(traceId[0]);
  }

  @Test
  void anIgnoringCallOrAnInvalidTraceparentCarriesNothing() throws Exception {
    String[] traceId = new String[1];
    assertTrue(relay(List.of(Map.entry("traceparent", PARENT)), TracingPolicy.IGNORE, traceId).isEmpty());
    assertTrue(relay(List.of(Map.entry("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01")),
        TracingPolicy.PROPAGATE, traceId).isEmpty(), "an all-zero trace id is invalid");
    assertNull(traceId[0]);
  }

  @Test
  void traceparentsAreCheckedAsTheW3cSpecifies() {
    assertTrue(W3cPropagation.valid(PARENT));
    assertTrue(W3cPropagation.valid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"), "a later version may add fields");
    assertFalse(W3cPropagation.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"), "version 00 has four");
    assertFalse(W3cPropagation.valid("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    assertFalse(W3cPropagation.valid("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"), "upper case");
    assertFalse(W3cPropagation.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
    assertFalse(W3cPropagation.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"));
    assertFalse(W3cPropagation.valid(null));
  }
}
