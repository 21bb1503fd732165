package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.axon.testkit.anthropic.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI ({@code tools/claude-code}, skipped when it is not installed) as a client of the gateway:
 * {@code ANTHROPIC_BASE_URL} pointed at Axon, a clean home and configuration directory, one-shot {@code -p} and
 * {@code stream-json} output; answered by the mock provider, and by the anthropic provider from the mock Messages
 * API, which receives the CLI's request with its blocks and cache breakpoints as the CLI sent them.
 */
@ExtendWith(VertxExtension.class)
class ClaudeCliClientTest {

  static final String MODEL = "claude-sonnet-4-6";
  static Gateway mock;
  static HttpGateway upstream;

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    claudeBin();
    upstream = new HttpGateway(new JsonObject(), new JsonObject());
    Gateway.boot(vertx, new JsonObject().put("size", 1).put("max", 2)).onComplete(ctx.succeeding(g -> {
      mock = g;
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void shutdown() {
    if (upstream != null) {
      upstream.close();
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

  record Run(int exit, String out, String err) {
  }

  /** Runs the CLI against the gateway at {@code port} with a clean environment, home and configuration. */
  static Run claude(Path home, int port, String key, List<String> args) throws IOException, InterruptedException {
    Path cwd = Files.createDirectories(home.resolve("cwd"));
    List<String> command = new ArrayList<>(List.of(claudeBin(), "--bare", "--model", MODEL));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
        .redirectOutput(home.resolve("out.txt").toFile()).redirectError(home.resolve("err.txt").toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("CLAUDE_CONFIG_DIR", Files.createDirectories(home.resolve("config")).toString());
    env.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + port);
    env.put("ANTHROPIC_API_KEY", key);
    env.put("CLAUDE_CODE_MAX_RETRIES", "0");
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("DISABLE_AUTOUPDATER", "1");
    Process process = pb.start();
    process.getOutputStream().close();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the claude CLI did not finish in 120 s");
    }
    return new Run(process.exitValue(), Files.readString(home.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(home.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  static List<JsonObject> lines(String out) {
    List<JsonObject> lines = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("{")) {
        lines.add(new JsonObject(line));
      }
    }
    return lines;
  }

  @Test
  void oneShotThroughTheMockProvider(@TempDir Path home) throws Exception {
    String prompt = "Say hello to the gateway " + System.nanoTime();
    Run run = claude(home, mock.port, KEY_A, List.of("-p", prompt));
    assertEquals(0, run.exit(), () -> "exit; stdout " + run.out() + " stderr " + run.err());
    assertTrue(run.out().contains("You said: " + prompt), run.out());
  }

  @Test
  void streamJsonThroughTheAnthropicProviderKeepsTheClientsBlocks(@TempDir Path home) throws Exception {
    String prompt = "Say hello to the upstream " + System.nanoTime();
    Run run = claude(home, upstream.port, HttpGateway.KEY,
        List.of("-p", prompt, "--output-format", "stream-json", "--verbose", "--include-partial-messages"));
    assertEquals(0, run.exit(), () -> "exit; stdout " + run.out() + " stderr " + run.err());
    List<JsonObject> lines = lines(run.out());
    JsonObject result = lines.stream().filter(l -> "result".equals(l.getString("type"))).findFirst().orElseThrow();
    assertFalse(result.getBoolean("is_error"), result::encode);
    assertTrue(result.getString("result").startsWith("Hello from the mock upstream. You said: " + prompt), result::encode);
    List<String> events = lines.stream().filter(l -> "stream_event".equals(l.getString("type")))
        .map(l -> l.getJsonObject("event").getString("type")).toList();
    assertEquals("message_start", events.get(0));
    assertEquals("message_stop", events.get(events.size() - 1));

    RecordedRequest sent = upstream.anthropic.lastMessageRequest();
    assertEquals(MODEL, sent.body().getString("model"));
    JsonArray tools = sent.body().getJsonArray("tools");
    assertTrue(tools != null && !tools.isEmpty(), "the CLI's tools reached the upstream");
    JsonArray content = sent.body().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
    JsonObject last = content.getJsonObject(content.size() - 1);
    assertEquals(prompt, last.getString("text"));
    assertEquals(new JsonObject().put("type", "ephemeral"), last.getJsonObject("cache_control"),
        "the CLI's cache breakpoint reached the upstream");
    assertEquals(HttpGateway.ANTHROPIC_KEY, sent.header("x-api-key"), "the upstream got the gateway's key, not the client's");
  }

  @Test
  void aWrongKeyIsReportedAsTheGatewaysAuthenticationError(@TempDir Path home) throws Exception {
    Run run = claude(home, mock.port, "sk-nobody-knows-this-key", List.of("-p", "hello", "--output-format", "stream-json", "--verbose"));
    JsonObject result = lines(run.out()).stream().filter(l -> "result".equals(l.getString("type"))).findFirst().orElseThrow();
    assertTrue(result.getBoolean("is_error"), result::encode);
    assertEquals(401, result.getInteger("api_error_status"), result::encode);
  }
}
