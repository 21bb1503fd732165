package dev.axon.api.ops;

import dev.axon.api.cluster.ClusterView;
import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.http.Responses;
import dev.axon.common.bus.Addresses;
import dev.axon.common.cluster.RoleAnnouncement;
import dev.axon.common.error.AxonException;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolCounters;
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.stats.StoreStats;
import dev.axon.common.stats.UpstreamStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Liveness, readiness and statistics endpoints. Readiness and statistics cover the whole deployment: every
 * pool this node has heard of (see {@link ClusterView}), each asked for fresh numbers, and the store.
 */
public final class OpsHandlers {

  private final Vertx vertx;
  private final ConversationClient store;
  private final ClusterView view;
  private final DeliveryOptions delivery;

  public OpsHandlers(Vertx vertx, ConversationClient store, ClusterView view, long timeoutMs) {
    this.vertx = vertx;
    this.store = store;
    this.view = view;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** {@code GET /healthz}: the process answers. */
  public void liveness(RoutingContext rc) {
    Responses.json(rc, 200, new JsonObject().put("status", "ok").toBuffer());
  }

  /** {@code GET /health}: 200 only when the store answers and a pool has a ready session. */
  public void readiness(RoutingContext rc) {
    Future<StoreStats> storeCheck = store.stats();
    Future<PoolHealth> poolCheck = poolHealth();
    Future.join(storeCheck, poolCheck).onComplete(ar -> {
      boolean storeOk = storeCheck.succeeded();
      boolean poolOk = poolCheck.succeeded() && poolCheck.result().ready();
      JsonObject body = new JsonObject()
          .put("status", storeOk && poolOk ? "ok" : "unavailable")
          .put("store", storeOk ? "ok" : describe(storeCheck.cause(), "store"))
          .put("pool", poolCheck.succeeded() ? poolCheck.result().detail() : describe(poolCheck.cause(), "pool"));
      if (storeOk) {
        body.put("conversations", storeCheck.result().conversations());
      }
      body.put("nodes", nodes(view.live()));
      Responses.json(rc, storeOk && poolOk ? 200 : 503, body.toBuffer());
    });
  }

  /** Ready when any pool is: from announcements, or by asking when none has announced itself yet. */
  private Future<PoolHealth> poolHealth() {
    List<RoleAnnouncement> pools = view.pools();
    if (pools.isEmpty()) {
      return vertx.eventBus().<PoolHealth>request(Addresses.POOL_HEALTH, null, delivery).map(Message::body);
    }
    List<String> problems = new ArrayList<>();
    for (RoleAnnouncement p : pools) {
      if (p.poolHealth() != null && p.poolHealth().ready()) {
        return Future.succeededFuture(new PoolHealth(true, pools.size() == 1 ? "ok" : "ok (" + pools.size() + " pools)"));
      }
      problems.add(p.nodeId() + ": " + (p.poolHealth() == null ? "unknown" : p.poolHealth().detail()));
    }
    return Future.succeededFuture(new PoolHealth(false, String.join("; ", problems)));
  }

  /** {@code GET /stats}: pool gauges and counters over every pool, per model and per node, and the conversation count. */
  public void stats(RoutingContext rc) {
    Future<StoreStats> storeStats = store.stats();
    Future<List<PoolStats>> poolStats = poolStats();
    Future.join(storeStats, poolStats).onComplete(ar -> {
      List<PoolStats> pools = poolStats.succeeded() ? poolStats.result() : List.of();
      List<ModelPoolStats> allModels = new ArrayList<>();
      pools.forEach(p -> allModels.addAll(p.models()));
      PoolStats total = PoolStats.of("all", allModels);
      JsonObject body = new JsonObject();
      body.put("sessions", new JsonObject().put("idle", total.idle()).put("busy", total.busy())
          .put("pending", total.pending()).put("waiting", total.waiting()));
      JsonArray perNode = new JsonArray();
      Map<String, RoleAnnouncement> byInstance = new LinkedHashMap<>();
      view.pools().forEach(a -> byInstance.put(a.instanceId(), a));
      for (PoolStats p : pools) {
        RoleAnnouncement where = byInstance.get(p.nodeId());
        perNode.add(new JsonObject().put("instance", p.nodeId())
            .put("node", where == null ? null : where.nodeId()).put("host", where == null ? null : where.host())
            .put("idle", p.idle()).put("busy", p.busy())
            .put("pending", p.pending()).put("waiting", p.waiting()).put("counters", counters(p.counters())).put("models", models(p.models())));
      }
      body.put("pool", new JsonObject().put("counters", counters(total.counters()))
          .put("avgLatencyMs", round(total.avgLatencyMs())).put("samples", total.samples())
          .put("models", models(mergeByModel(allModels))).put("upstreams", upstreams(pools)).put("nodes", perNode)
          .put("status", poolStats.succeeded() ? "ok" : describe(poolStats.cause(), "pool")));
      body.put("conversations", storeStats.succeeded() ? storeStats.result().conversations() : null);
      body.put("store", new JsonObject()
          .put("backend", storeStats.succeeded() ? storeStats.result().backend() : null)
          .put("status", storeStats.succeeded() ? "ok" : describe(storeStats.cause(), "store")));
      body.put("nodes", nodes(view.live()));
      Responses.json(rc, 200, body.toBuffer());
    });
  }

  /** Fresh numbers from every announced pool (the announced ones when a pool does not answer in time). */
  private Future<List<PoolStats>> poolStats() {
    List<RoleAnnouncement> pools = view.pools();
    if (pools.isEmpty()) {
      return vertx.eventBus().<PoolStats>request(Addresses.POOL_STATS, null, delivery).map(m -> List.of(m.body()));
    }
    List<Future<PoolStats>> asks = new ArrayList<>();
    for (RoleAnnouncement p : pools) {
      asks.add(vertx.eventBus().<PoolStats>request(Addresses.poolStats(p.instanceId()), null, delivery).map(Message::body)
          .recover(e -> p.pool() != null ? Future.succeededFuture(p.pool()) : Future.failedFuture(e)));
    }
    return Future.join(asks).map(cf -> {
      List<PoolStats> out = new ArrayList<>();
      asks.forEach(f -> {
        if (f.succeeded()) {
          out.add(f.result());
        }
      });
      return out;
    });
  }

  private static List<ModelPoolStats> mergeByModel(List<ModelPoolStats> all) {
    Map<String, List<ModelPoolStats>> byModel = new LinkedHashMap<>();
    all.forEach(m -> byModel.computeIfAbsent(m.model() + "\u0000" + m.provider(), k -> new ArrayList<>()).add(m));
    List<ModelPoolStats> out = new ArrayList<>();
    byModel.values().forEach(list -> {
      PoolStats sum = PoolStats.of("", list);
      ModelPoolStats first = list.get(0);
      boolean ready = list.stream().anyMatch(ModelPoolStats::ready);
      out.add(new ModelPoolStats(first.model(), first.provider(), sum.idle(), sum.busy(), sum.pending(), sum.waiting(),
          sum.counters(), sum.avgLatencyMs(), sum.samples(), ready, ready ? null : first.lastError(), worstBreaker(list)));
    });
    return out;
  }

  private static JsonArray models(List<ModelPoolStats> models) {
    JsonArray out = new JsonArray();
    for (ModelPoolStats m : models) {
      out.add(new JsonObject().put("model", m.model()).put("provider", m.provider())
          .put("idle", m.idle()).put("busy", m.busy()).put("pending", m.pending()).put("waiting", m.waiting())
          .put("ready", m.ready()).put("lastError", m.lastError())
          .put("counters", counters(m.counters())).put("avgLatencyMs", round(m.avgLatencyMs())).put("samples", m.samples())
          .put("breaker", m.breaker()));
    }
    return out;
  }

  /** The breaker state to show for a model served by several pools: open beats half-open beats closed. */
  private static String worstBreaker(List<ModelPoolStats> list) {
    String worst = null;
    for (ModelPoolStats m : list) {
      String b = m.breaker();
      if (b != null && (worst == null || rank(b) > rank(worst))) {
        worst = b;
      }
    }
    return worst;
  }

  private static int rank(String breaker) {
    return "open".equals(breaker) ? 2 : "half_open".equals(breaker) ? 1 : 0;
  }

  /** Every pool's HTTP upstreams with their circuit breakers (one entry per pool instance and provider). */
  private static JsonArray upstreams(List<PoolStats> pools) {
    JsonArray out = new JsonArray();
    for (PoolStats p : pools) {
      for (UpstreamStats u : p.upstreams()) {
        out.add(new JsonObject().put("provider", u.provider()).put("baseUrl", u.baseUrl()).put("instance", p.nodeId())
            .put("breaker", new JsonObject().put("state", u.breaker()).put("failures", u.failures()).put("opened", u.opened())
                .put("rejected", u.rejected()).put("retryAfterSeconds", u.retryAfterSeconds()))
            .put("attempts", u.attempts()).put("retries", u.retries()));
      }
    }
    return out;
  }

  /** Live nodes with their roles. */
  private static JsonArray nodes(List<RoleAnnouncement> live) {
    Map<String, JsonObject> byNode = new LinkedHashMap<>();
    long now = System.currentTimeMillis();
    for (RoleAnnouncement a : live) {
      JsonObject node = byNode.computeIfAbsent(a.nodeId(), id -> new JsonObject().put("id", id).put("host", a.host())
          .put("roles", new JsonArray()).put("uptimeSeconds", (now - a.startedAtMs()) / 1000));
      JsonArray roles = node.getJsonArray("roles");
      if (!roles.contains(a.role())) {
        roles.add(a.role());
      }
    }
    return new JsonArray(new ArrayList<>(byNode.values()));
  }

  private static JsonObject counters(PoolCounters c) {
    return new JsonObject().put("acquire", c.acquire()).put("release", c.release()).put("warmup", c.warmup())
        .put("miss", c.miss()).put("recycle", c.recycle()).put("discard", c.discard()).put("request", c.request());
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }

  private static String describe(Throwable failure, String what) {
    return AxonException.from(failure, "The " + what).getMessage();
  }
}
