package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.api.cluster.ClusterView;
import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.cluster.EventLoopAffinity;
import dev.axon.common.cluster.RoleAnnouncement;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolCounters;
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.stats.PoolStats;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The order in which an API instance tries the pools it knows: in turn, a pool on the caller's own event loop first
 * (so the turn's event-bus hops stay on one thread) when it has an idle session, pools with callers waiting last.
 */
@ExtendWith(VertxExtension.class)
class ClusterViewTest {

  static final String MODEL = "claude-sonnet-4-6";
  static final List<String> POOLS = List.of("pool-a", "pool-b", "pool-c");

  @Test
  void thePoolOnTheCallersLoopComesFirstAndTheOthersTakeTurns(Vertx vertx, VertxTestContext ctx) {
    onContext(vertx, ctx, view -> {
      EventLoopAffinity.register(vertx, Addresses.poolTurn("pool-b"));
      Set<String> seconds = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        List<String> order = view.turnCandidates(MODEL);
        assertEquals(3, order.size(), order.toString());
        assertEquals(Addresses.poolTurn("pool-b"), order.get(0), "the pool on this loop first: " + order);
        seconds.add(order.get(1));
      }
      assertEquals(Set.of(Addresses.poolTurn("pool-a"), Addresses.poolTurn("pool-c")), seconds, "the others still take turns");
    });
  }

  @Test
  void aPoolOnAnotherLoopGetsNoPreference(Vertx vertx, VertxTestContext ctx) {
    // Registered from the test thread, which is no event loop the view runs on.
    EventLoopAffinity.register(vertx, Addresses.poolTurn("pool-b"));
    onContext(vertx, ctx, view -> assertEquals(3, firsts(view).size(), "every pool comes first in its turn"));
  }

  @Test
  void aLocalPoolWithCallersWaitingGoesLastAndAnUnregisteredOneIsOneAmongOthers(Vertx vertx, VertxTestContext ctx) {
    onContext(vertx, ctx, view -> {
      EventLoopAffinity.register(vertx, Addresses.poolTurn("pool-b"));
      vertx.eventBus().publish(Addresses.ANNOUNCE, announcement("pool-b", 3));
    }, view -> {
      for (int i = 0; i < 4; i++) {
        assertEquals(Addresses.poolTurn("pool-b"), view.turnCandidates(MODEL).get(2), "waiting callers send it last");
      }
      EventLoopAffinity.unregister(vertx, Addresses.poolTurn("pool-b"));
      vertx.eventBus().publish(Addresses.ANNOUNCE, announcement("pool-b", 0));
    }, view -> assertEquals(3, firsts(view).size(), "unregistered, it is one pool among others"));
  }

  @Test
  void aLocalPoolWithNoIdleSessionGetsNoPreference(Vertx vertx, VertxTestContext ctx) {
    onContext(vertx, ctx, view -> {
      EventLoopAffinity.register(vertx, Addresses.poolTurn("pool-b"));
      // Its sessions all busy or warming: another pool may have one ready, so it takes its turn with the others.
      vertx.eventBus().publish(Addresses.ANNOUNCE, announcement("pool-b", 0, 0));
    }, view -> {
      assertEquals(3, firsts(view).size(), "every pool comes first in its turn");
      vertx.eventBus().publish(Addresses.ANNOUNCE, announcement("pool-b", 1, 0));
    }, view -> assertEquals(Addresses.poolTurn("pool-b"), view.turnCandidates(MODEL).get(0), "idle again, first again"));
  }

  /** The pools that came first over six successive requests. */
  private static Set<String> firsts(ClusterView view) {
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      firsts.add(view.turnCandidates(MODEL).get(0));
    }
    return firsts;
  }

  /** A view started on an event-loop context that has heard the three pools; each step runs there after the last. */
  @SafeVarargs
  private static void onContext(Vertx vertx, VertxTestContext ctx, Step... steps) {
    Codecs.register(vertx);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      ClusterView view = new ClusterView(vertx);
      view.start().onComplete(ctx.succeeding(started -> {
        POOLS.forEach(p -> vertx.eventBus().publish(Addresses.ANNOUNCE, announcement(p, 0)));
        run(vertx, ctx, view, steps, 0);
      }));
    });
  }

  private static void run(Vertx vertx, VertxTestContext ctx, ClusterView view, Step[] steps, int index) {
    if (index == steps.length) {
      ctx.completeNow();
      return;
    }
    // Published announcements reach the view's consumer asynchronously: give them a moment.
    vertx.setTimer(50, t -> {
      try {
        steps[index].run(view);
      } catch (Throwable e) {
        ctx.failNow(e);
        return;
      }
      run(vertx, ctx, view, steps, index + 1);
    });
  }

  @FunctionalInterface
  private interface Step {
    void run(ClusterView view);
  }

  private static RoleAnnouncement announcement(String instanceId, int waiting) {
    return announcement(instanceId, 4, waiting);
  }

  private static RoleAnnouncement announcement(String instanceId, int idle, int waiting) {
    ModelPoolStats model = new ModelPoolStats(MODEL, "mock", idle, 4 - idle, 0, waiting, PoolCounters.ZERO, 0, 0, true, null);
    long now = System.currentTimeMillis();
    return new RoleAnnouncement("node-1", "localhost", "pool", instanceId, now, now, Addresses.poolTurn(instanceId),
        PoolStats.of(instanceId, List.of(model)), new PoolHealth(true, "ok"));
  }
}
