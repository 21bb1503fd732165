package dev.axon.pool.tests.claudecode;

import static dev.axon.pool.tests.claudecode.ClaudeCodeHarness.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.testkit.anthropic.MockReply;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults of real claude processes: killed mid-turn, killed before the first byte, a hanging upstream, a client
 * that goes away, a turn past its deadline. One warm session (the pool may grow to two while one is replaced).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaudeCodeFaultsTest {

  private static final long INACTIVITY_MS = 1_500;
  private static final long TURN_TIMEOUT_MS = 4_000;

  private ClaudeCodeHarness h;

  @BeforeAll
  void start() {
    h = new ClaudeCodeHarness();
    h.deploy(h.poolConfig(new JsonObject().put("inactivityTimeoutMs", INACTIVITY_MS))
        .put("max", 2).put("turnTimeoutMs", TURN_TIMEOUT_MS));
    h.awaitIdle(1, 30_000);
  }

  @AfterAll
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @BeforeEach
  void idle() {
    h.awaitStats(s -> s.idle() == 1 && s.busy() == 0 && s.pending() == 0, 20_000);
    h.mock.clear();
  }

  @Test
  void aProcessKilledMidTurnFailsTheTurnClearlyAndIsReplaced() throws Exception {
    ClaudeCodeHarness.Turn t = h.start(chat("UPSTREAM_SLOW 300 tell me a long story about the sea"));
    t.firstDelta.get(20, TimeUnit.SECONDS);
    List<ProcessHandle> processes = ClaudeCodeHarness.claudeProcesses();
    assertEquals(1, processes.size(), processes.toString());
    processes.get(0).destroyForcibly();
    ChatEvent.Failed failed = t.failed();
    assertEquals(ErrorKind.UPSTREAM_ERROR, failed.kind());
    assertTrue(failed.message().contains("exited"), failed.message());
    ModelPoolStats stats = h.awaitIdle(1, 20_000);
    assertTrue(stats.counters().discard() >= 1, stats.toString());
    ClaudeCodeHarness.Turn next = h.start(chat("Still there?"));
    next.done();
    assertNotEquals(t.accepted.sessionId(), next.accepted.sessionId(), "a fresh session serves now");
  }

  @Test
  void anIdleProcessThatDiesIsReplacedBeforeAnyoneAsks() {
    ModelPoolStats before = h.stats();
    List<ProcessHandle> processes = ClaudeCodeHarness.claudeProcesses();
    assertEquals(1, processes.size(), processes.toString());
    processes.get(0).destroyForcibly();
    ModelPoolStats after = h.awaitStats(s -> s.idle() == 1 && s.counters().discard() > before.counters().discard()
        && s.counters().warmup() > before.counters().warmup(), 20_000);
    assertTrue(after.ready());
    assertEquals(before.counters().miss(), after.counters().miss(), "replaced by the housekeeper, not on a request");
    h.start(chat("Hello again")).done();
  }

  @Test
  void aProcessThatDiesBeforeTheFirstByteIsRetriedOnAFreshSession() throws Exception {
    h.mock.enqueue(MockReply.text("never seen").delayBeforeHeaders(5_000));
    ClaudeCodeHarness.Turn t = h.start(chat("Hello"));
    long deadline = System.currentTimeMillis() + 10_000;
    while (h.mock.inFlight() == 0 && System.currentTimeMillis() < deadline) {
      ClaudeCodeHarness.sleep(20);
    }
    ClaudeCodeHarness.claudeProcesses().forEach(ProcessHandle::destroyForcibly);
    ChatEvent.Done done = t.done();
    assertTrue(t.text().startsWith("Hello from the mock upstream."), t.text());
    assertFalse(t.text().contains("never seen"));
    assertEquals(dev.axon.common.chat.FinishReason.STOP, done.finishReason());
  }

  @Test
  void aHangingUpstreamEndsInATimeoutAfterTheInactivityLimitAndTheSessionIsReplaced() {
    long started = System.currentTimeMillis();
    ChatEvent.Failed failed = h.start(chat("UPSTREAM_HANG")).failed();
    long took = System.currentTimeMillis() - started;
    assertEquals(ErrorKind.TIMEOUT, failed.kind(), failed.toString());
    assertTrue(failed.message().contains("no output"), failed.message());
    assertTrue(took >= INACTIVITY_MS && took < TURN_TIMEOUT_MS * 3, "took " + took + " ms");
    ModelPoolStats stats = h.awaitIdle(1, 20_000);
    assertTrue(stats.counters().discard() >= 1, stats.toString());
    h.start(chat("Back to normal")).done();
  }

  @Test
  void aCancelledTurnInterruptsTheCliPromptlyAndTheSessionIsResetNotLeaked() throws Exception {
    ClaudeCodeHarness.Turn t = h.start(chat("UPSTREAM_SLOW 250 a slow reply please"));
    t.firstDelta.get(20, TimeUnit.SECONDS);
    int abandonedBefore = h.mock.abandonedResponses();
    long cancelledAt = System.currentTimeMillis();
    h.cancel(t);
    long deadline = cancelledAt + 5_000;
    while (h.mock.abandonedResponses() == abandonedBefore && System.currentTimeMillis() < deadline) {
      ClaudeCodeHarness.sleep(10);
    }
    long stoppedAfter = System.currentTimeMillis() - cancelledAt;
    assertTrue(h.mock.abandonedResponses() > abandonedBefore, "the upstream stream was closed");
    assertTrue(stoppedAfter < 2_000, "promptly: " + stoppedAfter + " ms");
    h.awaitIdle(1, 10_000);
    ClaudeCodeHarness.Turn next = h.start(chat("Fresh start"));
    next.done();
    assertEquals(t.accepted.sessionId(), next.accepted.sessionId(), "the interrupted session was reset and reused");
    String body = h.lastTurnRequest().body().encode();
    assertEquals(1, h.lastTurnRequest().body().getJsonArray("messages").size(), body);
    assertFalse(body.contains("slow reply") || body.contains("interrupted"), body);
  }

  @Test
  void aTurnPastItsDeadlineFailsWithATimeoutAndItsSessionIsDiscarded() {
    StringBuilder words = new StringBuilder("UPSTREAM_SLOW 400");
    for (int i = 0; i < 20; i++) {
      words.append(" word").append(i);
    }
    ClaudeCodeHarness.Turn t = h.start(chat(words.toString()));
    ChatEvent.Failed failed = t.failed();
    assertEquals(ErrorKind.TIMEOUT, failed.kind(), failed.toString());
    assertTrue(failed.message().contains("did not finish within"), failed.message());
    ModelPoolStats stats = h.awaitIdle(1, 20_000);
    assertTrue(stats.counters().discard() >= 1, stats.toString());
    ClaudeCodeHarness.Turn next = h.start(chat("Next"));
    next.done();
    assertNotEquals(t.accepted.sessionId(), next.accepted.sessionId());
  }
}
