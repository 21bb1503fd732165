package dev.axon.pool.tests.claudecode;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRequest;
import dev.axon.pool.PoolVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A gateway stand-in for {@link ClaudeCodeOrphanTest}, run in its own JVM: a pool of two claude sessions, one of
 * them busy with a slow turn; prints {@code PIDS <pid> <pid>} and waits to be killed.
 * Arguments: the claude binary, the mock upstream's base URL, whether to use the parent-death signal, the work directory.
 */
public final class OrphanProbe {

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    Codecs.register(vertx);
    JsonObject cc = new JsonObject().put("bin", args[0]).put("parentDeathSignal", Boolean.parseBoolean(args[2])).put("workDir", args[3])
        .put("env", new JsonObject().put("ANTHROPIC_BASE_URL", args[1]).put("ANTHROPIC_API_KEY", "sk-probe"));
    JsonObject pool = new JsonObject().put("provider", "claude-code").put("size", 2).put("max", 2)
        .put("warm", new JsonArray().add(ClaudeCodeHarness.MODEL)).put("claude-code", cc);
    vertx.deployVerticle(new PoolVerticle(), new DeploymentOptions().setConfig(pool)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      PoolStats stats = vertx.eventBus().<PoolStats>request(Addresses.POOL_STATS, null).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).body();
      if (stats.idle() >= 2) {
        break;
      }
      Thread.sleep(100);
    }
    CompletableFuture<Void> streaming = new CompletableFuture<>();
    String address = Addresses.turnEvents("probe");
    vertx.eventBus().<Object>consumer(address, m -> {
      if (m.body() instanceof TurnEvent e && (e.event() instanceof ChatEvent.TextDelta || e.precedingText() != null)) {
        streaming.complete(null);
      }
    });
    ChatRequest slow = new ChatRequest(ClaudeCodeHarness.MODEL, List.of(ChatMessage.user("UPSTREAM_SLOW 1000 a very slow and long reply")),
        null, null, null, null, null, null, null);
    vertx.eventBus().send(Addresses.POOL_TURN, new TurnRequest("probe-turn", address, "probe", slow));
    streaming.get(60, TimeUnit.SECONDS);
    String pids = ClaudeCodeHarness.claudeProcesses().stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "));
    System.out.println("PIDS " + pids);
    System.out.flush();
    Thread.sleep(120_000);
    System.exit(0);
  }
}
