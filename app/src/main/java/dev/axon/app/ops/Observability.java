package dev.axon.app.ops;

import dev.axon.api.ops.Drain;
import dev.axon.api.ops.EdgeOps;
import dev.axon.api.ops.OpsOptions;
import dev.axon.pool.metrics.MicrometerPoolMetrics;
import dev.axon.store.metrics.StoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM's metrics and tracing, built from the {@code ops} and {@code tracing} sections before Vert.x starts:
 * <ul>
 *   <li>a Prometheus registry that Vert.x's own meters (HTTP server and client, event bus, net, pools, JVM, Redis
 *       client) and Axon's (edge, pools, store) share, scraped by {@code GET /metrics} on this node — every node of a
 *       cluster serves its own;</li>
 *   <li>a tracer for Vert.x: W3C propagation only ({@link W3cPropagation}, nothing recorded) by default, the
 *       OpenTelemetry tracer with the autoconfigured SDK and an OTLP/HTTP exporter when {@code tracing.exporter} is
 *       {@code otlp};</li>
 *   <li>the node's drain state and the per-node objects each verticle gets ({@link #edge()}, {@link #poolMetrics()},
 *       {@link #storeMetrics()}).</li>
 * </ul>
 */
public final class Observability {

  private static final Logger log = LoggerFactory.getLogger(Observability.class);
  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final TracingOptions tracing;
  /** The tracer when tracing only propagates (no exporter); null otherwise. */
  private final W3cPropagation propagation;
  private final Drain drain = new Drain();
  // Made on first use, after Vert.x has set up the registry (its meter filters must come before any meter).
  private EdgeOps edge;
  private MicrometerPoolMetrics poolMetrics;
  private StoreMetrics storeMetrics;

  private Observability(OpsOptions ops, TracingOptions tracing) {
    this.tracing = tracing;
    if (ops.metricsEnabled()) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry = prometheus;
    } else {
      prometheus = null;
      registry = new CompositeMeterRegistry();
    }
    if (tracing.exporting()) {
      sdk = autoconfigured(tracing);
      openTelemetry = sdk;
      propagation = null;
    } else {
      sdk = null;
      openTelemetry = null;
      propagation = tracing.enabled() ? W3cPropagation.register() : null;
    }
  }

  /** Builds the node's observability from the {@code ops} and {@code tracing} sections. */
  public static Observability create(OpsOptions ops, TracingOptions tracing) {
    return new Observability(ops, tracing);
  }

  /** A Vert.x builder with this node's metrics and tracer (add a cluster manager for a clustered one). */
  public VertxBuilder builder(VertxOptions base) {
    VertxOptions options = new VertxOptions(base);
    VertxBuilder builder = Vertx.builder();
    if (prometheus != null) {
      MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.NAMESPACE))
          // Vert.x's event-bus meters cost more per message than the rest of a request: EventBusMeters counts instead.
          .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
          // Its HTTP server meters looked up a timer by tags for every request (4-5 % of the event loop at load), and
          // axon_http_requests (route, method, status, model) and axon_http_inflight_requests already say the same.
          .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
          // Its HTTP client meters (upstream calls) built tags and looked meters up four times a request (2-3 % of
          // the gateway's CPU on the stored path); axon_pool_turn_seconds and axon_upstream_errors_total time and
          // count the same calls by model, provider and error kind.
          .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
      options.setMetricsOptions(metrics);
      builder.withMetrics(new MicrometerMetricsFactory(prometheus));
    }
    if (openTelemetry != null) {
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    } else if (propagation != null) {
      builder.withTracer(tracingOptions -> propagation);
    }
    return builder.with(options);
  }

  /** Starts what needs the running Vert.x: the breaker listener of the pool metrics. */
  public void attach(Vertx vertx) {
    if (prometheus != null) {
      EventBusMeters.install(vertx, registry);
    }
    poolMetrics().listenForBreakers(vertx);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text of this node's registry, or null when metrics are off. */
  public String scrape() {
    return prometheus == null ? null : prometheus.scrape();
  }

  public Drain drain() {
    return drain;
  }

  /** The edge's share: meters, drain, traffic, trace ids; one for all API verticle instances of the node. */
  public synchronized EdgeOps edge() {
    if (edge == null) {
      Supplier<String> scrape = prometheus == null ? null : prometheus::scrape;
      edge = new EdgeOps(registry, scrape, drain, traceIds());
    }
    return edge;
  }

  public synchronized MicrometerPoolMetrics poolMetrics() {
    if (poolMetrics == null) {
      poolMetrics = new MicrometerPoolMetrics(registry);
    }
    return poolMetrics;
  }

  public synchronized StoreMetrics storeMetrics() {
    if (storeMetrics == null) {
      storeMetrics = StoreMetrics.of(registry);
    }
    return storeMetrics;
  }

  /** Flushes and stops the span exporter (if any) and closes the registry. */
  public void close() {
    if (sdk != null) {
      sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
      sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
    registry.close();
  }

  /** The W3C trace id of the span current on the calling Vert.x context, or null. */
  /** Where the access line finds the current trace id: the recording tracer's, the propagating one's, or none. */
  private Supplier<String> traceIds() {
    if (openTelemetry != null) {
      return Observability::currentTraceId;
    }
    return propagation != null ? W3cPropagation::currentTraceId : null;
  }

  static String currentTraceId() {
    SpanContext context = Span.current().getSpanContext();
    return context.isValid() ? context.getTraceId() : null;
  }

  private static OpenTelemetrySdk autoconfigured(TracingOptions tracing) {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("otel.service.name", tracing.serviceName());
    defaults.put("otel.traces.exporter", "otlp");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    defaults.put("otel.exporter.otlp.endpoint", tracing.endpoint());
    defaults.put("otel.propagators", "tracecontext,baggage");
    defaults.put("otel.traces.sampler", "parentbased_traceidratio");
    defaults.put("otel.traces.sampler.arg", Double.toString(tracing.sampleRatio()));
    defaults.putAll(tracing.properties());
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    log.info("tracing: spans exported over OTLP/HTTP to {} as service {}", tracing.endpoint(), tracing.serviceName());
    return sdk;
  }
}
