package dev.axon.pool.tests;

import static dev.axon.pool.tests.Steps.delay;
import static dev.axon.pool.tests.Steps.eventually;
import static dev.axon.pool.tests.Steps.failureOf;
import static dev.axon.pool.tests.Steps.onContext;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolCounters;
import dev.axon.pool.session.CloseReason;
import dev.axon.pool.session.Lease;
import dev.axon.pool.session.PoolMetrics;
import dev.axon.pool.session.PoolSettings;
import dev.axon.pool.session.SessionPool;
import dev.axon.pool.tests.ScriptedProvider.ResetMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session pool of one model, driven with a {@link ScriptedProvider} on a Vert.x context (the pool is
 * confined to the context that creates it): warm-up, acquire and release, reset off the caller's path,
 * recycling, discarding, growth and the bounded wait queue, start-up back-off, resize and close, with the
 * gauges and counters checked at each step.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class SessionPoolTest {

  static final String MODEL = "claude-sonnet-4-6";

  /** Pool limits with test-friendly defaults; change a field, then {@link #build()}. */
  static final class Limits {
    int size;
    int max;
    int maxTurns = 200;
    long acquireTimeoutMs = 5_000;
    int maxWaiting = 100;
    long resetTimeoutMs = 1_000;
    long idleTrimMs = 60_000;

    Limits(int size, int max) {
      this.size = size;
      this.max = max;
    }

    Limits maxTurns(int v) {
      maxTurns = v;
      return this;
    }

    Limits acquireTimeoutMs(long v) {
      acquireTimeoutMs = v;
      return this;
    }

    Limits maxWaiting(int v) {
      maxWaiting = v;
      return this;
    }

    Limits resetTimeoutMs(long v) {
      resetTimeoutMs = v;
      return this;
    }

    Limits idleTrimMs(long v) {
      idleTrimMs = v;
      return this;
    }

    PoolSettings build() {
      return new PoolSettings(size, max, maxTurns, acquireTimeoutMs, maxWaiting, resetTimeoutMs, 0, idleTrimMs);
    }
  }

  static Limits limits(int size, int max) {
    return new Limits(size, max);
  }

  static SessionPool pool(Vertx vertx, ScriptedProvider provider, Limits limits) {
    return new SessionPool(vertx, MODEL, provider, limits.build(), PoolMetrics.NONE);
  }

  static void assertGauges(ModelPoolStats s, int idle, int busy, int pending, int waiting) {
    assertEquals(List.of(idle, busy, pending, waiting), List.of(s.idle(), s.busy(), s.pending(), s.waiting()),
        "gauges idle, busy, pending, waiting");
  }

  static PoolCounters counters(long acquire, long release, long warmup, long miss, long recycle, long discard) {
    return new PoolCounters(acquire, release, warmup, miss, recycle, discard, 0);
  }

  static String sessionOf(Future<Lease> lease) {
    assertTrue(lease.succeeded(), () -> "lease not handed out: " + lease);
    return lease.result().session().id();
  }

  static AxonException axon(Throwable t) {
    return assertInstanceOf(AxonException.class, t);
  }

  // --- warm-up and acquire ---------------------------------------------------------------------------------

  @Test
  void warmUpStartsSizeSessionsAndCountsEachAsAWarmup(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.openDelayMs = 30;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(2, 4));
      pool.warm();
      ctx.verify(() -> {
        ModelPoolStats s = pool.stats();
        assertGauges(s, 0, 0, 2, 0);
        assertEquals(counters(0, 0, 0, 0, 0, 0), s.counters());
        assertFalse(s.ready(), "no live session yet");
        assertEquals(MODEL, s.model());
        assertEquals(ScriptedProvider.NAME, s.provider());
      });
      return eventually(vertx, 3000, "two idle sessions", () -> pool.stats().idle() == 2).map(v -> {
        ctx.verify(() -> {
          ModelPoolStats s = pool.stats();
          assertGauges(s, 2, 0, 0, 0);
          assertEquals(counters(0, 0, 2, 0, 0, 0), s.counters());
          assertTrue(s.ready());
          assertNull(s.lastError());
          assertEquals(List.of("open s1", "open s2"), provider.log);
        });
        return null;
      });
    });
  }

  @Test
  void warmUpIsTheFirstTurnSoMaxTurnsTwoServesOneRealTurn(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1).maxTurns(2));
      pool.warm();
      Future<Lease> first = pool.acquire("r1");
      pool.release(first.result());
      Future<Lease> second = pool.acquire("r2");
      ctx.verify(() -> {
        assertEquals("s1", sessionOf(first));
        assertEquals("s2", sessionOf(second), "s1 served warm-up + one turn, then was recycled");
        assertEquals(List.of("open s1", "close s1", "open s2"), provider.log, "a session due for recycling is not reset");
        assertEquals(counters(2, 1, 2, 0, 1, 0), pool.stats().counters());
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void acquireTakesAnIdleSessionWithoutAMiss(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(2, 2));
      pool.warm();
      ctx.verify(() -> assertGauges(pool.stats(), 2, 0, 0, 0));
      Future<Lease> a = pool.acquire("r1");
      ctx.verify(() -> {
        assertEquals("s1", sessionOf(a), "the longest idle session goes first");
        assertGauges(pool.stats(), 1, 1, 0, 0);
        assertEquals(counters(1, 0, 2, 0, 0, 0), pool.stats().counters());
      });
      Future<Lease> b = pool.acquire("r2");
      ctx.verify(() -> {
        assertEquals("s2", sessionOf(b));
        assertGauges(pool.stats(), 0, 2, 0, 0);
        assertEquals(counters(2, 0, 2, 0, 0, 0), pool.stats().counters());
        assertEquals(2, provider.opens.get(), "idle sessions served both: nothing new started");
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void acquireWhileWarmingWaitsForTheWarmingSessionInsteadOfStartingAnother(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.openDelayMs = 50;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 3));
      pool.warm();
      Future<Lease> a = pool.acquire("r1");
      ctx.verify(() -> {
        assertFalse(a.isComplete());
        assertGauges(pool.stats(), 0, 0, 1, 1);
        assertEquals(counters(0, 0, 0, 1, 0, 0), pool.stats().counters());
        assertEquals(1, provider.opens.get(), "the warming session will serve this caller");
      });
      return a.map(lease -> {
        ctx.verify(() -> {
          assertEquals("s1", lease.session().id());
          assertGauges(pool.stats(), 0, 1, 0, 0);
          assertEquals(counters(1, 0, 1, 1, 0, 0), pool.stats().counters());
          assertEquals(1, provider.opens.get());
        });
        return null;
      });
    });
  }

  // --- release, reset, recycle, discard ------------------------------------------------------------------

  @Test
  void releaseResetsAfterTheCallerLeftAndOffersTheSessionOnlyOnceResetIsDone(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.resetMode = ResetMode.GATED;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 2));
      pool.warm();
      Lease lease = pool.acquire("r1").result();
      pool.release(lease);
      provider.log.add("release returned");
      ScriptedSession s1 = provider.session("s1");
      ctx.verify(() -> {
        assertEquals(1, s1.resets.get(), "release resets the session");
        assertTrue(s1.resetPending(), "release returned while the reset is still running: the caller does not wait");
        assertGauges(pool.stats(), 0, 1, 0, 0);
        assertEquals(counters(1, 1, 1, 0, 0, 0), pool.stats().counters());
      });
      Future<Lease> next = pool.acquire("r2");
      ctx.verify(() -> {
        assertFalse(next.isComplete(), "a session being reset is not handed out");
        assertGauges(pool.stats(), 0, 1, 0, 1);
        assertEquals(1, provider.opens.get(), "the resetting session will serve the waiter: no growth");
      });
      s1.completeReset();
      ctx.verify(() -> {
        assertEquals("s1", sessionOf(next));
        assertGauges(pool.stats(), 0, 1, 0, 0);
        assertEquals(counters(2, 1, 1, 1, 0, 0), pool.stats().counters());
        assertEquals(List.of("open s1", "reset s1", "release returned", "reset-done s1"), provider.log);
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void sessionIsRecycledAfterMaxTurnsWithWarmUpCounted(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1).maxTurns(3));
      pool.warm();
      Future<Lease> t1 = pool.acquire("r1");
      pool.release(t1.result());
      ctx.verify(() -> {
        assertGauges(pool.stats(), 1, 0, 0, 0);
        assertEquals(counters(1, 1, 1, 0, 0, 0), pool.stats().counters());
      });
      Future<Lease> t2 = pool.acquire("r2");
      pool.release(t2.result());
      Future<Lease> t3 = pool.acquire("r3");
      ctx.verify(() -> {
        assertEquals("s1", sessionOf(t1));
        assertEquals("s1", sessionOf(t2), "two real turns on s1 (warm-up was its first)");
        assertEquals("s2", sessionOf(t3));
        assertEquals(List.of("open s1", "reset s1", "reset-done s1", "close s1", "open s2"), provider.log);
        assertEquals(counters(3, 2, 2, 0, 1, 0), pool.stats().counters());
        assertGauges(pool.stats(), 0, 1, 0, 0);
        assertEquals(1, provider.openNow.get());
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void aSessionsSuccessorWarmsDuringItsLastTurnsSoNoRequestWaitsForARecycle(Vertx vertx, VertxTestContext ctx) {
    // A pool of one at capacity: before, the request after each recycle waited for a whole process start.
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.openDelayMs = 30;
    int maxTurns = 50; // leaving for its last 5 turns, each held 30 ms: 150 ms for a 30 ms start
    int turns = 120;
    Map<String, Integer> served = new HashMap<>();
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1).maxTurns(maxTurns));
      pool.warm();
      return eventually(vertx, 3000, "the first session warm", () -> pool.stats().idle() == 1)
          .compose(v -> sequentialTurns(vertx, pool, served, turns))
          .map(v -> {
            ctx.verify(() -> {
              PoolCounters c = pool.stats().counters();
              assertEquals(0, c.miss(), "every acquire found an idle session, the recycles included");
              assertEquals(turns, c.acquire());
              assertTrue(c.recycle() >= 2, () -> "recycled " + c.recycle() + " times");
              assertEquals(2, provider.peakOpen.get(), "one successor beside the leaving session, never more");
              served.forEach((id, n) -> assertTrue(n <= maxTurns - 1, () -> id + " served " + n + " turns"));
              assertTrue(provider.log.indexOf("open s2") < provider.log.indexOf("close s1"), () -> "s2 warmed before s1 left: " + provider.log);
            });
            return null;
          });
    });
  }

  /** {@code left} turns one after another, each holding its session 30 ms; every acquire must be served at once. */
  private static Future<Void> sequentialTurns(Vertx vertx, SessionPool pool, Map<String, Integer> served, int left) {
    if (left == 0) {
      return Future.succeededFuture();
    }
    Future<Lease> lease = pool.acquire("r" + left);
    if (!lease.succeeded()) {
      return Future.failedFuture(new AssertionError("turn " + left + " before the end had to wait: " + pool.stats()));
    }
    served.merge(lease.result().session().id(), 1, Integer::sum);
    return delay(vertx, 30).compose(v -> {
      pool.release(lease.result());
      return sequentialTurns(vertx, pool, served, left - 1);
    });
  }

  @Test
  void deadSessionIsDiscardedOnReleaseAndReplaced(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1));
      pool.warm();
      Lease lease = pool.acquire("r1").result();
      provider.session("s1").die();
      pool.release(lease);
      ctx.verify(() -> {
        assertEquals(List.of("open s1", "close s1", "open s2"), provider.log, "a dead session is not reset");
        assertEquals(counters(1, 0, 2, 0, 0, 1), pool.stats().counters());
        assertGauges(pool.stats(), 1, 0, 0, 0);
        assertEquals("s2", sessionOf(pool.acquire("r2")));
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void discardClosesTheSessionAndWarmsAReplacement(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1));
      pool.warm();
      Lease lease = pool.acquire("r1").result();
      pool.discard(lease, CloseReason.TURN_FAILED);
      ctx.verify(() -> {
        assertEquals(List.of("open s1", "close s1", "open s2"), provider.log);
        assertEquals(counters(1, 0, 2, 0, 0, 1), pool.stats().counters());
        assertGauges(pool.stats(), 1, 0, 0, 0);
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void aLeaseIsGivenBackOnlyOnce(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1));
      pool.warm();
      Lease lease = pool.acquire("r1").result();
      pool.release(lease);
      pool.release(lease);
      pool.discard(lease, CloseReason.TURN_FAILED);
      ctx.verify(() -> {
        assertEquals(counters(1, 1, 1, 0, 0, 0), pool.stats().counters());
        assertEquals(1, provider.session("s1").resets.get());
        assertEquals(0, provider.session("s1").closes.get());
        assertGauges(pool.stats(), 1, 0, 0, 0);
      });
      return Future.succeededFuture();
    });
  }

  /**
   * Every way a reset can go wrong discards the session and warms a replacement, and a caller already waiting
   * for that session gets the replacement (not a {@code POOL_BUSY} at its deadline).
   */
  @ParameterizedTest
  @EnumSource(value = ResetMode.class, names = {"FAIL_NOW", "FAIL_LATER", "THROW", "HANG"})
  void failedResetDiscardsTheSessionAndAWaiterGetsTheReplacement(ResetMode mode, Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.resetMode = mode;
    provider.resetDelayMs = 20;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1).resetTimeoutMs(100).acquireTimeoutMs(3_000));
      pool.warm();
      Lease lease = pool.acquire("r1").result();
      ctx.verify(() -> assertDoesNotThrow(() -> pool.release(lease), "release never throws at its caller"));
      Future<Lease> next = pool.acquire("r2");
      return next.map(l -> {
        ctx.verify(() -> {
          assertEquals("s2", l.session().id());
          assertEquals(1, provider.session("s1").resets.get());
          assertEquals(1, provider.session("s1").closes.get(), "the session that failed its reset is closed");
          assertEquals(1, provider.openNow.get());
          // The turn ended well, so the lease counts as released; the failed reset shows as the replacement's warm-up.
          assertEquals(0, pool.stats().counters().discard());
          assertEquals(2, pool.stats().counters().warmup());
          assertEquals(0, pool.stats().counters().recycle());
          assertEquals(2, pool.stats().counters().acquire());
          assertEquals(1, pool.stats().counters().release());
          assertGauges(pool.stats(), 0, 1, 0, 0);
        });
        return null;
      });
    });
  }

  // --- growth and the wait queue --------------------------------------------------------------------------

  @Test
  void poolGrowsUpToMaxThenQueuedCallersAreServedInArrivalOrder(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 3).maxWaiting(10));
      pool.warm();
      Future<Lease> a = pool.acquire("a");
      Future<Lease> b = pool.acquire("b");
      Future<Lease> c = pool.acquire("c");
      Future<Lease> d = pool.acquire("d");
      Future<Lease> e = pool.acquire("e");
      List<String> served = new ArrayList<>();
      d.onSuccess(l -> served.add("d:" + l.session().id()));
      e.onSuccess(l -> served.add("e:" + l.session().id()));
      ctx.verify(() -> {
        assertEquals(List.of("s1", "s2", "s3"), List.of(sessionOf(a), sessionOf(b), sessionOf(c)));
        assertFalse(d.isComplete());
        assertFalse(e.isComplete());
        assertGauges(pool.stats(), 0, 3, 0, 2);
        assertEquals(counters(3, 0, 3, 4, 0, 0), pool.stats().counters());
        assertEquals(3, provider.opens.get(), "never above max");
      });
      pool.release(b.result());
      ctx.verify(() -> {
        assertEquals(List.of("d:s2"), served, "the first waiter gets the first session back");
        assertGauges(pool.stats(), 0, 3, 0, 1);
      });
      pool.release(a.result());
      ctx.verify(() -> {
        assertEquals(List.of("d:s2", "e:s1"), served);
        assertGauges(pool.stats(), 0, 3, 0, 0);
        assertEquals(counters(5, 2, 3, 4, 0, 0), pool.stats().counters());
        assertEquals(3, provider.opens.get());
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void callerPastTheQueueDeadlineGetsPoolBusyWithRetryAfter(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1).acquireTimeoutMs(150));
      pool.warm();
      Lease held = pool.acquire("holder").result();
      Future<Lease> late = pool.acquire("late");
      ctx.verify(() -> assertGauges(pool.stats(), 0, 1, 0, 1));
      return failureOf(late).map(failure -> {
        ctx.verify(() -> {
          AxonException e = axon(failure);
          assertEquals(ErrorKind.POOL_BUSY, e.kind());
          assertNotNull(e.retryAfterSeconds());
          assertTrue(e.retryAfterSeconds() >= 1);
          assertTrue(e.getMessage().contains("150 ms"), e.getMessage());
          assertGauges(pool.stats(), 0, 1, 0, 0);
          assertEquals(counters(1, 0, 1, 1, 0, 0), pool.stats().counters());
        });
        pool.release(held);
        ctx.verify(() -> {
          assertGauges(pool.stats(), 1, 0, 0, 0);
          assertEquals(1, pool.stats().counters().acquire(), "the session is not handed to the caller that gave up");
        });
        return null;
      });
    });
  }

  @Test
  void fullQueueRejectsTheNextCallerAtOnce(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1).maxWaiting(2));
      pool.warm();
      Lease held = pool.acquire("holder").result();
      Future<Lease> w1 = pool.acquire("w1");
      Future<Lease> w2 = pool.acquire("w2");
      Future<Lease> rejected = pool.acquire("w3");
      ctx.verify(() -> {
        assertTrue(rejected.failed(), "rejected without waiting");
        AxonException e = axon(rejected.cause());
        assertEquals(ErrorKind.POOL_BUSY, e.kind());
        assertNotNull(e.retryAfterSeconds());
        assertGauges(pool.stats(), 0, 1, 0, 2);
        assertEquals(3, pool.stats().counters().miss());
      });
      pool.release(held);
      ctx.verify(() -> {
        assertEquals("s1", sessionOf(w1));
        assertFalse(w2.isComplete());
        assertGauges(pool.stats(), 0, 1, 0, 1);
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void queueBoundLimitsWaitingNotGrowth(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.openDelayMs = 30;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 2).maxWaiting(0));
      pool.warm();
      return eventually(vertx, 2000, "warm", () -> pool.stats().idle() == 1).compose(v -> {
        Future<Lease> a = pool.acquire("a");
        Future<Lease> b = pool.acquire("b");
        Future<Lease> c = pool.acquire("c");
        ctx.verify(() -> {
          assertEquals("s1", sessionOf(a));
          assertFalse(b.failed(), () -> "below max the pool grows for the caller: " + b.cause());
          assertGauges(pool.stats(), 0, 1, 1, 1);
          assertTrue(c.failed(), "at max, with no room to wait, the caller is told at once");
          assertEquals(ErrorKind.POOL_BUSY, axon(c.cause()).kind());
        });
        return b;
      }).map(b -> {
        ctx.verify(() -> {
          assertEquals("s2", b.session().id());
          assertEquals(2, provider.opens.get());
          assertGauges(pool.stats(), 0, 2, 0, 0);
        });
        return null;
      });
    });
  }

  @Test
  void duringStartUpBackOffRoomToGrowDoesNotLetCallersQueue(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 2).maxWaiting(0).acquireTimeoutMs(100));
      pool.warm();
      Lease held = pool.acquire("holder").result();
      provider.alwaysFailOpen = true;
      provider.openDelayMs = 10;
      Future<Lease> growing = pool.acquire("growing");
      ctx.verify(() -> assertGauges(pool.stats(), 0, 1, 1, 1));
      return failureOf(growing).map(failure -> {
        ctx.verify(() -> {
          assertEquals(1, provider.failedOpens.get());
          assertEquals(ErrorKind.POOL_BUSY, axon(failure).kind(), "a busy session may still come back: it waited");
          assertGauges(pool.stats(), 0, 1, 0, 0);
        });
        // The first failure backs off for 500 ms: the pool cannot grow now, and no one may wait.
        Future<Lease> during = pool.acquire("during back-off");
        ctx.verify(() -> {
          assertTrue(during.failed(), "told at once");
          assertEquals(ErrorKind.POOL_BUSY, axon(during.cause()).kind());
          assertEquals(2, provider.opens.get(), "the caller did not bypass the back-off");
          assertGauges(pool.stats(), 0, 1, 0, 0);
        });
        pool.release(held);
        return null;
      });
    });
  }

  @Test
  void burstOfAcquiresNeverOpensMoreThanMax(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.openDelayMs = 20;
    provider.resetDelayMs = 2;
    int callers = 50;
    Checkpoint served = ctx.checkpoint(callers);
    Checkpoint settled = ctx.checkpoint();
    onContext(vertx, ctx, settled, () -> {
      SessionPool pool = pool(vertx, provider, limits(2, 5).maxWaiting(100).acquireTimeoutMs(10_000));
      pool.warm();
      List<Future<String>> turns = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        long holdMs = 1 + i % 7;
        turns.add(pool.acquire("burst-" + i).compose(lease -> {
          served.flag();
          return delay(vertx, holdMs).map(v -> {
            pool.release(lease);
            return lease.session().id();
          });
        }));
      }
      ctx.verify(() -> {
        assertGauges(pool.stats(), 0, 0, 5, callers);
        assertEquals(5, provider.openNow.get());
      });
      return Future.all(turns)
          .compose(v -> eventually(vertx, 3000, "all sessions idle again",
              () -> pool.stats().idle() == 5 && pool.stats().busy() == 0))
          .map(v -> {
            ctx.verify(() -> {
              assertEquals(5, provider.peakOpen.get(), "grew to max and never above it");
              assertEquals(5, provider.opens.get(), "no session was started beyond max");
              assertEquals(5, provider.openNow.get());
              assertEquals(counters(callers, callers, 5, callers, 0, 0), pool.stats().counters());
              assertGauges(pool.stats(), 5, 0, 0, 0);
            });
            return null;
          });
    });
  }

  // --- start-up failures ------------------------------------------------------------------------------------

  @Test
  void startUpFailuresBackOffInsteadOfRetryingInAStorm(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.alwaysFailOpen = true;
    provider.openDelayMs = 10;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(2, 4));
      pool.warm();
      return delay(vertx, 1500)
          .compose(v -> eventually(vertx, 2000, "no start in flight", () -> pool.stats().pending() == 0))
          .map(v -> {
        ctx.verify(() -> {
          int opens = provider.opens.get();
          assertTrue(opens >= 2 && opens <= 6, "opens in 1.5 s with back-off: " + opens);
          ModelPoolStats s = pool.stats();
          assertGauges(s, 0, 0, 0, 0);
          assertFalse(s.ready());
          assertNotNull(s.lastError());
          assertTrue(s.lastError().contains(ScriptedProvider.OPEN_ERROR), s.lastError());
          assertEquals(0, s.counters().warmup());
        });
        int opensBefore = provider.opens.get();
        Future<Lease> refused = pool.acquire("r1");
        ctx.verify(() -> {
          assertTrue(refused.failed(), "no session can start: the caller is told at once");
          AxonException e = axon(refused.cause());
          assertEquals(ErrorKind.UNAVAILABLE, e.kind());
          assertTrue(e.getMessage().contains(ScriptedProvider.OPEN_ERROR), e.getMessage());
          assertNotNull(e.retryAfterSeconds());
          assertTrue(e.retryAfterSeconds() >= 1);
          assertEquals(opensBefore, provider.opens.get(), "a caller does not bypass the back-off");
          assertGauges(pool.stats(), 0, 0, 0, 0);
        });
        return null;
      });
    });
  }

  @Test
  void waitersFailFastWhenNoSessionCanStart(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.alwaysFailOpen = true;
    provider.openDelayMs = 50;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1).acquireTimeoutMs(15_000));
      pool.warm();
      Future<Lease> waiting = pool.acquire("r1");
      ctx.verify(() -> assertGauges(pool.stats(), 0, 0, 1, 1));
      return failureOf(waiting).map(failure -> {
        ctx.verify(() -> {
          AxonException e = axon(failure);
          assertEquals(ErrorKind.UNAVAILABLE, e.kind(), "told when the start failed, not POOL_BUSY at the deadline");
          assertTrue(e.getMessage().contains(ScriptedProvider.OPEN_ERROR), e.getMessage());
          assertGauges(pool.stats(), 0, 0, 0, 0);
        });
        return null;
      });
    });
  }

  @Test
  void poolRecoversOnItsOwnAfterTransientStartFailures(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.failNextOpens = 2;
    provider.openDelayMs = 10;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(2, 2));
      pool.warm();
      return eventually(vertx, 5000, "two idle sessions after the back-off", () -> pool.stats().idle() == 2).map(v -> {
        ctx.verify(() -> {
          assertEquals(4, provider.opens.get());
          assertEquals(2, provider.failedOpens.get());
          ModelPoolStats s = pool.stats();
          assertTrue(s.ready());
          assertNull(s.lastError());
          assertEquals(counters(0, 0, 2, 0, 0, 0), s.counters());
        });
        return null;
      });
    });
  }

  // --- resize, housekeeping, close ------------------------------------------------------------------------

  @Test
  void shrinkingClosesIdleExtrasAtOnceAndBusyOnesWhenTheyComeBack(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(3, 3));
      pool.warm();
      Lease a = pool.acquire("a").result();
      Lease b = pool.acquire("b").result();
      ctx.verify(() -> assertGauges(pool.stats(), 1, 2, 0, 0));
      pool.resize(limits(1, 1).build());
      ctx.verify(() -> {
        assertEquals(1, provider.session("s3").closes.get(), "the idle extra is closed at once");
        assertEquals(0, provider.session("s1").closes.get() + provider.session("s2").closes.get(), "busy ones are not");
        assertGauges(pool.stats(), 0, 2, 0, 0);
        assertEquals(1, pool.settings().size());
      });
      pool.release(a);
      pool.release(b);
      ctx.verify(() -> {
        ScriptedSession s1 = provider.session("s1");
        ScriptedSession s2 = provider.session("s2");
        assertEquals(1, s1.closes.get() + s2.closes.get(), "one busy session was marked and closed on return");
        assertEquals(1, s1.resets.get() + s2.resets.get(), "the other was reset and kept");
        assertGauges(pool.stats(), 1, 0, 0, 0);
        assertEquals(1, provider.openNow.get());
        assertEquals(3, provider.opens.get());
      });
      pool.resize(limits(3, 3).build());
      ctx.verify(() -> {
        assertGauges(pool.stats(), 3, 0, 0, 0);
        assertEquals(5, provider.opens.get(), "growing starts sessions at once");
      });
      return Future.succeededFuture();
    });
  }

  @Test
  void housekeepingTrimsIdleSessionsAboveSizeOnlyAfterTheyIdledLongEnough(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 3).idleTrimMs(100));
      pool.warm();
      List<Lease> leases = List.of(pool.acquire("a").result(), pool.acquire("b").result(), pool.acquire("c").result());
      leases.forEach(pool::release);
      pool.housekeep();
      ctx.verify(() -> {
        assertGauges(pool.stats(), 3, 0, 0, 0);
        assertEquals(3, provider.openNow.get(), "not idle long enough yet");
      });
      return delay(vertx, 150).map(v -> {
        pool.housekeep();
        ctx.verify(() -> {
          assertGauges(pool.stats(), 1, 0, 0, 0);
          assertEquals(1, provider.openNow.get());
          assertEquals(3, provider.opens.get());
        });
        return null;
      });
    });
  }

  @Test
  void closeFailsWaitersAndClosesEverySessionBusyOnesIncluded(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(2, 2));
      pool.warm();
      Lease held = pool.acquire("holder").result();
      pool.acquire("other").result();
      Future<Lease> waiting = pool.acquire("waiting");
      ctx.verify(() -> assertGauges(pool.stats(), 0, 2, 0, 1));
      Future<Void> closing = pool.close();
      ctx.verify(() -> {
        assertTrue(waiting.failed());
        assertEquals(ErrorKind.UNAVAILABLE, axon(waiting.cause()).kind());
        assertEquals(0, provider.openNow.get());
        assertEquals(1, provider.session("s1").closes.get());
        assertEquals(1, provider.session("s2").closes.get());
        Future<Lease> after = pool.acquire("after");
        assertTrue(after.failed());
        assertEquals(ErrorKind.UNAVAILABLE, axon(after.cause()).kind());
        assertDoesNotThrow(() -> pool.release(held));
        assertEquals(0, provider.session("s1").resets.get(), "a session of a closed pool is not reset");
        assertEquals(1, provider.session("s1").closes.get(), "nor closed twice");
        assertGauges(pool.stats(), 0, 0, 0, 0);
        assertEquals(2, provider.opens.get(), "nothing is started after close");
      });
      return closing;
    });
  }

  @Test
  void sessionThatFinishesWarmingAfterCloseIsClosed(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.openDelayMs = 30;
    onContext(vertx, ctx, () -> {
      SessionPool pool = pool(vertx, provider, limits(1, 1));
      pool.warm();
      return pool.close()
          .compose(v -> eventually(vertx, 2000, "the late session is closed", () -> provider.count("close s1") == 1))
          .map(v -> {
            ctx.verify(() -> {
              assertEquals(0, provider.openNow.get());
              assertGauges(pool.stats(), 0, 0, 0, 0);
              assertEquals(1, provider.opens.get());
            });
            return null;
          });
    });
  }

  @Test
  void poolStateIsOnlyTouchedOnItsContext(Vertx vertx, VertxTestContext ctx) {
    // Opens that complete on another thread (a provider bug or a worker) are brought back to the pool's context.
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.completeOpensOnAnotherThread = true;
    List<Boolean> onPoolContext = new CopyOnWriteArrayList<>();
    onContext(vertx, ctx, () -> {
      io.vertx.core.Context poolContext = vertx.getOrCreateContext();
      SessionPool pool = pool(vertx, provider, limits(1, 1));
      pool.warm();
      Future<Lease> lease = pool.acquire("r1");
      lease.onComplete(ar -> onPoolContext.add(vertx.getOrCreateContext() == poolContext));
      return lease.map(l -> {
        ctx.verify(() -> {
          assertEquals(List.of(true), onPoolContext);
          assertGauges(pool.stats(), 0, 1, 0, 0);
        });
        return null;
      });
    });
  }
}
