package dev.axon.api.ops;

import dev.axon.api.chat.ExchangeSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * The edge's meters, one set per node:
 * <ul>
 *   <li>{@code axon_http_requests_seconds{route,method,status,model}} — every request (count, sum, buckets);</li>
 *   <li>{@code axon_time_to_first_token_seconds{model,stream}} — chat completions, request start to the model's
 *       first event;</li>
 *   <li>{@code axon_gateway_overhead_seconds{model,stream}} — the gateway's own time per chat completion (see
 *       {@link ExchangeSummary#overheadMs()});</li>
 *   <li>{@code axon_tokens_total{model,key,direction}} — prompt ({@code in}) and completion ({@code out}) tokens by
 *       served model and API key name;</li>
 *   <li>{@code axon_chat_errors_total{model,kind}} — chat completions that ended in an error, by kind;</li>
 *   <li>{@code axon_http_inflight_requests} and {@code axon_drain_phase} (0 serving, 1 draining, 2 refusing).</li>
 * </ul>
 */
final class EdgeMetrics {

  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};
  private static final Duration[] OVERHEAD_BUCKETS = {
      Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1)};

  private final MeterRegistry registry;

  EdgeMetrics(MeterRegistry registry, Drain drain) {
    this.registry = registry;
    Gauge.builder("axon.http.inflight.requests", drain, Drain::inFlight)
        .description("API requests being served (operations endpoints excluded)").strongReference(true).register(registry);
    Gauge.builder("axon.drain.phase", drain, d -> d.phase().ordinal())
        .description("0 serving, 1 draining (readiness 503), 2 refusing new requests").strongReference(true).register(registry);
  }

  void record(RequestRecord r) {
    ExchangeSummary e = r.exchange();
    String model = e != null && e.model() != null ? e.model() : "none";
    Timer.builder("axon.http.requests").description("HTTP requests by route, status and served model")
        .tag("route", r.route()).tag("method", r.method()).tag("status", Integer.toString(r.status())).tag("model", model)
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry)
        .record(Duration.ofNanos((long) (r.latencyMs() * 1e6)));
    if (e == null) {
      return;
    }
    String stream = Boolean.toString(e.stream());
    if (e.timeToFirstTokenMs() >= 0) {
      Timer.builder("axon.time.to.first.token").description("From the request to the model's first event")
          .tag("model", model).tag("stream", stream).serviceLevelObjectives(LATENCY_BUCKETS).register(registry)
          .record(Duration.ofNanos((long) (e.timeToFirstTokenMs() * 1e6)));
    }
    Timer.builder("axon.gateway.overhead")
        .description("The gateway's own time per chat completion: total minus the time spent waiting on the pool and the provider")
        .tag("model", model).tag("stream", stream).serviceLevelObjectives(OVERHEAD_BUCKETS).register(registry)
        .record(Duration.ofNanos((long) (e.overheadMs() * 1e6)));
    String key = e.keyName() == null ? "none" : e.keyName();
    if (e.usage() != null) {
      tokens(model, key, "in", e.usage().promptTokens());
      tokens(model, key, "out", e.usage().completionTokens());
    }
    if (e.error() != null) {
      Counter.builder("axon.chat.errors").description("Chat completions that ended in an error, by kind")
          .tag("model", model).tag("kind", e.error().name().toLowerCase(Locale.ROOT)).register(registry).increment();
    }
  }

  private void tokens(String model, String key, String direction, long count) {
    Counter.builder("axon.tokens").description("Tokens by served model and API key name: prompt (in) and completion (out)")
        .tag("model", model).tag("key", key).tag("direction", direction).register(registry).increment(count);
  }
}
