package dev.axon.pool.tests;

import dev.axon.common.bus.Addresses;

import static dev.axon.pool.tests.PoolVerticleTest.say;
import static dev.axon.pool.tests.Steps.delay;
import static dev.axon.pool.tests.Steps.eventually;
import static dev.axon.pool.tests.Steps.onContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolCounters;
import dev.axon.common.upstream.BreakerChange;
import dev.axon.pool.PoolVerticle;
import dev.axon.pool.metrics.MicrometerPoolMetrics;
import dev.axon.pool.session.Lease;
import dev.axon.pool.session.PoolMetrics;
import dev.axon.pool.session.PoolSettings;
import dev.axon.pool.session.SessionPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import io.vertx.junit5.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pool's meters: gauges and counters over every pool verticle of a node (monotonic when a pool is replaced or a
 * verticle stops), breaker states from the HTTP providers' announcements, upstream errors, queue wait and turn
 * times from a real pool verticle; and a queued caller served later continues on its own context.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class PoolMetricsTest {

  static final String MODEL = "claude-sonnet-4-6";

  static ModelPoolStats stats(int idle, int busy, int pending, int waiting, long acquire, boolean ready) {
    return new ModelPoolStats(MODEL, "mock", idle, busy, pending, waiting,
        new PoolCounters(acquire, acquire, 2, 1, 0, 0, acquire), 10, acquire, ready, null);
  }

  static double gauge(MeterRegistry r, String name, String... tags) {
    Gauge g = r.find(name).tags(tags).gauge();
    assertNotNull(g, name + " " + List.of(tags));
    return g.value();
  }

  static double counter(MeterRegistry r, String name, String... tags) {
    FunctionCounter c = r.find(name).tags(tags).functionCounter();
    if (c != null) {
      return c.count();
    }
    io.micrometer.core.instrument.Counter plain = r.find(name).tags(tags).counter();
    assertNotNull(plain, name + " " + List.of(tags));
    return plain.count();
  }

  @Test
  void gaugesAddUpOverPoolVerticlesAndCountersNeverGoBack() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerPoolMetrics metrics = new MicrometerPoolMetrics(registry);
    metrics.recordPools("a", List.of(stats(2, 1, 0, 3, 10, true)));
    metrics.recordPools("b", List.of(stats(1, 0, 1, 0, 5, false)));
    assertEquals(3, gauge(registry, "axon.pool.sessions", "model", MODEL, "state", "idle"));
    assertEquals(1, gauge(registry, "axon.pool.sessions", "model", MODEL, "state", "busy"));
    assertEquals(1, gauge(registry, "axon.pool.sessions", "model", MODEL, "state", "pending"));
    assertEquals(3, gauge(registry, "axon.pool.waiting", "model", MODEL));
    assertEquals(1, gauge(registry, "axon.pool.ready", "model", MODEL));
    assertEquals(15, counter(registry, "axon.pool.acquire", "model", MODEL));
    assertEquals(4, counter(registry, "axon.pool.warmup", "model", MODEL));

    // Pool a was replaced (a provider change): its new pool starts from zero, its old counts stay.
    metrics.recordPools("a", List.of(stats(1, 0, 0, 0, 2, true)));
    assertEquals(10 + 2 + 5, counter(registry, "axon.pool.acquire", "model", MODEL));
    // Pool verticle b stopped: its gauges leave, its counts stay.
    metrics.recordPools("b", List.of());
    assertEquals(1, gauge(registry, "axon.pool.sessions", "model", MODEL, "state", "idle"));
    assertEquals(0, gauge(registry, "axon.pool.sessions", "model", MODEL, "state", "pending"));
    assertEquals(17, counter(registry, "axon.pool.acquire", "model", MODEL));
    metrics.recordPools("a", List.of(stats(1, 0, 0, 0, 4, false)));
    assertEquals(19, counter(registry, "axon.pool.acquire", "model", MODEL));
    assertEquals(0, gauge(registry, "axon.pool.ready", "model", MODEL));
  }

  @Test
  void breakerStatesComeFromTheProvidersAnnouncementsOnThisNode(Vertx vertx, VertxTestContext ctx) {
    Codecs.register(vertx);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerPoolMetrics metrics = new MicrometerPoolMetrics(registry);
    String claude = "https://api.anthropic.com";
    metrics.recordBreaker(new BreakerChange("o1", "openai", "http://vllm:8000", null, "closed", 1));
    metrics.listenForBreakers(vertx).completion()
        .compose(v -> {
          vertx.eventBus().publish(Addresses.UPSTREAM_BREAKER, new BreakerChange("a1", "anthropic", claude, null, "closed", 1));
          vertx.eventBus().publish(Addresses.UPSTREAM_BREAKER, new BreakerChange("a1", "anthropic", claude, "closed", "open", 2));
          return delay(vertx, 100);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          String[] anthropic = {"provider", "anthropic", "upstream", claude};
          assertEquals(1, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "open")));
          assertEquals(0, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "closed")));
          assertEquals(0, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "half_open")));
          metrics.recordBreaker(new BreakerChange("a1", "anthropic", claude, "open", "half_open", 3));
          assertEquals(1, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "half_open")));
          assertEquals(0, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "open")));
          assertEquals(1, gauge(registry, "axon.upstream.breaker.state", "provider", "openai", "state", "closed"));
          ctx.completeNow();
        })));
  }

  @Test
  void eachPoolInstancesBreakerCountsUntilItIsRetired() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerPoolMetrics metrics = new MicrometerPoolMetrics(registry);
    String claude = "https://api.anthropic.com";
    String[] anthropic = {"provider", "anthropic", "upstream", claude};
    metrics.recordBreaker(new BreakerChange("a1", "anthropic", claude, null, "closed", 1));
    metrics.recordBreaker(new BreakerChange("a2", "anthropic", claude, null, "closed", 1));
    metrics.recordBreaker(new BreakerChange("a1", "anthropic", claude, "closed", "open", 2));
    assertEquals(1, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "open")));
    assertEquals(1, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "closed")),
        "the other instance's breaker is still closed");
    metrics.recordBreaker(new BreakerChange("a2", "anthropic", claude, "closed", "closed", 3));
    assertEquals(1, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "open")),
        "another instance's report does not hide the open breaker");
    metrics.recordBreaker(new BreakerChange("a1", "anthropic", claude, "open", BreakerChange.RETIRED, 4));
    assertEquals(0, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "open")), "a closed provider's breaker leaves");
    assertEquals(1, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "closed")));
    metrics.recordBreaker(new BreakerChange("a2", "anthropic", claude, "closed", BreakerChange.RETIRED, 5));
    assertEquals(List.of(), registry.find("axon.upstream.breaker.state").tags(anthropic).meters(),
        "an upstream without breakers on this node has no gauges (they read 0 in every state before)");
    metrics.recordBreaker(new BreakerChange("a2", "anthropic", claude, "closed", BreakerChange.RETIRED, 6));
    metrics.recordBreaker(new BreakerChange("a3", "anthropic", claude, null, "closed", 1));
    assertEquals(1, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "closed")),
        "a breaker for the upstream again brings its gauges back");
    assertEquals(0, gauge(registry, "axon.upstream.breaker.state", concat(anthropic, "state", "open")));
  }

  @Test
  void aPoolVerticleReportsItsGaugesWaitsTurnsClosesAndUpstreamErrors(Vertx vertx, VertxTestContext ctx) {
    Codecs.register(vertx);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerPoolMetrics metrics = new MicrometerPoolMetrics(registry);
    JsonObject config = new JsonObject().put("provider", "mock").put("size", 2).put("warm", new JsonArray().add(MODEL))
        .put("housekeepingMs", 50);
    vertx.deployVerticle(new PoolVerticle(metrics), new DeploymentOptions().setConfig(config))
        .compose(id -> eventually(vertx, 5000, "two idle sessions in the gauges",
            () -> registry.find("axon.pool.sessions").tags("model", MODEL, "state", "idle").gauge() != null
                && registry.find("axon.pool.sessions").tags("model", MODEL, "state", "idle").gauge().value() == 2)
            .map(id))
        .compose(id -> TurnProbe.open(vertx).compose(p -> p.run(say("count me"))).map(id))
        .compose(id -> TurnProbe.open(vertx).compose(p -> p.run(say("MOCK_FAIL please"))).map(end -> {
          ctx.verify(() -> assertTrue(end.event() instanceof ChatEvent.Failed, end.toString()));
          return id;
        }))
        .compose(id -> eventually(vertx, 5000, "the counters caught up",
            () -> counter(registry, "axon.pool.acquire", "model", MODEL) == 2).map(id))
        .compose(id -> {
          ctx.verify(() -> {
            Timer wait = registry.find("axon.pool.queue.wait").tags("model", MODEL).timer();
            assertNotNull(wait);
            assertEquals(2, wait.count(), "one queue-wait sample per acquire");
            Timer turn = registry.find("axon.pool.turn").tags("model", MODEL).timer();
            assertNotNull(turn);
            assertEquals(2, turn.count());
            assertEquals(1, counter(registry, "axon.upstream.errors", "model", MODEL, "provider", "mock",
                "kind", ErrorKind.UPSTREAM_ERROR.name().toLowerCase()));
            assertEquals(2, counter(registry, "axon.pool.request", "model", MODEL));
            assertEquals(1, gauge(registry, "axon.pool.ready", "model", MODEL));
          });
          return vertx.undeploy(id);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(2, counter(registry, "axon.pool.sessions.closed", "model", MODEL, "reason", "pool_closed"));
          assertEquals(0, gauge(registry, "axon.pool.sessions", "model", MODEL, "state", "idle"), "a stopped pool leaves the gauges");
          assertEquals(2, counter(registry, "axon.pool.acquire", "model", MODEL), "and keeps its counts");
          ctx.completeNow();
        })));
  }

  @Test
  void aQueuedCallerServedLaterContinuesOnItsOwnContext(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = new SessionPool(vertx, MODEL, provider, new PoolSettings(1, 1, 200, 5_000, 10, 1_000, 0, 60_000), PoolMetrics.NONE);
      pool.warm();
      ContextInternal base = (ContextInternal) Vertx.currentContext();
      return eventually(vertx, 3000, "a warm session", () -> pool.stats().idle() == 1)
          .compose(v -> pool.acquire("first"))
          .compose(first -> {
            // The second caller runs on its own duplicate of the pool's context (as an event-bus handler does) and
            // queues; the first caller gives its session back from yet another duplicate.
            ContextInternal waiterContext = base.duplicate();
            Promise<Context> servedOn = Promise.promise();
            waiterContext.runOnContext(x -> pool.acquire("second").onSuccess(lease -> {
              servedOn.complete(Vertx.currentContext());
              pool.release(lease);
            }));
            return delay(vertx, 50).compose(x -> {
              ctx.verify(() -> assertEquals(1, pool.stats().waiting(), "the second caller waits"));
              base.duplicate().runOnContext(y -> pool.release(first));
              return servedOn.future();
            }).map(context -> {
              ctx.verify(() -> assertSame(waiterContext, context, "served on the waiter's own context"));
              return (Lease) null;
            });
          });
    });
  }

  static String[] concat(String[] base, String... more) {
    String[] out = new String[base.length + more.length];
    System.arraycopy(base, 0, out, 0, base.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }
}
