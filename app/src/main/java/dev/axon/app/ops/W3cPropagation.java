package dev.axon.app.ops;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.context.storage.AccessMode;
import io.vertx.core.spi.context.storage.ContextLocal;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The tracer when nothing is recorded (no exporter): the caller's W3C trace context — {@code traceparent},
 * {@code tracestate}, {@code baggage} — goes from what Axon receives (an HTTP request, an event-bus message) to what
 * it sends on the same request's behalf (event-bus messages, upstream calls), unchanged, and no trace is started for
 * a request that came without one.
 *
 * <p>OpenTelemetry's propagating-only API did the same through its span machinery: for every request a non-recording
 * span, its attributes and the request's absolute URI, and three walks of the headers; 3 % of the event loop at load.
 * With the OTLP exporter, spans are recorded and the OpenTelemetry tracer is used instead.
 *
 * <p>The trace lives in a context local of the request's (duplicated) context; {@link #register()} must run before
 * the Vert.x instance is built, since a Vert.x sizes its contexts' locals when it starts.
 */
final class W3cPropagation implements VertxTracer<W3cPropagation.Trace, Object> {

  private static volatile ContextLocal<Trace> local;

  /** The W3C headers of one trace, as received. */
  record Trace(String traceparent, String tracestate, String baggage) {

    String traceId() {
      return traceparent.substring(3, 35);
    }
  }

  private final ContextLocal<Trace> trace;

  private W3cPropagation(ContextLocal<Trace> trace) {
    this.trace = trace;
  }

  /** Registers the context local, once per JVM, and returns a tracer that uses it. */
  static synchronized W3cPropagation register() {
    if (local == null) {
      local = ContextLocal.registerLocal(Trace.class);
    }
    return new W3cPropagation(local);
  }

  /** The trace id the current context carries, or null. */
  static String currentTraceId() {
    ContextLocal<Trace> key = local;
    Context context = Vertx.currentContext();
    Trace t = key == null || context == null ? null : context.getLocal(key, AccessMode.CONCURRENT);
    return t == null ? null : t.traceId();
  }

  @Override
  public <R> Trace receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
      Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tagExtractor) {
    if (policy == TracingPolicy.IGNORE || headers == null || context == null) {
      return null;
    }
    String traceparent = null;
    String tracestate = null;
    String baggage = null;
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey();
      if (name.equalsIgnoreCase("traceparent")) {
        traceparent = header.getValue();
      } else if (name.equalsIgnoreCase("tracestate")) {
        tracestate = header.getValue();
      } else if (name.equalsIgnoreCase("baggage")) {
        baggage = header.getValue();
      }
    }
    if (!valid(traceparent)) {
      return null;
    }
    Trace t = new Trace(traceparent, tracestate, baggage);
    context.putLocal(trace, AccessMode.CONCURRENT, t);
    return t;
  }

  @Override
  public <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
      BiConsumer<String, String> headers, TagExtractor<R> tagExtractor) {
    if (policy == TracingPolicy.IGNORE || headers == null || context == null) {
      return null;
    }
    Trace t = context.getLocal(trace, AccessMode.CONCURRENT);
    if (t != null) {
      headers.accept("traceparent", t.traceparent());
      if (t.tracestate() != null) {
        headers.accept("tracestate", t.tracestate());
      }
      if (t.baggage() != null) {
        headers.accept("baggage", t.baggage());
      }
    }
    // Nothing to end when the response comes: the client calls receiveResponse only for a non-null result.
    return null;
  }

  /**
   * A {@code traceparent} that may be passed on (W3C Trace Context): {@code version-traceid-parentid-flags} in
   * lower-case hex, neither id all zeros, version {@code ff} forbidden; a later version may append fields.
   */
  static boolean valid(String v) {
    if (v == null || v.length() < 55 || (v.length() > 55 && (v.startsWith("00") || v.charAt(55) != '-'))) {
      return false;
    }
    if (v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-' || v.startsWith("ff")) {
      return false;
    }
    return hex(v, 0, 2) && hex(v, 3, 35) && hex(v, 36, 52) && hex(v, 53, 55) && !zeros(v, 3, 35) && !zeros(v, 36, 52);
  }

  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
