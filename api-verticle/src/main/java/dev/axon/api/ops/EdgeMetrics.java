package dev.axon.api.ops;

import dev.axon.api.chat.ExchangeSummary;
import dev.axon.common.metrics.MeterCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

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

  /** Status codes as tag values, made once. */
  private static final String[] STATUSES = new String[600];

  static {
    for (int i = 0; i < STATUSES.length; i++) {
      STATUSES[i] = Integer.toString(i);
    }
  }

  private final MeterCache<Timer> requests;
  private final MeterCache<Timer> firstToken;
  private final MeterCache<Timer> overhead;
  private final MeterCache<Counter> errors;
  private final MeterCache<Counter> tokens;

  EdgeMetrics(MeterRegistry registry, Drain drain) {
    Gauge.builder("axon.http.inflight.requests", drain, Drain::inFlight)
        .description("API requests being served (operations endpoints excluded)").strongReference(true).register(registry);
    Gauge.builder("axon.drain.phase", drain, d -> d.phase().ordinal())
        .description("0 serving, 1 draining (readiness 503), 2 refusing new requests").strongReference(true).register(registry);
    requests = new MeterCache<>(t -> Timer.builder("axon.http.requests").description("HTTP requests by route, status and served model")
        .tag("route", t.get(0)).tag("method", t.get(1)).tag("status", t.get(2)).tag("model", t.get(3))
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    firstToken = new MeterCache<>(t -> Timer.builder("axon.time.to.first.token").description("From the request to the model's first event")
        .tag("model", t.get(0)).tag("stream", t.get(1)).serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    overhead = new MeterCache<>(t -> Timer.builder("axon.gateway.overhead")
        .description("The gateway's own time per chat completion: total minus the time spent waiting on the pool and the provider")
        .tag("model", t.get(0)).tag("stream", t.get(1)).serviceLevelObjectives(OVERHEAD_BUCKETS).register(registry));
    errors = new MeterCache<>(t -> Counter.builder("axon.chat.errors").description("Chat completions that ended in an error, by kind")
        .tag("model", t.get(0)).tag("kind", t.get(1)).register(registry));
    tokens = new MeterCache<>(t -> Counter.builder("axon.tokens")
        .description("Tokens by served model and API key name: prompt (in) and completion (out)")
        .tag("model", t.get(0)).tag("key", t.get(1)).tag("direction", t.get(2)).register(registry));
  }

  void record(RequestRecord r) {
    ExchangeSummary e = r.exchange();
    String model = e != null && e.model() != null ? e.model() : "none";
    requests.get(r.route(), r.method(), status(r.status()), model).record((long) (r.latencyMs() * 1e6), TimeUnit.NANOSECONDS);
    if (e == null) {
      return;
    }
    String stream = Boolean.toString(e.stream());
    if (e.timeToFirstTokenMs() >= 0) {
      firstToken.get(model, stream).record((long) (e.timeToFirstTokenMs() * 1e6), TimeUnit.NANOSECONDS);
    }
    overhead.get(model, stream).record((long) (e.overheadMs() * 1e6), TimeUnit.NANOSECONDS);
    String key = e.keyName() == null ? "none" : e.keyName();
    if (e.usage() != null) {
      tokens.get(model, key, "in").increment(e.usage().promptTokens());
      tokens.get(model, key, "out").increment(e.usage().completionTokens());
    }
    if (e.error() != null) {
      errors.get(model, e.error().name().toLowerCase(Locale.ROOT)).increment();
    }
  }

  private static String status(int code) {
    return code >= 0 && code < STATUSES.length ? STATUSES[code] : Integer.toString(code);
  }
}
