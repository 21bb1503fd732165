package dev.axon.api.ops;

import dev.axon.common.cluster.NodeId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What the launcher gives the HTTP edge for operations, shared by every API verticle instance of a node: the meter
 * registry and its Prometheus scrape, the drain state, the last minute of traffic, and how to read the current
 * trace id. Each node also publishes its traffic every {@link #PUBLISH_MS} on {@link #TRAFFIC_ADDRESS} so that
 * {@code /stats/traffic} on any API node covers every API node. Thread-safe.
 */
public final class EdgeOps {

  /** Where API nodes publish their last minute of traffic: a JSON object {@code {node, host, phase, inFlight, traffic, at}}. */
  public static final String TRAFFIC_ADDRESS = "axon.ops.traffic";
  /** How often a node publishes its traffic. */
  public static final long PUBLISH_MS = 2_000;
  /** A node not heard from for this long is left out. */
  public static final long EXPIRY_MS = 7_000;

  private static final DeliveryOptions UNTRACED = new DeliveryOptions().setTracingPolicy(TracingPolicy.IGNORE);

  private final MeterRegistry registry;
  private final Supplier<String> scrape;
  private final Drain drain;
  private final Supplier<String> traceIds;
  private final TrafficWindow traffic = new TrafficWindow();
  private final EdgeMetrics metrics;
  private final AtomicBoolean started = new AtomicBoolean();
  private final Map<String, JsonObject> peers = new ConcurrentHashMap<>();

  /**
   * @param registry where the edge's meters go
   * @param scrape   the registry in Prometheus text format, or null when metrics are off ({@code /metrics} is then 404)
   * @param traceIds the W3C trace id of the current request (called on its context), or null; null without tracing
   */
  public EdgeOps(MeterRegistry registry, Supplier<String> scrape, Drain drain, Supplier<String> traceIds) {
    this.registry = registry;
    this.scrape = scrape;
    this.drain = drain;
    this.traceIds = traceIds == null ? () -> null : traceIds;
    this.metrics = new EdgeMetrics(registry, drain);
  }

  /** For an API verticle deployed on its own (tests): no meters kept, no {@code /metrics}, a drain of its own. */
  public static EdgeOps standalone() {
    return new EdgeOps(new CompositeMeterRegistry(), null, new Drain(), null);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text of the node's registry, or null when metrics are off. */
  public Supplier<String> scrape() {
    return scrape;
  }

  public Drain drain() {
    return drain;
  }

  public TrafficWindow traffic() {
    return traffic;
  }

  String traceId() {
    try {
      return traceIds.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Counts a finished request: meters, the traffic window, the access log. */
  void record(RequestRecord r) {
    metrics.record(r);
    if (!r.ops()) {
      long in = 0, out = 0;
      double ttft = -1;
      if (r.exchange() != null) {
        ttft = r.exchange().timeToFirstTokenMs();
        if (r.exchange().usage() != null) {
          in = r.exchange().usage().promptTokens();
          out = r.exchange().usage().completionTokens();
        }
      }
      traffic.record(System.currentTimeMillis(), r.latencyMs(), ttft, r.failed(), r.rejected(), r.exchange() != null, in, out);
    }
    AccessLog.write(r);
  }

  /**
   * Starts publishing this node's traffic and listening to the other API nodes'; once per node (later calls do
   * nothing). The timer and consumer belong to the caller's context.
   */
  public void start(Vertx vertx) {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    vertx.eventBus().<JsonObject>consumer(TRAFFIC_ADDRESS, m -> {
      if (m.body() != null && m.body().getString("node") != null) {
        peers.put(m.body().getString("node"), m.body().put("receivedAt", System.currentTimeMillis()));
      }
    });
    vertx.setPeriodic(PUBLISH_MS, t -> vertx.eventBus().publish(TRAFFIC_ADDRESS, local(), UNTRACED));
  }

  /** This node's traffic now. */
  JsonObject local() {
    long now = System.currentTimeMillis();
    return new JsonObject().put("node", NodeId.CURRENT).put("host", NodeId.host())
        .put("phase", drain.phase().name().toLowerCase()).put("inFlight", drain.inFlight())
        .put("traffic", traffic.snapshot(now)).put("at", now);
  }

  /**
   * Every API node's last minute ({@code nodes}, this node's numbers fresh) and their sum ({@code total}: counts and
   * rates add up, latency percentiles are the worst node's).
   */
  public JsonObject cluster() {
    long now = System.currentTimeMillis();
    peers.values().removeIf(p -> now - p.getLong("receivedAt", 0L) > EXPIRY_MS);
    JsonObject self = local();
    List<JsonObject> nodes = new ArrayList<>();
    nodes.add(self);
    peers.forEach((node, p) -> {
      if (!node.equals(NodeId.CURRENT)) {
        nodes.add(p.copy());
      }
    });
    nodes.sort(Comparator.comparing(n -> n.getString("node")));
    long requests = 0, errors = 0, rejected = 0, chat = 0, in = 0, out = 0, inFlight = 0;
    double rate = 0, latencySum = 0;
    Double p50 = null, p95 = null, ttft50 = null, ttft95 = null;
    for (JsonObject n : nodes) {
      JsonObject t = n.getJsonObject("traffic", new JsonObject());
      long r = t.getLong("requests", 0L);
      requests += r;
      errors += t.getLong("errors", 0L);
      rejected += t.getLong("rejected", 0L);
      chat += t.getLong("chatRequests", 0L);
      rate += t.getDouble("ratePerSecond", 0.0);
      inFlight += n.getLong("inFlight", 0L);
      JsonObject latency = t.getJsonObject("latencyMs", new JsonObject());
      JsonObject ttft = t.getJsonObject("ttftMs", new JsonObject());
      if (latency.getDouble("avg") != null) {
        latencySum += latency.getDouble("avg") * r;
      }
      p50 = max(p50, latency.getDouble("p50"));
      p95 = max(p95, latency.getDouble("p95"));
      ttft50 = max(ttft50, ttft.getDouble("p50"));
      ttft95 = max(ttft95, ttft.getDouble("p95"));
      JsonObject tokens = t.getJsonObject("tokens", new JsonObject());
      in += tokens.getLong("in", 0L);
      out += tokens.getLong("out", 0L);
    }
    JsonObject total = new JsonObject()
        .put("windowSeconds", TrafficWindow.SECONDS)
        .put("requests", requests).put("chatRequests", chat)
        .put("ratePerSecond", Math.round(rate * 1000) / 1000.0)
        .put("errors", errors).put("errorRate", requests == 0 ? 0.0 : Math.round(errors * 100_000.0 / requests) / 100_000.0)
        .put("rejected", rejected).put("inFlight", inFlight)
        .put("latencyMs", new JsonObject().put("avg", requests == 0 ? null : Math.round(latencySum / requests * 1000) / 1000.0)
            .put("p50", p50).put("p95", p95))
        .put("ttftMs", new JsonObject().put("p50", ttft50).put("p95", ttft95))
        .put("tokens", new JsonObject().put("in", in).put("out", out));
    return new JsonObject().put("node", NodeId.CURRENT).put("nodes", new JsonArray(new ArrayList<>(nodes))).put("total", total);
  }

  private static Double max(Double a, Double b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }
}
