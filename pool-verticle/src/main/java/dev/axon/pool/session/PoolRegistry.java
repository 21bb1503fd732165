package dev.axon.pool.session;

import dev.axon.common.stats.ModelPoolStats;
import dev.axon.pool.provider.Provider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The pools of one pool verticle, one per served model, created on first use. Confined to the verticle's
 * context.
 */
public final class PoolRegistry {

  private final Vertx vertx;
  private final Function<String, Provider> providerForModel;
  private final Function<String, PoolSettings> settingsForModel;
  private final PoolMetrics metrics;
  private final Map<String, SessionPool> pools = new LinkedHashMap<>();

  public PoolRegistry(Vertx vertx, Function<String, Provider> providerForModel,
                      Function<String, PoolSettings> settingsForModel, PoolMetrics metrics) {
    this.vertx = vertx;
    this.providerForModel = providerForModel;
    this.settingsForModel = settingsForModel;
    this.metrics = metrics;
  }

  /** The pool of a model, started (and warming) on first use. */
  public SessionPool forModel(String model) {
    SessionPool pool = pools.get(model);
    if (pool == null) {
      pool = new SessionPool(vertx, model, providerForModel.apply(model), settingsForModel.apply(model), metrics);
      pools.put(model, pool);
      pool.warm();
    }
    return pool;
  }

  /**
   * Re-reads every pool's settings and provider: a changed size or limit resizes the pool in place; a changed
   * provider replaces the pool, the old one draining (idle sessions close now, busy ones when their turn ends).
   */
  public void reconfigure() {
    for (Map.Entry<String, SessionPool> e : new ArrayList<>(pools.entrySet())) {
      String model = e.getKey();
      SessionPool pool = e.getValue();
      Provider provider = providerForModel.apply(model);
      if (provider != pool.provider()) {
        pools.remove(model);
        pool.drain();
        forModel(model);
      } else {
        pool.resize(settingsForModel.apply(model));
      }
    }
  }

  /** The metrics hooks the pools report to. */
  public PoolMetrics metrics() {
    return metrics;
  }

  public List<ModelPoolStats> stats() {
    List<ModelPoolStats> out = new ArrayList<>(pools.size());
    pools.values().forEach(p -> out.add(p.stats()));
    return out;
  }

  public void housekeep() {
    pools.values().forEach(SessionPool::housekeep);
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    pools.values().forEach(p -> closing.add(p.close()));
    return Future.join(closing).mapEmpty();
  }
}
