package dev.axon.pool.tests;

import static dev.axon.pool.tests.Steps.delay;
import static dev.axon.pool.tests.TurnProbe.stats;
import static dev.axon.pool.tests.TurnProbe.statsWhen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolCounters;
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.turn.TurnEvent;
import dev.axon.pool.PoolVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pool verticle with the mock provider, through the event-bus turn protocol only: acceptance, ordered
 * events ending in exactly one terminal event, failures, heartbeats, cancel, callers that vanish, and the stats
 * and health answers.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class PoolVerticleTest {

  static final String MODEL = "claude-sonnet-4-6";
  static final Pattern WORDS = Pattern.compile("\\s+");

  static JsonObject config() {
    return new JsonObject().put("provider", "mock").put("size", 2).put("maxTurns", 200)
        .put("warm", new JsonArray().add(MODEL)).put("heartbeatMs", 200);
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    Codecs.register(vertx);
    vertx.deployVerticle(new PoolVerticle(), new DeploymentOptions().setConfig(config()))
        .compose(id -> statsWhen(vertx, 3000, "warm", s -> s.idle() == 2))
        .onComplete(ctx.succeedingThenComplete());
  }

  static ChatRequest chat(ChatMessage... messages) {
    return new ChatRequest(MODEL, List.of(messages), null, null, null, null, null, null, null);
  }

  static ChatRequest say(String text) {
    return chat(ChatMessage.user(text));
  }

  static int words(String text) {
    return WORDS.split(text.trim()).length;
  }

  /** Seqs are 0, 1, 2, … in order, and the only terminal event is the last one. */
  static void assertWellFormed(TurnProbe probe) {
    List<TurnEvent> events = probe.events;
    for (int i = 0; i < events.size(); i++) {
      TurnEvent e = events.get(i);
      assertEquals(i, e.seq(), "event " + i + " in order");
      assertEquals(probe.turnId, e.turnId());
      assertEquals(probe.accepted.controlAddress(), e.controlAddress());
    }
    assertEquals(1, probe.terminals(), "exactly one terminal event");
    assertTrue(events.get(events.size() - 1).event().terminal(), "the terminal event comes last");
  }

  @Test
  void turnIsAcceptedThenStreamsNumberedEventsEndingInOneDone(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = chat(ChatMessage.system("You are terse."), ChatMessage.user("My name is Ada"),
        ChatMessage.assistant("Hi Ada"), ChatMessage.user("What is my name"));
    String expected = "You said: What is my name | I received 4 messages. The first user message was: My name is Ada";
    TurnProbe.open(vertx)
        .compose(probe -> probe.start(req).compose(accepted -> {
          ctx.verify(() -> {
            assertEquals(probe.turnId, accepted.turnId());
            assertEquals("mock", accepted.provider());
            assertTrue(accepted.sessionId().startsWith("mock-"), accepted.sessionId());
            assertTrue(accepted.controlAddress().startsWith(Addresses.turnControl("")), accepted.controlAddress());
          });
          return probe.terminal.future();
        }).compose(t -> delay(vertx, 100)).compose(v -> stats(vertx)).map(stats -> {
          ctx.verify(() -> {
            assertWellFormed(probe);
            assertEquals(expected, probe.text());
            // The mock produces its words and its end in one event-loop turn: they leave the pool as one message.
            assertEquals(1, probe.deltas(), "the deltas of one event-loop turn are sent together");
            assertEquals(1, probe.events.size(), "the whole reply and its end are one message");
            assertEquals(1, probe.messages.size(), "... with the acceptance: " + probe.messages);
            assertEquals(probe.accepted, probe.events.get(0).accepted());
            assertEquals(expected, probe.events.get(0).precedingText());
            ChatEvent.Done done = assertInstanceOf(ChatEvent.Done.class, probe.terminal.future().result().event());
            assertEquals(FinishReason.STOP, done.finishReason());
            assertEquals(MODEL, done.servedModel());
            assertEquals(3 + 4 + 2 + 4, done.usage().promptTokens());
            assertEquals(words(expected), done.usage().completionTokens());
            assertEquals(new PoolCounters(1, 1, 2, 0, 0, 0, 1), stats.counters());
            assertEquals(2, stats.idle());
            assertEquals(0, stats.busy());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** The pool remembers each model's provider chain: a configuration change must still move the model at once. */
  @Test
  void aConfigurationChangeMovesAModelToItsNewProvider(Vertx vertx, VertxTestContext ctx) {
    JsonObject next = config().put("provider", "anthropic")
        .put("anthropic", new JsonObject().put("baseUrl", "http://127.0.0.1:9").put("apiKey", "sk-ant-test"));
    TurnProbe.open(vertx)
        .compose(before -> before.run(say("first")).map(t -> before.accepted.provider()))
        .compose(first -> {
          ctx.verify(() -> assertEquals("mock", first));
          vertx.eventBus().publish(Addresses.CONFIG_POOL, next);
          return delay(vertx, 100);
        })
        .compose(v -> TurnProbe.open(vertx))
        .compose(after -> after.start(say("second")))
        .onComplete(ctx.succeeding(accepted -> ctx.verify(() -> {
          assertEquals("anthropic", accepted.provider());
          ctx.completeNow();
        })));
  }

  @Test
  void concurrentTurnsEachGetTheirOwnReply(Vertx vertx, VertxTestContext ctx) {
    int turns = 4;
    Checkpoint replied = ctx.checkpoint(turns);
    Checkpoint allReleased = ctx.checkpoint();
    List<Future<TurnEvent>> ends = new ArrayList<>();
    for (int i = 0; i < turns; i++) {
      String text = "conversation number " + i;
      ends.add(TurnProbe.open(vertx).compose(probe -> probe.run(say(text)).onSuccess(end -> {
        ctx.verify(() -> {
          assertWellFormed(probe);
          assertEquals("You said: " + text + " | I received 1 messages. The first user message was: " + text,
              probe.text(), "no turn sees another's conversation");
        });
        replied.flag();
      })));
    }
    Future.all(ends)
        .compose(v -> statsWhen(vertx, 2000, "all released", s -> s.counters().release() == turns))
        .onComplete(ctx.succeeding(stats -> {
          ctx.verify(() -> {
            assertEquals(turns, stats.counters().acquire());
            assertEquals(turns, stats.counters().request());
            assertEquals(0, stats.counters().discard());
            assertEquals(0, stats.busy());
          });
          allReleased.flag();
        }));
  }

  @Test
  void mockFailEndsWithFailedAndTheSessionIsReleased(Vertx vertx, VertxTestContext ctx) {
    TurnProbe.open(vertx)
        .compose(probe -> probe.run(say("MOCK_FAIL please")).compose(t -> delay(vertx, 100)).compose(v -> stats(vertx)).map(stats -> {
          ctx.verify(() -> {
            assertWellFormed(probe);
            assertEquals(1, probe.events.size(), "nothing but the failure");
            ChatEvent.Failed failed = assertInstanceOf(ChatEvent.Failed.class, probe.events.get(0).event());
            assertEquals(ErrorKind.UPSTREAM_ERROR, failed.kind());
            assertTrue(failed.message().contains("MOCK_FAIL"), failed.message());
            assertEquals(stats.counters().acquire(), stats.counters().release());
            assertEquals(new PoolCounters(1, 1, 2, 0, 0, 0, 1), stats.counters(), "released, not discarded: the session is alive");
            assertEquals(2, stats.idle());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void deltasProducedApartAreSentAsTheyComeNotHeldBack(Vertx vertx, VertxTestContext ctx) {
    // MOCK_SLOW 30: one word every 30 ms, each in its own event-loop turn.
    String prompt = "MOCK_SLOW 30 one two three";
    TurnProbe.open(vertx)
        .compose(probe -> probe.run(say(prompt)).map(t -> {
          ctx.verify(() -> {
            assertWellFormed(probe);
            assertTrue(probe.text().startsWith("You said: " + prompt), probe.text());
            assertEquals(words(probe.text()), probe.deltas(), "one delta per word");
            // The first word comes a pass after the acceptance, which does not wait for it.
            assertEquals(probe.accepted, probe.messages.get(0), "the acceptance leaves alone, first: " + probe.messages);
            assertTrue(probe.events.stream().allMatch(e -> e.accepted() == null), "and only once");
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void mockFailMidstreamSendsSomeDeltasThenFailed(Vertx vertx, VertxTestContext ctx) {
    TurnProbe.open(vertx)
        .compose(probe -> probe.run(say("MOCK_FAIL_MIDSTREAM")).compose(t -> stats(vertx)).map(stats -> {
          ctx.verify(() -> {
            assertWellFormed(probe);
            assertEquals(1, probe.deltas(), "the words before the failure, sent together with it");
            assertEquals("You said: MOCK_FAIL_MIDSTREAM", probe.text());
            ChatEvent.Failed failed = assertInstanceOf(ChatEvent.Failed.class, probe.events.get(0).event());
            assertEquals(ErrorKind.UPSTREAM_ERROR, failed.kind());
            assertEquals(stats.counters().acquire(), stats.counters().release());
            assertEquals(0, stats.counters().discard());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void silentTurnSendsHeartbeatsAsRequestsWithoutUsingSeqs(Vertx vertx, VertxTestContext ctx) {
    TurnProbe.open(vertx).compose(probe -> probe.start(say("MOCK_SLOW 600 hello"))
        .compose(a -> Steps.eventually(vertx, 3000, "two heartbeats", () -> probe.heartbeats.size() >= 2))
        .compose(v -> probe.firstDelta.future())
        .map(first -> {
          probe.cancel();
          ctx.verify(() -> {
            assertEquals(0, first.seq(), "heartbeats do not use up sequence numbers");
            for (int i = 0; i < probe.heartbeats.size(); i++) {
              TurnEvent hb = probe.heartbeats.get(i);
              assertEquals(-1, hb.seq());
              assertEquals(probe.turnId, hb.turnId());
              assertEquals(probe.accepted.controlAddress(), hb.controlAddress());
              assertTrue(probe.heartbeatWasRequest.get(i), "a heartbeat expects an answer");
            }
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void cancelStopsASlowTurnPromptlyAndTheSessionGoesBack(Vertx vertx, VertxTestContext ctx) {
    TurnProbe.open(vertx).compose(probe -> probe.start(say("MOCK_SLOW 200 tell me a long story"))
        .compose(a -> probe.firstDelta.future())
        .compose(first -> {
          probe.cancel();
          return statsWhen(vertx, 2000, "cancelled turn released", s -> s.counters().release() == 1);
        })
        .compose(stats -> {
          ctx.verify(() -> {
            assertEquals(new PoolCounters(1, 1, 2, 0, 0, 0, 1), stats.counters(), "released, not discarded");
            assertEquals(2, stats.idle(), "reset and idle again");
          });
          // let anything sent before the cancel arrive, then watch for more
          return delay(vertx, 50).map(v -> probe.events.size());
        })
        .compose(seen -> delay(vertx, 500).map(seen))
        .compose(seen -> {
          ctx.verify(() -> {
            assertEquals(seen, probe.events.size(), "no event after the cancel was handled");
            assertEquals(0, probe.terminals(), "a cancelled turn ends silently: its caller left");
          });
          return TurnProbe.open(vertx).compose(next -> next.run(say("again")).map(t -> next));
        })
        .compose(next -> stats(vertx).map(stats -> {
          ctx.verify(() -> {
            assertInstanceOf(ChatEvent.Done.class, next.terminal.future().result().event());
            assertEquals(2, stats.counters().warmup(), "no session was replaced");
            assertEquals(2, stats.counters().release());
            assertEquals(0, stats.counters().discard());
          });
          return null;
        })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void turnWhoseCallerVanishedIsStoppedByTheHeartbeat(Vertx vertx, VertxTestContext ctx) {
    TurnProbe.open(vertx).compose(probe -> probe.start(say("MOCK_SLOW 3000 anyone there"))
        .compose(a -> probe.unregister())
        .compose(v -> statsWhen(vertx, 2500, "the orphaned turn is stopped", s -> s.counters().release() == 1))
        .map(stats -> {
          ctx.verify(() -> {
            assertEquals(0, stats.counters().discard());
            assertEquals(0, stats.busy());
            assertEquals(2, stats.idle());
            assertTrue(probe.events.isEmpty());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void statsDescribeEveryModelPool(Vertx vertx, VertxTestContext ctx) {
    stats(vertx).onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
      assertNotNull(stats.nodeId());
      assertEquals(1, stats.models().size());
      ModelPoolStats m = stats.models().get(0);
      assertEquals(MODEL, m.model());
      assertEquals("mock", m.provider());
      assertEquals(2, m.idle());
      assertEquals(0, m.busy());
      assertEquals(0, m.pending());
      assertEquals(0, m.waiting());
      assertTrue(m.ready());
      assertEquals(new PoolCounters(0, 0, 2, 0, 0, 0, 0), m.counters());
      assertEquals(m.counters(), stats.counters(), "totals over one model are that model's");
      ctx.completeNow();
    })));
  }

  @Test
  void healthIsReadyWithWarmSessions(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<PoolHealth>request(Addresses.POOL_HEALTH, null).map(Message::body)
        .onComplete(ctx.succeeding(health -> ctx.verify(() -> {
          assertTrue(health.ready());
          assertEquals("ok", health.detail());
          ctx.completeNow();
        })));
  }
}
