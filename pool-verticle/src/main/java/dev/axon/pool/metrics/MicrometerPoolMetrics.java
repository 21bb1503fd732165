package dev.axon.pool.metrics;

import dev.axon.common.bus.Addresses;

import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolCounters;
import dev.axon.common.upstream.BreakerChange;
import dev.axon.pool.session.CloseReason;
import dev.axon.pool.session.PoolMetrics;
import dev.axon.common.metrics.MeterCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * {@link PoolMetrics} on a Micrometer registry, for every pool verticle of one node:
 * <ul>
 *   <li>{@code axon_pool_sessions{model,state}} — idle, busy and pending (starting) sessions; {@code axon_pool_waiting{model}}
 *       — callers queued for a session; {@code axon_pool_ready{model}} — 1 when the model's pool can serve;</li>
 *   <li>{@code axon_pool_<counter>_total{model}} for acquire, release, warmup, miss, recycle, discard and request —
 *       the pool's own counters, kept monotonic when a pool is replaced or a pool verticle stops;</li>
 *   <li>{@code axon_pool_queue_wait_seconds{model}} — how long callers waited for a session (0 when one was idle);
 *       {@code axon_pool_turn_seconds{model}} — from acquire to release;
 *       {@code axon_pool_sessions_closed_total{model,reason}};</li>
 *   <li>{@code axon_upstream_errors_total{model,provider,kind}} — turns the provider failed;
 *       {@code axon_upstream_breaker_state{provider,upstream,state}} — how many of the upstream's breakers (one per
 *       pool verticle instance) are in each state.</li>
 * </ul>
 * Gauges and pool counters come from the snapshots the pool verticles report each housekeeping period
 * ({@link #recordPools}), so they may lag by one period; several pool verticles on a node add up.
 */
public final class MicrometerPoolMetrics implements PoolMetrics {

  /** The states a breaker can be in. */
  public static final List<String> BREAKER_STATES = List.of("closed", "open", "half_open");

  private static final Duration[] WAIT_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private static final Duration[] TURN_BUCKETS = {
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofSeconds(120), Duration.ofSeconds(300)};

  private final MeterRegistry registry;
  /** The latest snapshot of each pool verticle instance: model → stats. */
  private final Map<String, Map<String, ModelPoolStats>> snapshots = new ConcurrentHashMap<>();
  /** Counts of pools that went away (replaced, or their verticle stopped), per model, so counters never go back. */
  private final Map<String, PoolCounters> retired = new ConcurrentHashMap<>();
  private final Set<String> modelsWithMeters = ConcurrentHashMap.newKeySet();
  /** Each upstream's breakers, by provider and upstream: breaker id → state (every pool verticle instance has its own). */
  private final Map<String, Map<String, String>> breakers = new ConcurrentHashMap<>();

  private final MeterCache<Timer> queueWait;
  private final MeterCache<Timer> turns;
  private final MeterCache<Counter> closed;
  private final MeterCache<Counter> upstreamErrors;

  public MicrometerPoolMetrics(MeterRegistry registry) {
    this.registry = registry;
    queueWait = new MeterCache<>(t -> Timer.builder("axon.pool.queue.wait")
        .description("How long a caller waited for a session (0 when one was idle)")
        .tag("model", t.get(0)).serviceLevelObjectives(WAIT_BUCKETS).register(registry));
    turns = new MeterCache<>(t -> Timer.builder("axon.pool.turn").description("A session's time with one turn, from acquire to release")
        .tag("model", t.get(0)).serviceLevelObjectives(TURN_BUCKETS).register(registry));
    closed = new MeterCache<>(t -> Counter.builder("axon.pool.sessions.closed").description("Sessions closed, by reason")
        .tag("model", t.get(0)).tag("reason", t.get(1)).register(registry));
    upstreamErrors = new MeterCache<>(t -> Counter.builder("axon.upstream.errors").description("Turns the provider failed, by error kind")
        .tag("model", t.get(0)).tag("provider", t.get(1)).tag("kind", t.get(2)).register(registry));
  }

  /**
   * Also counts the breaker changes the HTTP providers publish on this node ({@link Addresses#UPSTREAM_BREAKER}; a local
   * consumer, so each node reports its own breakers). The consumer lives as long as the Vert.x instance (or until the
   * returned consumer is unregistered).
   */
  public MessageConsumer<BreakerChange> listenForBreakers(Vertx vertx) {
    return vertx.eventBus().localConsumer(Addresses.UPSTREAM_BREAKER, m -> recordBreaker(m.body()));
  }

  @Override
  public void recordAcquireNanos(String model, long nanos) {
    queueWait.get(model).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void recordTurnMillis(String model, long millis) {
    turns.get(model).record(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void recordClose(String model, CloseReason reason) {
    closed.get(model, reason.name().toLowerCase(Locale.ROOT)).increment();
  }

  @Override
  public void recordUpstreamError(String model, String provider, ErrorKind kind) {
    upstreamErrors.get(model, provider, kind.name().toLowerCase(Locale.ROOT)).increment();
  }

  @Override
  public void recordBreaker(BreakerChange change) {
    String upstream = change.provider() + "\u0000" + change.upstream();
    if (BreakerChange.RETIRED.equals(change.to())) {
      // The upstream's last breaker gone (a provider stopped, an upstream configured away): its gauges go too, instead
      // of reporting zeros for an upstream this node no longer has.
      breakers.computeIfPresent(upstream, (key, states) -> {
        states.remove(change.breakerId());
        if (!states.isEmpty()) {
          return states;
        }
        registry.find("axon.upstream.breaker.state").tags("provider", change.provider(), "upstream", change.upstream())
            .meters().forEach(registry::remove);
        return null;
      });
      return;
    }
    Map<String, String> states = breakers.computeIfAbsent(upstream, key -> {
      Map<String, String> fresh = new ConcurrentHashMap<>();
      for (String s : BREAKER_STATES) {
        Gauge.builder("axon.upstream.breaker.state", fresh, b -> b.values().stream().filter(s::equals).count())
            .description("How many of the upstream's circuit breakers (one per pool verticle instance) are in this state")
            .tag("provider", change.provider()).tag("upstream", change.upstream()).tag("state", s).strongReference(true)
            .register(registry);
      }
      return fresh;
    });
    states.put(change.breakerId(), change.to());
  }

  @Override
  public void recordPools(String poolInstanceId, List<ModelPoolStats> pools) {
    Map<String, ModelPoolStats> next = new ConcurrentHashMap<>();
    pools.forEach(p -> next.put(p.model(), p));
    Map<String, ModelPoolStats> previous = snapshots.put(poolInstanceId, next);
    if (previous != null) {
      // A pool that disappeared, or was replaced (its counters restarted), leaves its counts behind.
      previous.forEach((model, before) -> {
        ModelPoolStats now = next.get(model);
        if (now == null || now.counters().acquire() < before.counters().acquire()
            || now.counters().warmup() < before.counters().warmup() || now.counters().request() < before.counters().request()) {
          retired.merge(model, before.counters(), PoolCounters::plus);
        }
      });
    }
    if (pools.isEmpty()) {
      snapshots.remove(poolInstanceId);
    }
    pools.forEach(p -> registerModel(p.model()));
  }

  private void registerModel(String model) {
    if (!modelsWithMeters.add(model)) {
      return;
    }
    gauge("axon.pool.sessions", "Sessions of the model's pools by state", model, "state", "idle", ModelPoolStats::idle);
    gauge("axon.pool.sessions", "Sessions of the model's pools by state", model, "state", "busy", ModelPoolStats::busy);
    gauge("axon.pool.sessions", "Sessions of the model's pools by state", model, "state", "pending", ModelPoolStats::pending);
    gauge("axon.pool.waiting", "Callers queued for a session", model, null, null, ModelPoolStats::waiting);
    Gauge.builder("axon.pool.ready", this, m -> m.anyReady(model) ? 1 : 0)
        .description("1 when a pool of the model has a live session").tag("model", model).strongReference(true).register(registry);
    counter("acquire", "Sessions handed out", model, PoolCounters::acquire);
    counter("release", "Sessions given back after a turn", model, PoolCounters::release);
    counter("warmup", "Sessions started (warm-up counts as a turn)", model, PoolCounters::warmup);
    counter("miss", "Acquires that found no idle session", model, PoolCounters::miss);
    counter("recycle", "Sessions closed after their maximum number of turns", model, PoolCounters::recycle);
    counter("discard", "Sessions closed because they failed", model, PoolCounters::discard);
    counter("request", "Turn requests received", model, PoolCounters::request);
  }

  private void gauge(String name, String description, String model, String tagKey, String tagValue, ToDoubleFunction<ModelPoolStats> value) {
    Gauge.Builder<MicrometerPoolMetrics> b = Gauge.builder(name, this, m -> m.sum(model, value))
        .description(description).tag("model", model).strongReference(true);
    if (tagKey != null) {
      b.tag(tagKey, tagValue);
    }
    b.register(registry);
  }

  private void counter(String name, String description, String model, ToLongFunction<PoolCounters> value) {
    FunctionCounter.builder("axon.pool." + name, this, m -> m.total(model, value))
        .description(description).tag("model", model).register(registry);
  }

  private double sum(String model, ToDoubleFunction<ModelPoolStats> value) {
    double total = 0;
    for (Map<String, ModelPoolStats> snapshot : snapshots.values()) {
      ModelPoolStats s = snapshot.get(model);
      if (s != null) {
        total += value.applyAsDouble(s);
      }
    }
    return total;
  }

  private double total(String model, ToLongFunction<PoolCounters> value) {
    PoolCounters gone = retired.get(model);
    double total = gone == null ? 0 : value.applyAsLong(gone);
    for (Map<String, ModelPoolStats> snapshot : snapshots.values()) {
      ModelPoolStats s = snapshot.get(model);
      if (s != null) {
        total += value.applyAsLong(s.counters());
      }
    }
    return total;
  }

  private boolean anyReady(String model) {
    for (Map<String, ModelPoolStats> snapshot : snapshots.values()) {
      ModelPoolStats s = snapshot.get(model);
      if (s != null && s.ready()) {
        return true;
      }
    }
    return false;
  }
}
