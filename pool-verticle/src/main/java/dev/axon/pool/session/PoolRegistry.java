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
    return forModel(model, providerForModel.apply(model));
  }

  /** The pool of a model on one provider (a fallback's pool is one too), started on first use. */
  public SessionPool forModel(String model, Provider provider) {
    String key = key(model, provider.name());
    SessionPool pool = pools.get(key);
    if (pool == null) {
      pool = new SessionPool(vertx, model, provider, settingsForModel.apply(model), metrics);
      pools.put(key, pool);
      pool.warm();
    }
    return pool;
  }

  private static String key(String model, String provider) {
    return model + "\u0000" + provider;
  }

  /**
   * Re-reads every pool's settings and provider: a changed size or limit resizes the pool in place; a changed
   * provider replaces the pool, the old one draining (idle sessions close now, busy ones when their turn ends).
   */
  public void reconfigure(java.util.function.Function<String, List<Provider>> chainForModel) {
    for (Map.Entry<String, SessionPool> e : new ArrayList<>(pools.entrySet())) {
      SessionPool pool = e.getValue();
      String model = pool.model();
      if (!chainForModel.apply(model).contains(pool.provider())) {
        pools.remove(e.getKey());
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
