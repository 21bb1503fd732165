package dev.axon.pool.tests.claudecode;

import static dev.axon.pool.tests.claudecode.ClaudeCodeHarness.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolHealth;
import dev.axon.testkit.anthropic.RecordedRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Start-up, authentication, recycling and shutdown of claude sessions; each test deploys its own pool. */
class ClaudeCodeLifecycleTest {

  private ClaudeCodeHarness h;

  @BeforeEach
  void start() {
    h = new ClaudeCodeHarness();
  }

  @AfterEach
  void stop() {
    h.mock.requireApiKey(null);
    h.close();
    long deadline = System.currentTimeMillis() + 5_000;
    while (!ClaudeCodeHarness.claudeProcesses().isEmpty() && System.currentTimeMillis() < deadline) {
      ClaudeCodeHarness.sleep(50);
    }
  }

  @Test
  void anOauthTokenReachesTheUpstreamAsABearerTokenWithTheOauthBeta() {
    h.deploy(h.poolConfig(new JsonObject().put("env", new JsonObject()
        .put("ANTHROPIC_API_KEY", "").put("CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-axon-test"))));
    h.awaitIdle(1, 30_000);
    ClaudeCodeHarness.Turn t = h.start(chat("Hello with OAuth"));
    t.done();
    RecordedRequest r = h.lastTurnRequest();
    assertEquals("Bearer sk-ant-oat01-axon-test", r.header("authorization"));
    assertNull(r.header("x-api-key"));
    assertTrue(r.header("anthropic-beta").contains("oauth-2025-04-20"), r.header("anthropic-beta"));
    assertTrue(r.body().getJsonArray("tools", new io.vertx.core.json.JsonArray()).isEmpty());
    for (RecordedRequest any : h.mock.messageRequests()) {
      assertEquals("Bearer sk-ant-oat01-axon-test", any.header("authorization"), "the model check too");
    }
  }

  @Test
  void anApiKeyReachesTheUpstreamAsXApiKey() {
    h.deploy(h.poolConfig(null));
    h.awaitIdle(1, 30_000);
    h.start(chat("Hello with a key")).done();
    for (RecordedRequest any : h.mock.messageRequests()) {
      assertEquals(ClaudeCodeHarness.API_KEY, any.header("x-api-key"));
      assertNull(any.header("authorization"));
    }
  }

  @Test
  void rejectedCredentialsFailTheStartShowInHealthAndRecoverAfterBackOff() {
    h.mock.requireApiKey("sk-ant-the-right-one");
    h.deploy(h.poolConfig(null));
    ModelPoolStats stats = h.awaitStats(s -> s.lastError() != null, 30_000);
    assertTrue(stats.lastError().contains("credentials"), stats.lastError());
    assertEquals(0, stats.idle());
    PoolHealth health = h.health();
    assertFalse(health.ready());
    assertTrue(health.detail().contains("credentials"), health.detail());
    ChatEvent.Failed failed = h.start(chat("Anyone?")).failed();
    assertEquals(ErrorKind.UNAVAILABLE, failed.kind(), failed.toString());
    int attempts = h.mock.messageRequests().size();
    assertTrue(attempts <= 6, "backing off, not a respawn storm: " + attempts + " start attempts");
    h.mock.requireApiKey(null);
    h.awaitIdle(1, 30_000);
    assertTrue(h.health().ready());
  }

  @Test
  void aMissingBinaryShowsInHealth() {
    h.deploy(h.poolConfig(new JsonObject().put("bin", "/nonexistent/claude")));
    ModelPoolStats stats = h.awaitStats(s -> s.lastError() != null, 10_000);
    assertTrue(stats.lastError().contains("was not found") && stats.lastError().contains("AXON_CLAUDE_BIN"), stats.lastError());
    assertTrue(h.health().detail().contains("not found"), h.health().detail());
    assertTrue(ClaudeCodeHarness.claudeProcesses().isEmpty());
  }

  @Test
  void aProcessThatPrintsGarbageIsDiscardedWithAClearError() throws IOException {
    Path fake = Files.createTempFile("fake-claude-", ".sh",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Files.writeString(fake, String.join("\n",
          "#!/bin/bash",
          "# A stand-in for the claude CLI: answers the control requests of a start, then breaks the protocol.",
          "while IFS= read -r line; do",
          "  rid=$(printf '%s' \"$line\" | sed -n 's/.*\"request_id\":\"\\([^\"]*\\)\".*/\\1/p')",
          "  case \"$line\" in",
          "    *'\"type\":\"control_request\"'*) printf '{\"type\":\"control_response\",\"response\":{\"subtype\":\"success\",\"request_id\":\"%s\",\"response\":{}}}\\n' \"$rid\" ;;",
          "    *'\"type\":\"user\"'*) echo 'Segmentation fault: this is not JSON' ;;",
          "  esac",
          "done", ""));
      h.deploy(h.poolConfig(new JsonObject().put("bin", fake.toString())).put("max", 2));
      h.awaitIdle(1, 30_000);
      ChatEvent.Failed failed = h.start(chat("Hello")).failed();
      assertEquals(ErrorKind.UPSTREAM_ERROR, failed.kind());
      assertTrue(failed.message().contains("output protocol"), failed.message());
      ModelPoolStats stats = h.awaitIdle(1, 20_000);
      assertTrue(stats.counters().discard() >= 1, stats.toString());
    } finally {
      h.undeploy();
      Files.deleteIfExists(fake);
    }
  }

  @Test
  void aSessionPastMaxTurnsIsRecycledInTheBackgroundOffTheRequestPath() {
    h.deploy(h.poolConfig(null).put("maxTurns", 3).put("max", 2));
    h.awaitIdle(1, 30_000);
    ClaudeCodeHarness.Turn first = h.start(chat("one"));
    first.done();
    h.awaitIdle(1, 10_000);
    List<ProcessHandle> before = ClaudeCodeHarness.claudeProcesses();
    assertEquals(1, before.size());
    ClaudeCodeHarness.Turn second = h.start(chat("two"));
    second.done();
    assertEquals(first.accepted.sessionId(), second.accepted.sessionId());
    // warm-up + two turns = 3 = maxTurns: closed on release, replaced at once, before anyone asks
    ModelPoolStats stats = h.awaitStats(s -> s.idle() == 1 && s.counters().recycle() == 1, 30_000);
    long missesBefore = stats.counters().miss();
    long deadline = System.currentTimeMillis() + 5_000;
    while (before.get(0).isAlive() && System.currentTimeMillis() < deadline) {
      ClaudeCodeHarness.sleep(20);
    }
    assertFalse(before.get(0).isAlive(), "the recycled process was closed");
    ClaudeCodeHarness.Turn third = h.start(chat("three"));
    third.done();
    assertNotEquals(first.accepted.sessionId(), third.accepted.sessionId());
    assertEquals(missesBefore, h.stats().counters().miss(), "the next request found the replacement warm");
  }

  @Test
  void undeployingThePoolClosesEveryProcessAndItsDirectory() throws IOException {
    Path work = Files.createTempDirectory("axon-cc-shutdown-");
    h.deploy(h.poolConfig(new JsonObject().put("workDir", work.toString())).put("size", 2).put("max", 2));
    h.awaitIdle(2, 30_000);
    h.start(chat("Hello")).done();
    List<ProcessHandle> processes = ClaudeCodeHarness.claudeProcesses();
    assertEquals(2, processes.size(), processes.toString());
    h.undeploy();
    for (ProcessHandle p : processes) {
      assertFalse(p.isAlive(), "process " + p.pid() + " exited with the pool");
    }
    try (var left = Files.list(work)) {
      assertEquals(0, left.count(), "session directories removed");
    }
    ClaudeCodeHarness.deleteTree(work);
  }
}
