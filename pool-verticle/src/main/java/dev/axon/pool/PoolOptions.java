package dev.axon.pool;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import dev.axon.common.config.ModelRoute;
import dev.axon.pool.session.PoolSettings;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Options of the pool verticle, from the {@code pool} section of the configuration. Durations in
 * milliseconds. Per-model overrides live under {@code pool.models.<model>}; provider-specific options under
 * {@code pool.<provider>} (e.g. {@code pool.mock}); the model → provider route table under {@code pool.routes}
 * (the launcher copies {@code models.routes} there).
 *
 * <p>The provider of a model is, in order: its own {@code pool.models.<model>.provider}, the provider of the first
 * route whose pattern matches it, the pool-wide {@code pool.provider}.
 */
public final class PoolOptions {

  /** The provider of every model without its own. */
  public static final String DEFAULT_PROVIDER = "mock";
  /** Sessions kept warm per model. */
  public static final int DEFAULT_SIZE = 3;
  /** Turns a session serves, warm-up included, before it is recycled. */
  public static final int DEFAULT_MAX_TURNS = 200;
  /** How long a request may wait for a session before it gets 429. */
  public static final long DEFAULT_ACQUIRE_TIMEOUT_MS = 30_000;
  /** Requests that may wait for a session at once, per model. */
  public static final int DEFAULT_MAX_WAITING = 256;
  /** A reset that takes longer discards the session. */
  public static final long DEFAULT_RESET_TIMEOUT_MS = 30_000;
  /** A turn that takes longer is stopped with a timeout error and its session discarded. */
  public static final long DEFAULT_TURN_TIMEOUT_MS = 600_000;
  /** A silent producer sends a heartbeat this often, so its caller can tell "slow" from "dead". */
  public static final long DEFAULT_HEARTBEAT_MS = 5_000;
  /** A session held longer is reported in the log with the request that holds it. */
  public static final long DEFAULT_LEAK_DETECTION_MS = 900_000;
  /** Sessions above the pool size that sit idle this long are closed. */
  public static final long DEFAULT_IDLE_TRIM_MS = 60_000;
  /** On shutdown, running turns may finish for this long before they are stopped. */
  public static final long DEFAULT_DRAIN_TIMEOUT_MS = 20_000;
  /** How often the housekeeper runs. */
  public static final long DEFAULT_HOUSEKEEPING_MS = 1_000;

  private final String provider;
  private final int size;
  private final int max;
  private final int maxTurns;
  private final long acquireTimeoutMs;
  private final int maxWaiting;
  private final long resetTimeoutMs;
  private final long turnTimeoutMs;
  private final long heartbeatMs;
  private final long leakDetectionMs;
  private final long idleTrimMs;
  private final long housekeepingMs;
  private final long drainTimeoutMs;
  private final List<String> warm;
  private final Map<String, ModelOverride> models;
  private final List<ModelRoute> routes;
  private final List<String> fallback;
  private final JsonObject raw;

  /** A model's own pool size, maximum and provider; null fields fall back to the pool-wide values. */
  public record ModelOverride(Integer size, Integer max, String provider, List<String> fallback) {
  }

  public PoolOptions(JsonObject json) {
    ConfigReader r = new ConfigReader(json, "pool");
    raw = json == null ? new JsonObject() : json.copy();
    provider = r.string("provider", DEFAULT_PROVIDER);
    size = r.intValue("size", DEFAULT_SIZE, 0, 10_000);
    max = r.intValue("max", Math.max(1, 2 * size), 1, 20_000);
    if (max < size) {
      throw new ConfigException("pool.max", "must be at least pool.size (" + size + "), got " + max);
    }
    maxTurns = r.intValue("maxTurns", DEFAULT_MAX_TURNS, 2, 1_000_000);
    acquireTimeoutMs = r.longValue("acquireTimeoutMs", DEFAULT_ACQUIRE_TIMEOUT_MS, 1, 3_600_000);
    maxWaiting = r.intValue("maxWaiting", DEFAULT_MAX_WAITING, 0, 1_000_000);
    resetTimeoutMs = r.longValue("resetTimeoutMs", DEFAULT_RESET_TIMEOUT_MS, 1, 3_600_000);
    turnTimeoutMs = r.longValue("turnTimeoutMs", DEFAULT_TURN_TIMEOUT_MS, 1, 86_400_000);
    heartbeatMs = r.longValue("heartbeatMs", DEFAULT_HEARTBEAT_MS, 10, 600_000);
    leakDetectionMs = r.longValue("leakDetectionMs", DEFAULT_LEAK_DETECTION_MS, 0, 86_400_000);
    idleTrimMs = r.longValue("idleTrimMs", DEFAULT_IDLE_TRIM_MS, 0, 86_400_000);
    housekeepingMs = r.longValue("housekeepingMs", DEFAULT_HOUSEKEEPING_MS, 10, 600_000);
    drainTimeoutMs = r.longValue("drainTimeoutMs", DEFAULT_DRAIN_TIMEOUT_MS, 0, 3_600_000);
    warm = r.strings("warm");
    routes = ModelRoute.read(r, "routes");
    fallback = List.copyOf(r.strings("fallback"));
    models = new LinkedHashMap<>();
    ConfigReader perModel = r.child("models");
    for (String model : perModel.raw().fieldNames()) {
      ConfigReader m = perModel.child(model);
      Integer s = m.has("size") ? m.intValue("size", size, 0, 10_000) : null;
      Integer x = m.has("max") ? m.intValue("max", max, 1, 20_000) : null;
      int effectiveSize = s != null ? s : size;
      int effectiveMax = x != null ? x : Math.max(max, effectiveSize);
      if (effectiveMax < effectiveSize) {
        throw new ConfigException("pool.models." + model + ".max", "must be at least the model's size (" + effectiveSize + ")");
      }
      models.put(model, new ModelOverride(s, x, m.string("provider", null), m.has("fallback") ? List.copyOf(m.strings("fallback")) : null));
    }
  }

  /** Fails with the key of the first provider name that is not one of {@code known}. */
  public void checkProviders(Set<String> known) {
    if (!known.contains(provider)) {
      throw new ConfigException("pool.provider", "unknown provider '" + provider + "'; known: " + known);
    }
    models.forEach((model, o) -> {
      if (o.provider() != null && !known.contains(o.provider())) {
        throw new ConfigException("pool.models." + model + ".provider", "unknown provider '" + o.provider() + "'; known: " + known);
      }
    });
    for (ModelRoute route : routes) {
      if (!known.contains(route.provider())) {
        throw new ConfigException("pool.routes." + route.pattern(), "unknown provider '" + route.provider() + "'; known: " + known);
      }
    }
    for (String name : fallback) {
      if (!known.contains(name)) {
        throw new ConfigException("pool.fallback", "unknown provider '" + name + "'; known: " + known);
      }
    }
    models.forEach((model, o) -> {
      if (o.fallback() != null) {
        for (String name : o.fallback()) {
          if (!known.contains(name)) {
            throw new ConfigException("pool.models." + model + ".fallback", "unknown provider '" + name + "'; known: " + known);
          }
        }
      }
    });
  }

  /**
   * The providers to try for a model, in order: its own provider, then its fallback chain
   * ({@code pool.models.<model>.fallback}, else {@code pool.fallback}), without repeats.
   */
  public List<String> providerChain(String model) {
    java.util.LinkedHashSet<String> chain = new java.util.LinkedHashSet<>();
    chain.add(providerFor(model));
    ModelOverride o = models.get(model);
    chain.addAll(o != null && o.fallback() != null ? o.fallback() : fallback);
    return List.copyOf(chain);
  }

  /** The provider serving a model: its own override, else the first matching route, else the pool-wide provider. */
  public String providerFor(String model) {
    ModelOverride o = models.get(model);
    if (o != null && o.provider() != null) {
      return o.provider();
    }
    String routed = ModelRoute.providerFor(routes, model);
    return routed != null ? routed : provider;
  }

  /** The route table, in match order. */
  public List<ModelRoute> routes() {
    return routes;
  }

  public PoolSettings settingsFor(String model) {
    ModelOverride o = models.get(model);
    int s = o != null && o.size() != null ? o.size() : size;
    int x = o != null && o.max() != null ? o.max() : Math.max(max, s);
    return new PoolSettings(s, x, maxTurns, acquireTimeoutMs, maxWaiting, resetTimeoutMs, leakDetectionMs, idleTrimMs);
  }

  /** The options of one provider ({@code pool.<name>}), empty when absent. */
  public JsonObject providerOptions(String name) {
    JsonObject o = raw.getJsonObject(name);
    return o == null ? new JsonObject() : o;
  }

  /** Every provider some model uses. */
  public Set<String> providersInUse() {
    Set<String> names = new java.util.LinkedHashSet<>();
    names.add(provider);
    models.values().forEach(o -> {
      if (o.provider() != null) {
        names.add(o.provider());
      }
    });
    routes.forEach(r -> names.add(r.provider()));
    names.addAll(fallback);
    models.values().forEach(o -> {
      if (o.fallback() != null) {
        names.addAll(o.fallback());
      }
    });
    return names;
  }

  public String provider() {
    return provider;
  }

  public List<String> warm() {
    return warm;
  }

  public long turnTimeoutMs() {
    return turnTimeoutMs;
  }

  public long heartbeatMs() {
    return heartbeatMs;
  }

  public long housekeepingMs() {
    return housekeepingMs;
  }

  public long drainTimeoutMs() {
    return drainTimeoutMs;
  }
}
