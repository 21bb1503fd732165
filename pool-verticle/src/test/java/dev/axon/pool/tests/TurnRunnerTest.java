package dev.axon.pool.tests;

import static dev.axon.pool.tests.PoolVerticleTest.assertWellFormed;
import static dev.axon.pool.tests.PoolVerticleTest.say;
import static dev.axon.pool.tests.Steps.delay;
import static dev.axon.pool.tests.TurnProbe.stats;
import static dev.axon.pool.tests.TurnProbe.statsWhen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.PoolCounters;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnRequest;
import dev.axon.pool.session.PoolMetrics;
import dev.axon.pool.session.PoolRegistry;
import dev.axon.pool.session.PoolSettings;
import dev.axon.pool.tests.ScriptedProvider.RunMode;
import dev.axon.pool.turn.TurnRunner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The turn runner over a {@link ScriptedProvider}, so each test can see what became of the session: reset and
 * release after cancel, one retry on a fresh session when the first died before streaming, discard without retry
 * when it died mid-stream, and discard on turn timeout.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class TurnRunnerTest {

  /** A pool verticle in miniature: one model's pool of scripted sessions behind the turn protocol. */
  static final class RunnerVerticle extends VerticleBase {

    private final ScriptedProvider provider;
    private final PoolSettings settings;
    private final long turnTimeoutMs;
    private final long heartbeatMs;
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();

    RunnerVerticle(ScriptedProvider provider, PoolSettings settings, long turnTimeoutMs, long heartbeatMs) {
      this.provider = provider;
      this.settings = settings;
      this.turnTimeoutMs = turnTimeoutMs;
      this.heartbeatMs = heartbeatMs;
    }

    @Override
    public Future<?> start() {
      PoolRegistry pools = new PoolRegistry(vertx, m -> provider, m -> settings, PoolMetrics.NONE);
      String control = Addresses.turnControl(UUID.randomUUID().toString());
      TurnRunner runner = new TurnRunner(vertx, pools, control, turnTimeoutMs, heartbeatMs);
      EventBus bus = vertx.eventBus();
      consumers.add(bus.<TurnRequest>consumer(Addresses.POOL_TURN, runner::handle));
      consumers.add(bus.<TurnCancel>consumer(control, m -> runner.cancel(m.body())));
      consumers.add(bus.consumer(Addresses.POOL_STATS, m -> m.reply(PoolStats.of("runner-test", pools.stats()))));
      pools.forModel(PoolVerticleTest.MODEL);
      vertx.setPeriodic(Math.max(10, heartbeatMs / 2), t -> runner.heartbeat());
      List<Future<?>> ready = new ArrayList<>();
      consumers.forEach(c -> ready.add(c.completion()));
      return Future.all(ready);
    }
  }

  static PoolSettings oneSession() {
    return new PoolSettings(1, 1, 200, 5_000, 10, 1_000, 0, 60_000);
  }

  static Future<ScriptedProvider> deploy(Vertx vertx, ScriptedProvider provider, long turnTimeoutMs) {
    Codecs.register(vertx);
    return vertx.deployVerticle(new RunnerVerticle(provider, oneSession(), turnTimeoutMs, 100))
        .compose(id -> statsWhen(vertx, 2000, "warm", s -> s.idle() == 1))
        .map(provider);
  }

  @Test
  void turnRelaysTheSessionsEventsAndReleasesIt(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    deploy(vertx, provider, 5_000)
        .compose(p -> TurnProbe.open(vertx))
        .compose(probe -> probe.run(say("hi")).compose(t -> stats(vertx)).map(stats -> {
          ctx.verify(() -> {
            assertWellFormed(probe);
            assertEquals("Hello from a scripted session", probe.text());
            assertEquals("s1", probe.accepted.sessionId());
            assertEquals("scripted", probe.accepted.provider());
            assertEquals(List.of("open s1", "run s1", "reset s1", "reset-done s1"), provider.log);
            assertEquals(new PoolCounters(1, 1, 1, 0, 0, 0, 1), stats.counters());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void cancelStopsTheSessionThenResetsAndReleasesIt(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx);
    provider.pieceDelayMs = 100;
    deploy(vertx, provider, 5_000)
        .compose(p -> TurnProbe.open(vertx))
        .compose(probe -> probe.start(say("hi"))
            .compose(a -> probe.firstDelta.future())
            .compose(first -> {
              probe.cancel();
              return statsWhen(vertx, 2000, "released", s -> s.counters().release() == 1);
            })
            .compose(stats -> delay(vertx, 50).map(stats))
            .compose(stats -> {
              int seen = probe.events.size();
              ctx.verify(() -> {
                assertEquals(List.of("open s1", "run s1", "cancel s1", "reset s1", "reset-done s1"), provider.log);
                assertEquals(new PoolCounters(1, 1, 1, 0, 0, 0, 1), stats.counters());
                assertEquals(1, stats.idle());
              });
              return delay(vertx, 300).map(seen);
            })
            .map(seen -> {
              ctx.verify(() -> {
                assertEquals(seen, probe.events.size(), "nothing relayed after the cancel");
                assertTrue(probe.deltas() < provider.reply.size());
              });
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sessionThatDiesBeforeStreamingIsReplacedAndTheTurnRetriedOnce(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx).thenRun(RunMode.DIE_BEFORE_STREAM);
    deploy(vertx, provider, 5_000)
        .compose(p -> TurnProbe.open(vertx))
        .compose(probe -> probe.run(say("hi")).compose(t -> statsWhen(vertx, 2000, "idle again", s -> s.idle() == 1)).map(stats -> {
          ctx.verify(() -> {
            assertWellFormed(probe);
            assertInstanceOf(ChatEvent.Done.class, probe.terminal.future().result().event());
            assertEquals("Hello from a scripted session", probe.text(), "the caller sees only the retry's events");
            assertEquals(List.of("open s1", "run s1", "close s1", "open s2", "run s2", "reset s2", "reset-done s2"), provider.log);
            assertEquals(new PoolCounters(2, 1, 2, 0, 0, 1, 1), stats.counters());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sessionThatDiesMidStreamFailsTheTurnWithoutRetry(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx).thenRun(RunMode.DIE_AFTER_FIRST_PIECE, RunMode.DIE_AFTER_FIRST_PIECE);
    deploy(vertx, provider, 5_000)
        .compose(p -> TurnProbe.open(vertx))
        .compose(probe -> probe.run(say("hi")).compose(t -> statsWhen(vertx, 2000, "replacement warm", s -> s.idle() == 1)).map(stats -> {
          ctx.verify(() -> {
            assertWellFormed(probe);
            assertEquals("Hello", probe.text());
            ChatEvent.Failed failed = assertInstanceOf(ChatEvent.Failed.class, probe.terminal.future().result().event());
            assertEquals(ErrorKind.UPSTREAM_ERROR, failed.kind());
            assertEquals(List.of("open s1", "run s1", "close s1", "open s2"), provider.log, "no second run: text was already streamed");
            assertEquals(new PoolCounters(1, 0, 2, 0, 0, 1, 1), stats.counters());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void turnPastItsTimeoutFailsWithTimeoutAndTheSessionIsDiscarded(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx).thenRun(RunMode.HANG);
    deploy(vertx, provider, 200)
        .compose(p -> TurnProbe.open(vertx))
        .compose(probe -> probe.run(say("hi")).compose(t -> statsWhen(vertx, 2000, "replacement warm", s -> s.idle() == 1)).map(stats -> {
          ctx.verify(() -> {
            assertWellFormed(probe);
            ChatEvent.Failed failed = assertInstanceOf(ChatEvent.Failed.class, probe.terminal.future().result().event());
            assertEquals(ErrorKind.TIMEOUT, failed.kind());
            assertEquals(List.of("open s1", "run s1", "cancel s1", "close s1", "open s2"), provider.log);
            assertEquals(new PoolCounters(1, 0, 2, 0, 0, 1, 1), stats.counters());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Turns past their deadline in the same sweep all time out (a session may end its turn while the sweep walks them). */
  @Test
  void severalTurnsPastTheirDeadlineAllTimeOut(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx).thenRun(RunMode.HANG, RunMode.HANG, RunMode.HANG);
    Codecs.register(vertx);
    vertx.deployVerticle(new RunnerVerticle(provider, new PoolSettings(3, 3, 200, 5_000, 10, 1_000, 0, 60_000), 200, 100))
        .compose(id -> statsWhen(vertx, 2000, "warm", s -> s.idle() == 3))
        .compose(v -> Future.all(TurnProbe.open(vertx), TurnProbe.open(vertx), TurnProbe.open(vertx)))
        .compose(probes -> Future.all(probes.<TurnProbe>list().stream().map(p -> p.run(say("hi")).map(t -> p)).toList()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (TurnProbe probe : all.<TurnProbe>list()) {
            ChatEvent.Failed failed = assertInstanceOf(ChatEvent.Failed.class, probe.terminal.future().result().event());
            assertEquals(ErrorKind.TIMEOUT, failed.kind());
          }
          ctx.completeNow();
        })));
  }

  /** One sweep times every turn out and stops when none runs: a turn that starts later is timed all the same. */
  @Test
  void aTurnStartedAfterTheDeadlineSweepWentQuietStillTimesOut(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx).thenRun(RunMode.OK, RunMode.HANG);
    deploy(vertx, provider, 200)
        .compose(p -> TurnProbe.open(vertx))
        .compose(first -> first.run(say("hi")).map(t -> first))
        .compose(first -> delay(vertx, 500))
        .compose(v -> TurnProbe.open(vertx))
        .compose(second -> second.run(say("again")).map(t -> second))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertWellFormed(second);
          ChatEvent.Failed failed = assertInstanceOf(ChatEvent.Failed.class, second.terminal.future().result().event());
          assertEquals(ErrorKind.TIMEOUT, failed.kind());
          ctx.completeNow();
        })));
  }

  @Test
  void vanishedCallerIsNoticedByTheHeartbeatAndItsTurnStopped(Vertx vertx, VertxTestContext ctx) {
    ScriptedProvider provider = new ScriptedProvider(vertx).thenRun(RunMode.HANG);
    deploy(vertx, provider, 10_000)
        .compose(p -> TurnProbe.open(vertx))
        .compose(probe -> probe.start(say("hi")).compose(a -> probe.unregister()))
        .compose(v -> statsWhen(vertx, 3000, "released", s -> s.counters().release() == 1))
        .map(stats -> {
          ctx.verify(() -> {
            assertEquals(List.of("open s1", "run s1", "cancel s1", "reset s1", "reset-done s1"), provider.log);
            assertEquals(0, stats.counters().discard());
          });
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
