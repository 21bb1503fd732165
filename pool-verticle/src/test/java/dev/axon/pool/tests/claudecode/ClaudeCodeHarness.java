package dev.axon.pool.tests.claudecode;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRejected;
import dev.axon.common.turn.TurnRequest;
import dev.axon.pool.PoolVerticle;
import dev.axon.testkit.anthropic.MockAnthropicServer;
import dev.axon.testkit.anthropic.RecordedRequest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The real {@code claude} CLI behind a pool verticle, pointed at the testkit's mock Anthropic upstream. Tests
 * talk to the pool through the turn protocol on the event bus, as the API verticle does, and read what the
 * upstream received from the mock's recordings. Blocking helpers: call them from the test thread only.
 */
final class ClaudeCodeHarness implements AutoCloseable {

  static final String MODEL = "claude-sonnet-4-6";
  static final String API_KEY = "sk-ant-axon-test";

  final Vertx vertx;
  final MockAnthropicServer mock;
  private final String eventsAddress = Addresses.turnEvents("test-" + UUID.randomUUID());
  private final MessageConsumer<Object> consumer;
  private final Map<String, Turn> turns = new ConcurrentHashMap<>();
  private String deployment;

  /** One turn as the caller sees it. */
  static final class Turn {
    final String turnId = UUID.randomUUID().toString();
    final List<ChatEvent> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatEvent> end = new CompletableFuture<>();
    final CompletableFuture<Void> firstDelta = new CompletableFuture<>();
    volatile TurnAccepted accepted;

    String text() {
      return events.stream().filter(e -> e instanceof ChatEvent.TextDelta).map(e -> ((ChatEvent.TextDelta) e).text())
          .collect(Collectors.joining());
    }

    List<ChatEvent.ToolCallDelta> toolDeltas() {
      return events.stream().filter(e -> e instanceof ChatEvent.ToolCallDelta).map(e -> (ChatEvent.ToolCallDelta) e).toList();
    }

    long deltas() {
      return events.stream().filter(e -> e instanceof ChatEvent.TextDelta).count();
    }

    ChatEvent await() {
      try {
        return end.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("turn did not end: " + events, e);
      }
    }

    ChatEvent.Done done() {
      ChatEvent e = await();
      if (e instanceof ChatEvent.Done d) {
        return d;
      }
      throw new AssertionError("turn failed: " + e + "; events " + events);
    }

    ChatEvent.Failed failed() {
      ChatEvent e = await();
      if (e instanceof ChatEvent.Failed f) {
        return f;
      }
      throw new AssertionError("turn did not fail: " + e + "; text " + text());
    }
  }

  ClaudeCodeHarness() {
    this.vertx = Vertx.vertx();
    Codecs.register(vertx);
    this.mock = await(MockAnthropicServer.start(vertx, 0));
    this.consumer = vertx.eventBus().consumer(eventsAddress, m -> {
      if (m.body() instanceof TurnAccepted a) {
        accepted(a);
        return;
      }
      if (m.body() instanceof TurnRejected r) {
        Turn t = turns.get(r.turnId());
        if (t != null) {
          t.end.complete(new ChatEvent.Failed(r.kind(), r.message(), r.retryAfterSeconds()));
        }
        return;
      }
      TurnEvent e = (TurnEvent) m.body();
      if (m.replyAddress() != null) {
        m.reply(null);
      }
      if (e.accepted() != null) {
        accepted(e.accepted());
      }
      Turn t = turns.get(e.turnId());
      if (t == null || e.event() instanceof ChatEvent.Heartbeat) {
        return;
      }
      if (e.precedingText() != null) {
        t.events.add(new ChatEvent.TextDelta(e.precedingText()));
        t.firstDelta.complete(null);
      }
      t.events.add(e.event());
      if (e.event() instanceof ChatEvent.TextDelta || e.event() instanceof ChatEvent.ToolCallDelta) {
        t.firstDelta.complete(null);
      }
      if (e.event().terminal()) {
        t.end.complete(e.event());
      }
    });
    await(consumer.completion());
  }

  private void accepted(TurnAccepted a) {
    Turn t = turns.get(a.turnId());
    if (t != null) {
      t.accepted = a;
    }
  }

  /** The pinned CLI: AXON_CLAUDE_BIN, else tools/claude-code (installed by scripts/test.sh); skips without one. */
  static String claudeBin() {
    String configured = System.getenv("AXON_CLAUDE_BIN");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path bin = dir.resolve("tools/claude-code/node_modules/.bin/claude");
      if (Files.isExecutable(bin)) {
        return bin.toString();
      }
    }
    assumeTrue(false, "the claude CLI is not installed: run `npm ci` in tools/claude-code or set AXON_CLAUDE_BIN");
    return null;
  }

  /** Pool options with one warm session of {@link #MODEL} on the CLI pointed at the mock; merge in overrides. */
  JsonObject poolConfig(JsonObject claudeCode) {
    JsonObject env = new JsonObject().put("ANTHROPIC_BASE_URL", mock.baseUrl()).put("ANTHROPIC_API_KEY", API_KEY)
        .put("ANTHROPIC_AUTH_TOKEN", "").put("CLAUDE_CODE_OAUTH_TOKEN", "");
    JsonObject cc = new JsonObject().put("bin", claudeBin()).put("env", env)
        .put("inactivityTimeoutMs", 20_000).put("interruptTimeoutMs", 5_000).put("closeTimeoutMs", 2_000);
    if (claudeCode != null) {
      JsonObject extraEnv = claudeCode.getJsonObject("env");
      cc.mergeIn(claudeCode.copy().put("env", env.copy().mergeIn(extraEnv == null ? new JsonObject() : extraEnv)));
    }
    return new JsonObject().put("provider", "claude-code").put("size", 1).put("max", 1)
        .put("warm", new JsonArray().add(MODEL)).put("acquireTimeoutMs", 30_000).put("housekeepingMs", 200)
        .put("heartbeatMs", 1_000).put("claude-code", cc);
  }

  void deploy(JsonObject poolConfig) {
    deployment = await(vertx.deployVerticle(new PoolVerticle(), new DeploymentOptions().setConfig(poolConfig)));
  }

  void undeploy() {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
      deployment = null;
    }
  }

  /** Waits until the pool of {@link #MODEL} has {@code idle} idle sessions. */
  ModelPoolStats awaitIdle(int idle, long timeoutMs) {
    return awaitStats(s -> s.idle() >= idle, timeoutMs);
  }

  ModelPoolStats awaitStats(Predicate<ModelPoolStats> condition, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    ModelPoolStats last = null;
    while (System.currentTimeMillis() < deadline) {
      last = stats();
      if (last != null && condition.test(last)) {
        return last;
      }
      sleep(50);
    }
    throw new AssertionError("pool did not reach the expected state; last stats: " + last + "; health " + health());
  }

  ModelPoolStats stats() {
    PoolStats stats = await(vertx.eventBus().<PoolStats>request(Addresses.POOL_STATS, null)).body();
    return stats.models().stream().filter(m -> m.model().equals(MODEL)).findFirst().orElse(null);
  }

  PoolHealth health() {
    return await(vertx.eventBus().<PoolHealth>request(Addresses.POOL_HEALTH, null)).body();
  }

  Turn start(ChatRequest request) {
    Turn t = new Turn();
    turns.put(t.turnId, t);
    vertx.eventBus().<TurnRequest>sender(Addresses.POOL_TURN).write(new TurnRequest(t.turnId, eventsAddress, "req-" + t.turnId, request))
        .onFailure(e -> t.end.complete(new ChatEvent.Failed(dev.axon.common.error.AxonException.from(e, "pool").kind(), e.getMessage(), null)));
    return t;
  }

  void cancel(Turn t) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (t.accepted == null && System.currentTimeMillis() < deadline) {
      sleep(10);
    }
    vertx.eventBus().send(t.accepted.controlAddress(), new TurnCancel(t.turnId));
  }

  static ChatRequest chat(String... userTexts) {
    List<ChatMessage> messages = new ArrayList<>();
    for (String text : userTexts) {
      messages.add(ChatMessage.user(text));
    }
    return request(messages, Sampling.DEFAULTS, List.of(), null, null);
  }

  static ChatRequest request(List<ChatMessage> messages, Sampling sampling, List<ToolDefinition> tools, ToolChoice choice,
                             ResponseFormat format) {
    return new ChatRequest(MODEL, messages, sampling, tools, choice, null, format, null, null);
  }

  static Sampling sampling(Integer maxTokens, List<String> stop) {
    return new Sampling(null, null, maxTokens, stop, null, null, null, null, null, null, null, null);
  }

  /** The upstream requests that carried a conversation (not the CLI's one-token model checks). */
  List<RecordedRequest> turnRequests() {
    return mock.messageRequests().stream().filter(r -> r.body() != null && r.body().getInteger("max_tokens", 0) > 1).toList();
  }

  RecordedRequest lastTurnRequest() {
    List<RecordedRequest> all = turnRequests();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** The claude processes that are children of this JVM (through setpriv, which execs into claude). */
  static List<ProcessHandle> claudeProcesses() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.contains("claude")).orElse(false))
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future failed: " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  public void close() {
    try {
      undeploy();
    } finally {
      await(vertx.close());
    }
  }
}
