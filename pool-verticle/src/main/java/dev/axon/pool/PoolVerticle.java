package dev.axon.pool;

import dev.axon.common.bus.Addresses;
import dev.axon.common.catalog.ListedModel;
import dev.axon.common.catalog.ModelList;
import dev.axon.common.cluster.Announcer;
import dev.axon.common.cluster.EventLoopAffinity;
import dev.axon.common.cluster.NodeId;
import dev.axon.common.cluster.RoleAnnouncement;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.stats.UpstreamStats;
import dev.axon.common.tokens.CountTokens;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnRequest;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Providers;
import dev.axon.pool.session.PoolMetrics;
import dev.axon.pool.session.PoolRegistry;
import dev.axon.pool.turn.TokenCounting;
import dev.axon.pool.turn.TurnRunner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool role: session pools per model behind the turn protocol. Its configuration is the {@code pool}
 * section. Each instance keeps its own pools, confined to its context; a JVM runs {@code pool.instances} of them
 * (callers prefer the one on their own event loop).
 */
public class PoolVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PoolVerticle.class);
  private static final int MAX_REMEMBERED_CHAINS = 1024;

  private final String instanceId = UUID.randomUUID().toString();
  private final PoolMetrics metrics;
  /** The pool section, or null to read it from the deployment's options. */
  private final JsonObject configuration;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Cancels for running turns: still heard while they drain, so a caller whose client left can free its session. */
  private MessageConsumer<TurnCancel> cancels;
  private final Map<String, Provider> providers = new LinkedHashMap<>();
  private final Map<String, List<Provider>> chains = new HashMap<>();
  private PoolOptions options;
  private PoolRegistry pools;
  private TurnRunner runner;
  private long housekeeper = -1;
  private long heartbeats = -1;
  private Announcer announcer;

  /** A pool verticle without metrics. */
  public PoolVerticle() {
    this(PoolMetrics.NONE);
  }

  /** A pool verticle whose pools report to {@code metrics} (shared by every pool verticle of the node). */
  public PoolVerticle(PoolMetrics metrics) {
    this(metrics, null);
  }

  /**
   * A pool verticle configured by {@code configuration} instead of its deployment's options. Vert.x copies a
   * deployment's options, configuration included, into every context it makes, and its HTTP client makes one for each
   * request: a configuration handed over here is not copied once per upstream request (0.6 % of the
   * {@code anthropic} path's CPU with the launcher's pool section).
   */
  public PoolVerticle(PoolMetrics metrics, JsonObject configuration) {
    this.metrics = metrics;
    this.configuration = configuration;
  }

  @Override
  public Future<?> start() {
    options = new PoolOptions(configuration != null ? configuration : config());
    options.checkProviders(Providers.names());
    for (String name : options.providersInUse()) {
      providers.put(name, Providers.create(name, vertx, options.providerOptions(name)));
    }
    pools = new PoolRegistry(vertx, model -> providers.get(options.providerFor(model)), model -> options.settingsFor(model), metrics);
    String controlAddress = Addresses.turnControl(instanceId);
    runner = new TurnRunner(vertx, pools, this::providerChain, controlAddress, options.turnTimeoutMs(), options.heartbeatMs());

    EventBus bus = vertx.eventBus();
    consumers.add(bus.<TurnRequest>consumer(Addresses.POOL_TURN, runner::handle));
    consumers.add(bus.<TurnRequest>consumer(Addresses.poolTurn(instanceId), runner::handle));
    cancels = bus.consumer(controlAddress, m -> runner.cancel(m.body()));
    TokenCounting counting = new TokenCounting(this::providerChain);
    consumers.add(bus.<CountTokens>consumer(Addresses.POOL_COUNT_TOKENS, counting::handle));
    consumers.add(bus.consumer(Addresses.POOL_STATS, m -> m.reply(stats())));
    consumers.add(bus.consumer(Addresses.poolStats(instanceId), m -> m.reply(stats())));
    consumers.add(bus.consumer(Addresses.POOL_HEALTH, m -> m.reply(health())));
    consumers.add(bus.consumer(Addresses.POOL_MODELS, m -> listModels().onComplete(ar -> m.reply(ar.succeeded() ? ar.result() : ModelList.EMPTY))));
    consumers.add(bus.<JsonObject>consumer(Addresses.CONFIG_POOL, m -> reconfigure(m.body())));

    options.warm().forEach(pools::forModel);
    long startedAt = System.currentTimeMillis();
    announcer = new Announcer(vertx, () -> new RoleAnnouncement(NodeId.CURRENT, NodeId.host(), "pool", instanceId, startedAt,
        System.currentTimeMillis(), Addresses.poolTurn(instanceId), stats(), health()));
    announcer.start();
    EventLoopAffinity.register(vertx, Addresses.poolTurn(instanceId));
    housekeeper = vertx.setPeriodic(options.housekeepingMs(), t -> {
      pools.housekeep();
      metrics.recordPools(instanceId, pools.stats());
    });
    heartbeats = vertx.setPeriodic(Math.max(10, options.heartbeatMs() / 2), t -> runner.heartbeat());
    log.info("pool ready: provider {}, warming {}", options.provider(), options.warm());
    List<Future<?>> ready = new ArrayList<>();
    consumers.forEach(c -> ready.add(c.completion()));
    ready.add(cancels.completion());
    return Future.all(ready);
  }

  /** The pools' gauges, with the state of the circuit breaker in front of each model's upstream, and the upstreams. */
  private PoolStats stats() {
    List<ModelPoolStats> models = new ArrayList<>();
    for (ModelPoolStats m : pools.stats()) {
      Provider p = providers.get(options.providerFor(m.model()));
      UpstreamStats upstream = p == null ? null : p.upstreamStats();
      models.add(upstream == null ? m : m.withBreaker(upstream.breaker()));
    }
    List<UpstreamStats> upstreams = new ArrayList<>();
    providers.values().forEach(p -> {
      UpstreamStats u = p.upstreamStats();
      if (u != null) {
        upstreams.add(u);
      }
    });
    return PoolStats.of(instanceId, models, upstreams);
  }

  /** The models the providers' upstreams list and this pool routes to those providers. */
  private Future<ModelList> listModels() {
    List<Future<List<ListedModel>>> asks = new ArrayList<>();
    providers.values().forEach(p -> asks.add(p.listModels().timeout(5, TimeUnit.SECONDS).otherwise(List.of())));
    return Future.join(asks).transform(ar -> {
      List<ListedModel> out = new ArrayList<>();
      for (Future<List<ListedModel>> f : asks) {
        if (f.succeeded()) {
          for (ListedModel m : f.result()) {
            if (m.provider().equals(options.providerFor(m.id()))) {
              out.add(m);
            }
          }
        }
      }
      return Future.succeededFuture(new ModelList(out));
    });
  }

  /**
   * The providers to try for a model, in order: its own, then its fallbacks. Remembered per model until the
   * configuration changes (matching the routes for every turn showed in profiles); model names come from clients,
   * so the memory is bounded.
   */
  private List<Provider> providerChain(String model) {
    List<Provider> known = chains.get(model);
    if (known != null) {
      return known;
    }
    List<Provider> chain = new ArrayList<>();
    for (String name : options.providerChain(model)) {
      chain.add(providers.get(name));
    }
    if (chains.size() >= MAX_REMEMBERED_CHAINS) {
      chains.clear();
    }
    List<Provider> remembered = Collections.unmodifiableList(chain);
    chains.put(model, remembered);
    return remembered;
  }

  /**
   * Applies a configuration change: pool sizes and limits (pools grow at once and shrink as sessions come back),
   * turn timeouts, provider options; a model whose provider changed gets a new pool while the old one drains.
   */
  private void reconfigure(JsonObject json) {
    PoolOptions next;
    try {
      next = new PoolOptions(json);
      next.checkProviders(Providers.names());
    } catch (RuntimeException e) {
      log.error("configuration change rejected by the pool: {}", e.getMessage());
      return;
    }
    options = next;
    chains.clear();
    for (String name : next.providersInUse()) {
      Provider provider = providers.get(name);
      if (provider == null) {
        providers.put(name, Providers.create(name, vertx, next.providerOptions(name)));
      } else {
        provider.reconfigure(next.providerOptions(name));
      }
    }
    runner.setLimits(next.turnTimeoutMs(), next.heartbeatMs());
    pools.reconfigure(this::providerChain);
    next.warm().forEach(pools::forModel);
    log.info("pool configuration applied: provider {}, warm {}", next.provider(), next.warm());
  }

  /** Ready when every warmed model has a live session (or, with nothing warmed, when any pool has one). */
  private PoolHealth health() {
    List<ModelPoolStats> stats = pools.stats();
    List<String> problems = new ArrayList<>();
    boolean anyReady = false;
    for (ModelPoolStats s : stats) {
      anyReady |= s.ready();
      if (!s.ready() && (options.warm().contains(s.model()) || options.warm().isEmpty())) {
        problems.add(s.model() + ": no live session" + (s.lastError() != null ? " (" + s.lastError() + ")" : s.pending() > 0 ? " yet (warming)" : ""));
      }
    }
    if (stats.isEmpty()) {
      problems.add("no model pool has been started");
    }
    boolean ready = problems.isEmpty() || (options.warm().isEmpty() && anyReady);
    return new PoolHealth(ready, ready ? "ok" : String.join("; ", problems));
  }

  /**
   * Stops gracefully: no new turns are taken (the consumers go first, so callers pick another pool), running
   * turns may finish within {@code pool.drainTimeoutMs} (their callers can still cancel them meanwhile), then
   * whatever still runs is stopped and its callers told, and every session is closed.
   */
  @Override
  public Future<?> stop() {
    if (announcer != null) {
      announcer.stop();
    }
    EventLoopAffinity.unregister(vertx, Addresses.poolTurn(instanceId));
    List<Future<?>> unregistering = new ArrayList<>();
    consumers.forEach(c -> unregistering.add(c.unregister()));
    return Future.join(unregistering)
        .compose(v -> runner == null ? Future.succeededFuture() : runner.drain(options.drainTimeoutMs()))
        .compose(v -> {
          vertx.cancelTimer(housekeeper);
          vertx.cancelTimer(heartbeats);
          if (runner != null) {
            runner.close();
          }
          List<Future<?>> closing = new ArrayList<>();
          if (cancels != null) {
            closing.add(cancels.unregister());
          }
          if (pools != null) {
            closing.add(pools.close());
          }
          providers.values().forEach(p -> closing.add(p.close()));
          return Future.join(closing).onComplete(ar -> metrics.recordPools(instanceId, List.of()));
        });
  }
}
