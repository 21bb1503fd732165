package dev.axon.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM against a real gateway JVM ({@link dev.axon.app.Main} in a child process, sent {@code kill -TERM}) with a
 * stream in flight: readiness turns 503 at once, new requests are still served during the grace period and refused
 * with 503 after it, the stream runs to its {@code [DONE]}, the sessions close and the process exits 0. And when
 * the stream outlasts the drain timeout, it is cut and the process still exits 0, on time.
 */
class GracefulDrainTest {

  static final String KEY = "sk-drain-test-0123456789";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private Path log;

  @AfterEach
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermDrainsTheStreamInFlightThenExitsZero() throws Exception {
    int port = start(3_000, 30_000);
    List<String> lines = new CopyOnWriteArrayList<>();
    // About 30 words, 150 ms apart: the stream runs for several seconds after the signal.
    CompletableFuture<HttpResponse<Void>> stream = http.sendAsync(chat(port, true, "MOCK_SLOW 150 please keep talking while the node drains"),
        HttpResponse.BodyHandlers.ofByteArrayConsumer(chunk -> chunk.ifPresent(bytes -> lines.add(new String(bytes)))));
    waitFor(() -> lines.stream().anyMatch(l -> l.contains("\"content\":\" ")), 20_000, "the stream's first words");

    signal("TERM");
    waitFor(() -> status(port, "/health") == 503, 5_000, "readiness to turn 503");
    HttpResponse<String> health = http.send(get(port, "/health"), HttpResponse.BodyHandlers.ofString());
    assertEquals("draining", new JsonObject(health.body()).getString("status"));
    HttpResponse<String> during = http.send(chat(port, false, "served during the grace period"), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, during.statusCode(), "new requests are served during the grace period");

    waitFor(() -> chatStatus(port) == 503, 10_000, "new requests to be refused");
    HttpResponse<String> refused = http.send(chat(port, false, "too late"), HttpResponse.BodyHandlers.ofString());
    assertEquals(503, refused.statusCode());
    assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
    assertEquals("service_unavailable", new JsonObject(refused.body()).getJsonObject("error").getString("code"));
    assertEquals(200, status(port, "/healthz"), "liveness stays up while draining");

    assertEquals(200, stream.get(30, TimeUnit.SECONDS).statusCode());
    String body = String.join("", lines);
    assertTrue(body.trim().endsWith("data: [DONE]"), body);
    assertFalse(body.contains("\"error\""), "the stream ended normally: " + body);
    assertTrue(body.contains("drains"), "every word arrived: " + body);

    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the process exits");
    assertEquals(0, process.exitValue(), logText());
    String text = logText();
    assertTrue(text.contains("SIGTERM: draining"), text);
    assertTrue(text.contains("every request in flight has finished"), text);
    assertTrue(text.contains("Axon stopped after a drain"), text);
  }

  @Test
  void aStreamLongerThanTheDrainTimeoutIsCutAndTheProcessStillExitsZero() throws Exception {
    int port = start(200, 2_000);
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<HttpResponse<Void>> stream = http.sendAsync(chat(port, true, "MOCK_SLOW 2000 this answer takes far longer than the drain allows"),
        HttpResponse.BodyHandlers.ofByteArrayConsumer(chunk -> chunk.ifPresent(bytes -> lines.add(new String(bytes)))));
    waitFor(() -> lines.stream().anyMatch(l -> l.contains("\"content\":\" ")), 20_000, "the stream's first words");
    long signalled = System.nanoTime();
    signal("TERM");
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the process exits");
    assertEquals(0, process.exitValue(), logText());
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - signalled) < 45, "bounded by the drain timeout");
    assertTrue(logText().contains("still in flight are cut"), logText());
    try {
      stream.get(10, TimeUnit.SECONDS);
    } catch (Exception cut) {
      // The connection was closed under the stream: that is the cut.
    }
    assertFalse(String.join("", lines).trim().endsWith("data: [DONE]"), "the stream did not complete");
  }

  /** Starts the gateway in a child JVM with the given drain settings; returns its port once it is ready. */
  private int start(long graceMs, long timeoutMs) throws Exception {
    int port = ValkeyFixture.freePort();
    Path dir = Files.createTempDirectory("axon-drain-");
    Path conf = dir.resolve("axon.yaml");
    Files.writeString(conf, String.join("\n",
        "api:",
        "  host: 127.0.0.1",
        "  port: " + port,
        "  instances: 1",
        "  keys: [" + KEY + "]",
        "store:",
        "  backend: memory",
        "pool:",
        "  provider: mock",
        "  size: 2",
        "ops:",
        "  drain:",
        "    graceMs: " + graceMs,
        "    timeoutMs: " + timeoutMs,
        "reloadPeriodMs: 0",
        ""));
    log = dir.resolve("axon.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.axon.app.Main")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("AXON_CONF", conf.toString());
    builder.environment().remove("AXON_PORT");
    builder.environment().remove("AXON_API_KEYS");
    process = builder.start();
    waitFor(() -> status(port, "/health") == 200, 60_000, "the gateway to be ready");
    return port;
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + name);
  }

  private HttpRequest chat(int port, boolean stream, String text) {
    JsonObject body = Gateway.request(text).put("stream", stream);
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
  }

  private HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).GET().build();
  }

  private int status(int port, String path) {
    try {
      return http.send(get(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private int chatStatus(int port) {
    try {
      return http.send(chat(port, false, "knock knock"), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private void waitFor(java.util.function.BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new AssertionError("the gateway exited while waiting for " + what + ":\n" + logText());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what + ":\n" + logText());
      }
      Thread.sleep(25);
    }
  }

  private String logText() {
    try {
      return Files.readAllLines(log).stream().collect(Collectors.joining("\n"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
