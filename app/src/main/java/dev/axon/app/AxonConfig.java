package dev.axon.app;

import dev.axon.api.ApiOptions;
import dev.axon.api.ops.OpsOptions;
import dev.axon.app.ops.LogLevels;
import dev.axon.app.ops.TracingOptions;
import dev.axon.app.transport.EventLoopSpin;
import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import dev.axon.common.config.ModelCatalog;
import dev.axon.common.config.ModelRoute;
import dev.axon.pool.PoolOptions;
import dev.axon.pool.provider.Providers;
import dev.axon.store.StoreOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration, checked: the sub-tree each verticle receives, the roles this JVM runs and how many
 * API instances. Construction validates every section, so a bad value stops the start with its key named.
 */
public final class AxonConfig {

  public static final Set<String> ALL_ROLES = Set.of("api", "pool", "store");

  private final JsonObject raw;
  private final JsonObject api;
  private final JsonObject pool;
  private final JsonObject store;
  private final Set<String> roles;
  private final int apiInstances;
  private final int poolInstances;
  private final int eventLoops;
  private final EventLoopSpin eventLoopSpin;
  private final ClusterOptions cluster;
  private final JsonObject ops;
  private final OpsOptions opsOptions;
  private final JsonObject tracing;
  private final TracingOptions tracingOptions;
  private final JsonObject logging;
  private final LogLevels logLevels;

  public AxonConfig(JsonObject raw) {
    this.raw = raw.copy();
    ConfigReader root = new ConfigReader(this.raw, "");
    JsonObject models = root.child("models").raw();
    ModelCatalog catalog = ModelCatalog.fromConfig(models);

    ops = root.child("ops").raw().copy();
    opsOptions = new OpsOptions(ops);
    tracing = root.child("tracing").raw().copy();
    tracingOptions = new TracingOptions(tracing);
    logging = root.child("logging").raw().copy();
    logLevels = new LogLevels(logging);

    api = root.child("api").raw().copy();
    api.put("models", models.copy());
    api.put("ops", ops.copy());
    ConfigReader apiReader = new ConfigReader(api, "api");
    eventLoops = root.intValue("eventLoops", defaultEventLoops(Runtime.getRuntime().availableProcessors()), 1, 1024);
    apiInstances = apiReader.intValue("instances", eventLoops, 1, 256);
    eventLoopSpin = EventLoopSpin.from(root.child("eventLoopSpin"));

    pool = root.child("pool").raw().copy();
    if (!pool.containsKey("warm")) {
      pool.put("warm", new JsonArray().add(catalog.defaultModel()));
    } else {
      JsonArray warm = new JsonArray();
      for (String model : new ConfigReader(pool, "pool").strings("warm")) {
        String resolved = catalog.resolve(model);
        if (resolved == null) {
          throw new ConfigException("pool.warm", "'" + model + "' is not a served model");
        }
        warm.add(resolved);
      }
      pool.put("warm", warm);
    }
    poolInstances = new ConfigReader(pool, "pool").intValue("instances", 1, 1, 256);
    store = root.child("store").raw().copy();

    // One route table for both sides: the edge accepts the names it matches, the pool sends them to its provider.
    for (ModelRoute route : catalog.routes()) {
      if (!Providers.names().contains(route.provider())) {
        throw new ConfigException("models.routes." + route.pattern(), "unknown provider '" + route.provider() + "'; known: " + Providers.names());
      }
    }
    if (pool.containsKey("routes")) {
      throw new ConfigException("pool.routes", "the route table belongs in models.routes (the edge needs it too)");
    }
    if (!catalog.routes().isEmpty()) {
      JsonArray routes = new JsonArray();
      catalog.routes().forEach(r -> routes.add(new JsonObject().put("match", r.pattern()).put("provider", r.provider())));
      pool.put("routes", routes);
    }
    PoolOptions poolOptions = new PoolOptions(pool);
    poolOptions.checkProviders(Providers.names());
    if (!api.containsKey("turnAcceptTimeoutMs")) {
      // The edge must wait longer than a pool keeps a request in its queue, or it gives up on accepted turns.
      long poolWait = new ConfigReader(pool, "pool").longValue("acquireTimeoutMs", PoolOptions.DEFAULT_ACQUIRE_TIMEOUT_MS, 1, 3_600_000);
      api.put("turnAcceptTimeoutMs", poolWait + 10_000);
    }
    new ApiOptions(api);
    new StoreOptions(store);

    cluster = new ClusterOptions(root.child("cluster").raw());
    List<String> roleList = root.strings("roles");
    roles = new LinkedHashSet<>(roleList.isEmpty() ? List.of("store", "pool", "api") : roleList);
    for (String role : roles) {
      if (!ALL_ROLES.contains(role)) {
        throw new ConfigException("roles", "unknown role '" + role + "'; roles are api, pool and store");
      }
    }
  }

  public JsonObject raw() {
    return raw.copy();
  }

  public JsonObject api() {
    return api.copy();
  }

  public JsonObject pool() {
    return pool.copy();
  }

  public JsonObject store() {
    return store.copy();
  }

  public Set<String> roles() {
    return roles;
  }

  public int apiInstances() {
    return apiInstances;
  }

  /** Pool verticle instances of this JVM, each with its own sessions; callers prefer the one on their event loop. */
  public int poolInstances() {
    return poolInstances;
  }

  /** Vert.x event-loop threads of this JVM; the API instances default to as many. */
  public int eventLoops() {
    return eventLoops;
  }

  /** How long an idle event loop polls before it sleeps (README "Performance"). */
  public EventLoopSpin eventLoopSpin() {
    return eventLoopSpin;
  }

  /**
   * Half the cores, at least one. A request crosses the API, store and pool verticles several times; on one event loop
   * each crossing is a queue operation, across loops it wakes another thread. On 2 cores (with the load generator,
   * upstream and Valkey beside it) one loop served 4,834 and 5,366 requests/s with Valkey where four loops served 3,708
   * and 3,510, at 180–206 instead of 290–338 µs of gateway CPU per request; the other core is left to the JIT, GC and
   * the log writer.
   */
  static int defaultEventLoops(int cores) {
    return Math.max(1, cores / 2);
  }

  public ClusterOptions cluster() {
    return cluster;
  }

  /** The {@code ops} section (also passed to the API under {@code api.ops}). */
  public JsonObject ops() {
    return ops.copy();
  }

  public OpsOptions opsOptions() {
    return opsOptions;
  }

  /** The {@code tracing} section. */
  public JsonObject tracing() {
    return tracing.copy();
  }

  public TracingOptions tracingOptions() {
    return tracingOptions;
  }

  /** The {@code logging} section. */
  public JsonObject logging() {
    return logging.copy();
  }

  public LogLevels logLevels() {
    return logLevels;
  }
}
