package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.await;
import static dev.axon.app.tests.Gateway.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bounded growth: with one warm session, at most two, one waiting request and a 500 ms queue deadline, a burst of
 * slow requests gets some answers and some 429s with Retry-After, and the pool never holds more than two sessions.
 * Timing-tolerant: it waits for the pool to be saturated instead of assuming how fast requests arrive.
 */
@ExtendWith(VertxExtension.class)
class BoundedPoolTest {

  static final int MAX = 2;
  static Gateway gateway;

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    JsonObject pool = new JsonObject().put("size", 1).put("max", MAX).put("maxWaiting", 1).put("acquireTimeoutMs", 500);
    Gateway.boot(vertx, pool).onComplete(ctx.succeeding(g -> {
      gateway = g;
      ctx.completeNow();
    }));
  }

  @Test
  void burstGetsSomeAnswersAndSome429sAndThePoolStaysBounded(Vertx vertx) throws Exception {
    awaitReady();
    OpenAIClient sdk = gateway.openai(KEY_A);
    // The SDK's first chat call loads its classes, which takes seconds on a busy machine: do it before the burst.
    sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("warm up").build());
    JsonObject countersBefore = gateway.fetch("/stats", KEY_A).bodyAsJsonObject().getJsonObject("pool").getJsonObject("counters");
    AtomicInteger maxSessions = new AtomicInteger();
    AtomicInteger maxWaiting = new AtomicInteger();
    long sampler = vertx.setPeriodic(50, t -> gateway.get("/stats", KEY_A).send().onSuccess(r -> {
      JsonObject s = r.bodyAsJsonObject().getJsonObject("sessions");
      maxSessions.accumulateAndGet(s.getInteger("idle") + s.getInteger("busy") + s.getInteger("pending"), Math::max);
      maxWaiting.accumulateAndGet(s.getInteger("waiting"), Math::max);
    }));

    int burst = 6;
    int ok = 0;
    int busy = 0;
    try {
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        // Each answer takes about 3 s: a word every 500 ms, capped at five words.
        calls.add(gateway.post("/v1/chat/completions", KEY_A).sendJsonObject(request("MOCK_SLOW 500").put("max_tokens", 5)));
      }
      // While the burst holds every session, the SDK is told to back off too: at once when the queue is full,
      // after the 500 ms queue deadline otherwise; either way long before a session is free again.
      awaitBusySessions(MAX);
      RateLimitException limited = assertThrows(RateLimitException.class, () -> sdk.chat().completions()
          .create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("me too").build()));
      assertEquals(429, limited.statusCode());
      assertEquals("pool_busy", limited.code().orElse(null));
      assertEquals(1, limited.headers().values("Retry-After").size(), "Retry-After is sent");

      for (Future<HttpResponse<Buffer>> call : calls) {
        HttpResponse<Buffer> r = await(call);
        if (r.statusCode() == 200) {
          ok++;
          OpenAiSchemas.assertValidResponse(r.bodyAsJsonObject());
        } else {
          busy++;
          assertEquals(429, r.statusCode(), r.bodyAsString());
          OpenAiSchemas.assertValidError(r.bodyAsJsonObject());
          assertEquals("pool_busy", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          String retryAfter = r.getHeader("Retry-After");
          assertTrue(retryAfter != null && Integer.parseInt(retryAfter) >= 1, "Retry-After: " + retryAfter);
        }
      }
    } finally {
      vertx.cancelTimer(sampler);
      sdk.close();
    }
    assertTrue(ok >= MAX, "the sessions served their turns: " + ok + " answered");
    assertTrue(busy >= 1, "the rest was refused, not queued without bound: " + busy + " refused");
    assertEquals(burst, ok + busy);
    assertTrue(maxSessions.get() >= 1 && maxSessions.get() <= MAX, "never more than " + MAX + " sessions, saw " + maxSessions.get());
    assertTrue(maxWaiting.get() <= 1, "never more than one waiting request, saw " + maxWaiting.get());

    JsonObject stats = gateway.fetch("/stats", KEY_A).bodyAsJsonObject();
    JsonObject counters = stats.getJsonObject("pool").getJsonObject("counters");
    assertEquals(ok, counters.getLong("acquire") - countersBefore.getLong("acquire"), "only the answered turns got a session: " + counters);
    assertEquals(counters.getLong("acquire"), counters.getLong("release") + counters.getLong("discard"), counters.encode());
    assertEquals(burst + 1, counters.getLong("request") - countersBefore.getLong("request"), "every turn asked the pool, the SDK's too");
    JsonObject sessions = stats.getJsonObject("sessions");
    assertEquals(0, sessions.getInteger("busy") + sessions.getInteger("waiting"), sessions.encode());
    assertTrue(sessions.getInteger("idle") + sessions.getInteger("pending") <= MAX, sessions.encode());
  }

  private static void awaitBusySessions(int count) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (gateway.fetch("/stats", KEY_A).bodyAsJsonObject().getJsonObject("sessions").getInteger("busy") >= count) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the burst did not occupy " + count + " sessions");
  }

  private static void awaitReady() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (gateway.fetch("/health", null).statusCode() == 200) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the gateway did not become ready");
  }
}
