package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.KEY_B;
import static dev.axon.app.tests.Gateway.await;
import static dev.axon.app.tests.Gateway.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Keys never reach a log line or a response, whatever fails; and an address that keeps failing to authenticate is
 * slowed down (by timers: other addresses are served as fast as ever), with a bound on how many of its requests
 * may wait. Each test sends from its own loopback address.
 */
@ExtendWith(VertxExtension.class)
class AuthAbuseTest {

  static final String CANARY = "sk-canary-never-log-me-4242";
  static Gateway gateway;

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    Gateway.boot(vertx, new JsonObject().put("size", 1).put("max", 2),
            new JsonObject().put("authFailures", new JsonObject().put("free", 2).put("windowMs", 60_000).put("maxDelayMs", 400))
                .put("trustedProxies", new JsonArray().add("127.0.0.8")))
        .onComplete(ctx.succeeding(g -> {
          gateway = g;
          ctx.completeNow();
        }));
  }

  static WebClient from(String address) {
    return WebClient.create(gateway.vertx, new WebClientOptions().setLocalAddress(address), new PoolOptions().setHttp1MaxSize(64));
  }

  static HttpResponse<Buffer> post(WebClient client, String authorization, Object body) {
    return post(client, authorization, body, null);
  }

  static HttpResponse<Buffer> post(WebClient client, String authorization, Object body, String forwardedFor) {
    var request = client.post(gateway.port, Gateway.HOST, "/v1/chat/completions");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return await(body instanceof JsonObject json ? request.sendJsonObject(json) : request.sendBuffer(Buffer.buffer(body.toString())));
  }

  @Test
  void keysNeverReachALogLineOrAResponse() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger axon = (Logger) LoggerFactory.getLogger("dev.axon");
    Level level = axon.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
    axon.setLevel(Level.DEBUG);
    List<String> bodies = new ArrayList<>();
    WebClient client = from("127.0.0.5");
    try {
      LoggerFactory.getLogger("dev.axon.tests").info("capture check");
      bodies.add(post(client, "Bearer " + CANARY, request("hi")).bodyAsString());
      bodies.add(post(client, "Basic " + CANARY, request("hi")).bodyAsString());
      bodies.add(post(client, "Bearer  " + CANARY + "  ", request("hi")).bodyAsString());
      bodies.add(post(client, "Bearer " + KEY_A, request("MOCK_FAIL")).bodyAsString());
      bodies.add(post(client, "Bearer " + KEY_A, "{not json").bodyAsString());
      bodies.add(post(client, "Bearer " + KEY_A, request("MOCK_FAIL_MIDSTREAM").put("stream", true)).bodyAsString());
      bodies.add(post(client, "Bearer " + KEY_B, request(KEY_A).put("model", CANARY)).bodyAsString());
      bodies.add(await(client.get(gateway.port, Gateway.HOST, "/v1/conversations/conv-x").putHeader("Authorization", "Bearer " + CANARY)
          .send()).bodyAsString());
    } finally {
      root.detachAppender(appender);
      axon.setLevel(level);
      client.close();
    }
    assertTrue(appender.list.stream().anyMatch(e -> e.getFormattedMessage().equals("capture check")), "the log is captured");
    for (ILoggingEvent event : appender.list) {
      String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertFalse(text.contains(CANARY) || text.contains(KEY_A) || text.contains(KEY_B), () -> "a key in a log line: " + text);
    }
    for (int i = 0; i < bodies.size(); i++) {
      String body = bodies.get(i);
      // The one request that puts a key into its own fields may see that field's value cut short, never a configured key.
      assertFalse(body.contains(KEY_B), "response " + i + ": " + body);
      if (i != 6) {
        assertFalse(body.contains(CANARY) || body.contains(KEY_A), "response " + i + ": " + body);
      }
    }
  }

  @Test
  void anAddressThatKeepsFailingIsSlowedDownAndBounded() {
    WebClient attacker = from("127.0.0.6");
    WebClient bystander = from("127.0.0.7");
    try {
      for (int i = 0; i < 2; i++) {
        long started = System.nanoTime();
        assertEquals(401, post(attacker, "Bearer wrong-" + i, request("hi")).statusCode());
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms < 90, "the free failures are not delayed: " + ms);
      }
      long[] tookMs = new long[4];
      for (int i = 0; i < 4; i++) {
        long started = System.nanoTime();
        assertEquals(401, post(attacker, "Bearer wrong-more-" + i, request("hi")).statusCode());
        tookMs[i] = (System.nanoTime() - started) / 1_000_000;
      }
      assertTrue(tookMs[0] >= 90, "the third attempt waits 100 ms: " + tookMs[0]);
      assertTrue(tookMs[1] >= 190, "then 200 ms: " + tookMs[1]);
      assertTrue(tookMs[3] >= 390, "capped at 400 ms: " + tookMs[3]);

      long started = System.nanoTime();
      HttpResponse<Buffer> good = post(attacker, "Bearer " + KEY_A, request("a good key from a bad address").put("store", false));
      long goodMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals(200, good.statusCode());
      assertTrue(goodMs >= 390, "a good key waits as long from there (no early answer): " + goodMs);

      // Many waiting at once: the throttle holds at most 32 per address and answers the rest 429 at once.
      List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        burst.add(attacker.post(gateway.port, Gateway.HOST, "/v1/chat/completions").putHeader("Authorization", "Bearer burst-" + i)
            .sendJsonObject(request("hi")));
      }
      long byStarted = System.nanoTime();
      HttpResponse<Buffer> other = post(bystander, "Bearer " + KEY_A, request("meanwhile").put("store", false));
      long otherMs = (System.nanoTime() - byStarted) / 1_000_000;
      assertEquals(200, other.statusCode());
      assertTrue(otherMs < 390, "another address is not slowed down: " + otherMs);
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<Buffer>> f : burst) {
        statuses.add(await(f).statusCode());
      }
      assertTrue(statuses.stream().allMatch(s -> s == 401 || s == 429), statuses::toString);
      assertTrue(statuses.contains(429), "past 32 waiting, 429: " + statuses);
    } finally {
      attacker.close();
      bystander.close();
    }
  }

  /**
   * Behind a trusted proxy the throttle counts the address the proxy forwards, so one failing client does not slow
   * down everyone behind the same proxy; a client that is no trusted proxy cannot name another address to dodge it.
   * The access log shows the forwarded address.
   */
  @Test
  void behindATrustedProxyTheForwardedClientIsTheOneSlowedDown() throws InterruptedException {
    WebClient proxy = from("127.0.0.8");
    WebClient direct = from("127.0.0.9");
    Logger access = (Logger) LoggerFactory.getLogger("axon.access");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    access.addAppender(lines);
    try {
      for (int i = 0; i < 3; i++) {
        assertEquals(401, post(proxy, "Bearer wrong-" + i, request("hi"), "1.1.1.1, 203.0.113.9").statusCode());
      }
      long started = System.nanoTime();
      assertEquals(401, post(proxy, "Bearer wrong-again", request("hi"), "203.0.113.9").statusCode());
      long failingMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(failingMs >= 90, "the forwarded client that keeps failing waits: " + failingMs);

      started = System.nanoTime();
      assertEquals(200, post(proxy, "Bearer " + KEY_A, request("hi").put("store", false), "203.0.113.10").statusCode());
      long neighbourMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(neighbourMs < 90, "another client behind the same proxy does not: " + neighbourMs);

      started = System.nanoTime();
      assertEquals(200, post(direct, "Bearer " + KEY_A, request("hi").put("store", false), "203.0.113.9").statusCode());
      long spoofMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(spoofMs < 90, "an untrusted peer's header names nobody: it is its own address: " + spoofMs);
      // A request's access line is written just after its response.
      long deadline = System.currentTimeMillis() + 2_000;
      while (lines.list.size() < 6 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      access.detachAppender(lines);
      proxy.close();
      direct.close();
    }
    List<String> remotes = new ArrayList<>();
    for (ILoggingEvent line : lines.list) {
      remotes.add(new JsonObject(line.getFormattedMessage()).getString("remote"));
    }
    assertEquals(List.of("203.0.113.9", "203.0.113.9", "203.0.113.9", "203.0.113.9", "203.0.113.10", "127.0.0.9"), remotes);
  }
}
