package dev.axon.pool.tests.claudecode;

import static dev.axon.pool.tests.claudecode.ClaudeCodeHarness.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.FinishReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Turns through the pool verticle on one real, long-lived claude process pointed at the mock upstream. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaudeCodeTurnsTest {

  private ClaudeCodeHarness h;

  @BeforeAll
  void start() {
    h = new ClaudeCodeHarness();
    h.deploy(h.poolConfig(null));
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
    h.awaitIdle(1, 10_000);
  }

  @Test
  void plainTurnStreamsTheUpstreamReplyWithItsUsageAndStopReason() {
    ClaudeCodeHarness.Turn t = h.start(chat("Hello there"));
    ChatEvent.Done done = t.done();
    assertTrue(t.text().startsWith("Hello from the mock upstream. You said: "), t.text());
    assertTrue(t.deltas() > 3, "streamed in pieces: " + t.events);
    assertEquals(FinishReason.STOP, done.finishReason());
    assertTrue(done.usage().completionTokens() > 3, done.toString());
    assertTrue(done.usage().promptTokens() > 3, done.toString());
  }
}
