package dev.axon.api.ops;

import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.http.Responses;
import dev.axon.common.bus.Addresses;
import dev.axon.common.error.AxonException;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolCounters;
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.stats.StoreStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Liveness, readiness and statistics endpoints. */
public final class OpsHandlers {

  private final Vertx vertx;
  private final ConversationClient store;
  private final DeliveryOptions delivery;

  public OpsHandlers(Vertx vertx, ConversationClient store, long timeoutMs) {
    this.vertx = vertx;
    this.store = store;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** {@code GET /healthz}: the process answers. */
  public void liveness(RoutingContext rc) {
    Responses.json(rc, 200, new JsonObject().put("status", "ok").toBuffer());
  }

  /** {@code GET /health}: 200 only when the store answers and the pool has a ready session. */
  public void readiness(RoutingContext rc) {
    Future<StoreStats> storeCheck = store.stats();
    Future<PoolHealth> poolCheck = vertx.eventBus().<PoolHealth>request(Addresses.POOL_HEALTH, null, delivery).map(Message::body);
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
      Responses.json(rc, storeOk && poolOk ? 200 : 503, body.toBuffer());
    });
  }

  /** {@code GET /stats}: pool gauges and counters, and the live conversation count. */
  public void stats(RoutingContext rc) {
    Future<StoreStats> storeStats = store.stats();
    Future<PoolStats> poolStats = vertx.eventBus().<PoolStats>request(Addresses.POOL_STATS, null, delivery).map(Message::body);
    Future.join(storeStats, poolStats).onComplete(ar -> {
      JsonObject body = new JsonObject();
      PoolStats pool = poolStats.succeeded() ? poolStats.result() : PoolStats.of("unavailable", java.util.List.of());
      body.put("sessions", new JsonObject().put("idle", pool.idle()).put("busy", pool.busy())
          .put("pending", pool.pending()).put("waiting", pool.waiting()));
      JsonArray models = new JsonArray();
      for (ModelPoolStats m : pool.models()) {
        models.add(new JsonObject().put("model", m.model()).put("provider", m.provider())
            .put("idle", m.idle()).put("busy", m.busy()).put("pending", m.pending()).put("waiting", m.waiting())
            .put("ready", m.ready()).put("lastError", m.lastError())
            .put("counters", counters(m.counters())).put("avgLatencyMs", round(m.avgLatencyMs())).put("samples", m.samples()));
      }
      body.put("pool", new JsonObject().put("counters", counters(pool.counters()))
          .put("avgLatencyMs", round(pool.avgLatencyMs())).put("samples", pool.samples())
          .put("models", models).put("status", poolStats.succeeded() ? "ok" : describe(poolStats.cause(), "pool")));
      body.put("conversations", storeStats.succeeded() ? storeStats.result().conversations() : null);
      body.put("store", new JsonObject()
          .put("backend", storeStats.succeeded() ? storeStats.result().backend() : null)
          .put("status", storeStats.succeeded() ? "ok" : describe(storeStats.cause(), "store")));
      Responses.json(rc, 200, body.toBuffer());
    });
  }

  private static JsonObject counters(PoolCounters c) {
    return new JsonObject().put("acquire", c.acquire()).put("release", c.release()).put("warmup", c.warmup())
        .put("miss", c.miss()).put("recycle", c.recycle()).put("discard", c.discard()).put("request", c.request());
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }

  private static String describe(Throwable failure, String what) {
    AxonException e = AxonException.from(failure, "The " + what);
    return e.getMessage();
  }
}
