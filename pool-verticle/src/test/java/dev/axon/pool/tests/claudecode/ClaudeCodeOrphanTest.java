package dev.axon.pool.tests.claudecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.anthropic.MockAnthropicServer;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * No claude process outlives a gateway JVM killed with SIGKILL: a real JVM ({@link OrphanProbe}) runs a pool of two
 * sessions, one mid-turn, and is killed; its processes must be gone within seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaudeCodeOrphanTest {

  private Vertx vertx;
  private MockAnthropicServer mock;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    mock = ClaudeCodeHarness.await(MockAnthropicServer.start(vertx, 0));
  }

  @AfterAll
  void stop() {
    ClaudeCodeHarness.await(vertx.close());
  }

  @Test
  void sessionsDieWithAGatewayKilledBySigkillEvenMidTurn() throws Exception {
    List<Long> pids = runProbeAndKill(true);
    assertEquals(2, pids.size(), pids.toString());
    awaitGone(pids, 5_000);
  }

  private List<Long> runProbeAndKill(boolean parentDeathSignal) throws Exception {
    Path work = java.nio.file.Files.createTempDirectory("axon-cc-orphans-");
    try {
      return runProbeAndKill(parentDeathSignal, work);
    } finally {
      ClaudeCodeHarness.deleteTree(work); // a gateway killed with SIGKILL cleans up nothing
    }
  }

  private List<Long> runProbeAndKill(boolean parentDeathSignal, Path work) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process probe = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        OrphanProbe.class.getName(), ClaudeCodeHarness.claudeBin(), mock.baseUrl(), Boolean.toString(parentDeathSignal), work.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      CompletableFuture<List<Long>> pids = CompletableFuture.supplyAsync(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.startsWith("PIDS ")) {
              List<Long> out = new ArrayList<>();
              for (String p : line.substring(5).trim().split("\\s+")) {
                if (!p.isEmpty()) {
                  out.add(Long.parseLong(p));
                }
              }
              return out;
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        throw new IllegalStateException("the probe exited without reporting its processes");
      });
      List<Long> found = pids.get(90, TimeUnit.SECONDS);
      for (long pid : found) {
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " runs before the kill");
      }
      probe.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful close
      assertTrue(probe.waitFor(10, TimeUnit.SECONDS));
      return found;
    } finally {
      probe.destroyForcibly();
    }
  }

  private static void awaitGone(List<Long> pids, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<Long> alive = pids;
    while (System.currentTimeMillis() < deadline) {
      alive = pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
      if (alive.isEmpty()) {
        return;
      }
      ClaudeCodeHarness.sleep(50);
    }
    alive.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    throw new AssertionError("orphaned claude processes after the gateway died: " + alive);
  }
}
