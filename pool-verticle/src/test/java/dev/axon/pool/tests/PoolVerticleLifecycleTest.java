package dev.axon.pool.tests;

import static dev.axon.pool.tests.PoolVerticleTest.MODEL;
import static dev.axon.pool.tests.PoolVerticleTest.say;
import static dev.axon.pool.tests.TurnProbe.statsWhen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.config.ConfigException;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.pool.PoolVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pool verticle under limits and through its life: pool busy, recycling over the bus, health before any
 * pool exists, a bad configuration failing the deployment, and undeploying with a turn in flight.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class PoolVerticleLifecycleTest {

  @BeforeEach
  void codecs(Vertx vertx) {
    Codecs.register(vertx);
  }

  static Future<String> deploy(Vertx vertx, JsonObject config) {
    return vertx.deployVerticle(new PoolVerticle(), new DeploymentOptions().setConfig(config));
  }

  static JsonObject oneSession() {
    return new JsonObject().put("size", 1).put("max", 1).put("maxWaiting", 0)
        .put("warm", new JsonArray().add(MODEL)).put("heartbeatMs", 200);
  }

  static Future<PoolHealth> health(Vertx vertx) {
    return vertx.eventBus().<PoolHealth>request(Addresses.POOL_HEALTH, null).map(Message::body);
  }

  @Test
  void secondTurnGetsPoolBusyWhileTheOnlySessionIsBusyAndNoOneMayWait(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, oneSession())
        .compose(id -> statsWhen(vertx, 3000, "warm", s -> s.idle() == 1))
        .compose(s -> TurnProbe.open(vertx))
        .compose(slow -> slow.start(say("MOCK_SLOW 300 take your time"))
            .compose(a -> TurnProbe.open(vertx))
            .compose(second -> Steps.failureOf(second.start(say("me too"))))
            .map(failure -> {
              ctx.verify(() -> {
                AxonException e = assertInstanceOf(AxonException.class, failure);
                assertEquals(ErrorKind.POOL_BUSY, e.kind());
                assertNotNull(e.retryAfterSeconds());
                assertEquals(1, e.retryAfterSeconds());
              });
              slow.cancel();
              return null;
            }))
        .compose(v -> statsWhen(vertx, 2000, "slow turn released", s -> s.counters().release() == 1))
        .map(stats -> {
          ctx.verify(() -> {
            assertEquals(1, stats.counters().acquire());
            assertEquals(2, stats.counters().request());
            assertEquals(1, stats.counters().miss());
            assertEquals(0, stats.waiting());
          });
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sessionIsRecycledAfterMaxTurnsOverTheBus(Vertx vertx, VertxTestContext ctx) {
    List<String> sessions = new ArrayList<>();
    deploy(vertx, oneSession().put("maxTurns", 3))
        .compose(id -> statsWhen(vertx, 3000, "warm", s -> s.idle() == 1))
        .compose(s -> turn(vertx, "one", sessions))
        .compose(v -> turn(vertx, "two", sessions))
        .compose(v -> turn(vertx, "three", sessions))
        .compose(v -> statsWhen(vertx, 2000, "all released", s -> s.counters().release() == 3 && s.idle() == 1))
        .map(stats -> {
          ctx.verify(() -> {
            assertEquals(sessions.get(0), sessions.get(1), "warm-up plus two turns on the first session");
            assertFalse(sessions.get(2).equals(sessions.get(0)), "then it is recycled: " + sessions);
            assertEquals(1, stats.counters().recycle());
            assertEquals(2, stats.counters().warmup());
            assertEquals(0, stats.counters().discard());
          });
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> turn(Vertx vertx, String text, List<String> sessions) {
    return TurnProbe.open(vertx).compose(p -> p.start(say(text)).compose(a -> {
      sessions.add(a.sessionId());
      return p.terminal.future();
    })).mapEmpty();
  }

  @Test
  void healthIsNotReadyUntilSomePoolHasASession(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, new JsonObject().put("size", 1))
        .compose(id -> health(vertx))
        .compose(h -> {
          ctx.verify(() -> {
            assertFalse(h.ready());
            assertTrue(h.detail().contains("no model pool"), h.detail());
          });
          return TurnProbe.open(vertx).compose(p -> p.run(say("wake up")));
        })
        .compose(t -> health(vertx))
        .map(h -> {
          ctx.verify(() -> {
            assertTrue(h.ready(), h.detail());
            assertEquals("ok", h.detail());
          });
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unknownProviderFailsTheDeploymentNamingTheKey(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, new JsonObject().put("provider", "telepathy"))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          ConfigException e = assertInstanceOf(ConfigException.class, failure);
          assertEquals("pool.provider", e.key());
          assertTrue(e.getMessage().contains("telepathy"));
          assertTrue(vertx.deploymentIDs().isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void undeployingLetsARunningTurnFinish(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, oneSession())
        .compose(id -> statsWhen(vertx, 3000, "warm", s -> s.idle() == 1).map(id))
        .compose(id -> TurnProbe.open(vertx).compose(probe -> probe.start(say("MOCK_SLOW 20 a short story"))
            .compose((TurnAccepted a) -> vertx.undeploy(id))
            .compose(v -> probe.terminal.future())
            .map(terminal -> {
              ctx.verify(() -> {
                assertInstanceOf(ChatEvent.Done.class, terminal.event(), "the running turn finished during the drain");
                assertEquals(1, probe.terminals());
              });
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void undeployingPastTheDrainTimeoutEndsRunningTurnsWithUnavailable(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, oneSession().put("drainTimeoutMs", 200))
        .compose(id -> statsWhen(vertx, 3000, "warm", s -> s.idle() == 1).map(id))
        .compose(id -> TurnProbe.open(vertx).compose(probe -> probe.start(say("MOCK_SLOW 300 long story"))
            .compose((TurnAccepted a) -> vertx.undeploy(id))
            .compose(v -> probe.terminal.future())
            .map(terminal -> {
              ctx.verify(() -> {
                ChatEvent.Failed failed = assertInstanceOf(ChatEvent.Failed.class, terminal.event());
                assertEquals(ErrorKind.UNAVAILABLE, failed.kind());
                assertEquals(1, probe.terminals());
              });
              return null;
            })))
        .compose(v -> Steps.failureOf(TurnProbe.stats(vertx)))
        .map(noStats -> {
          ctx.verify(() -> assertTrue(vertx.deploymentIDs().isEmpty()));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
