package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.HOST;
import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.await;
import static dev.axon.app.tests.Gateway.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole gateway over plain HTTP: what the real mock provider produces is valid against the official schemas,
 * two turns racing on one conversation, readiness, and the counters of {@code /stats} after the traffic.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayHttpTest {

  static Gateway gateway;

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    Gateway.boot(vertx, new JsonObject().put("size", 2).put("max", 4)).onComplete(ctx.succeeding(g -> {
      gateway = g;
      ctx.completeNow();
    }));
  }

  @Test
  @Order(1)
  void healthIsReadyAndTheConversationCounterGrows() {
    HttpResponse<Buffer> before = gateway.fetch("/health", null);
    assertEquals(200, before.statusCode(), before.bodyAsString());
    JsonObject health = before.bodyAsJsonObject();
    assertEquals("ok", health.getString("status"));
    assertEquals("ok", health.getString("store"));
    assertEquals("ok", health.getString("pool"));
    long conversations = health.getLong("conversations");

    assertEquals(200, gateway.chat(KEY_A, request("count me")).statusCode());
    assertEquals(200, gateway.chat(KEY_A, request("not me").put("store", false)).statusCode());
    assertEquals(conversations + 1, gateway.fetch("/health", null).bodyAsJsonObject().getLong("conversations"));
    assertEquals(conversations + 1, gateway.fetch("/stats", KEY_A).bodyAsJsonObject().getLong("conversations"));
    assertEquals(200, gateway.fetch("/healthz", null).statusCode());
  }

  @Test
  @Order(2)
  void realMockRepliesAreValidOpenAiResponses() {
    HttpResponse<Buffer> plain = gateway.chat(KEY_A, request("validate me"));
    OpenAiSchemas.assertValidResponse(plain.bodyAsJsonObject());
    assertEquals("gpt-4o", plain.bodyAsJsonObject().getString("model"));

    HttpResponse<Buffer> streamed = gateway.chat(KEY_A, request("stream me").put("stream", true));
    OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(streamed.bodyAsString(), false);
    assertTrue(stream.content(0).startsWith("You said: stream me"), stream.content(0));

    HttpResponse<Buffer> withUsage = gateway.chat(KEY_A, request("count my tokens").put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true)));
    OpenAiSchemas.SseStream usage = OpenAiSchemas.assertValidSse(withUsage.bodyAsString(), false);
    JsonObject last = usage.chunks().get(usage.chunks().size() - 1);
    assertEquals(3, last.getJsonObject("usage").getInteger("prompt_tokens"));

    HttpResponse<Buffer> twoChoices = gateway.chat(KEY_A, request("twice").put("n", 2).put("stream", true));
    OpenAiSchemas.SseStream both = OpenAiSchemas.assertValidSse(twoChoices.bodyAsString(), false);
    assertEquals(both.content(0), both.content(1), "the mock is deterministic");

    HttpResponse<Buffer> capped = gateway.chat(KEY_A, request("one two three four five").put("max_tokens", 3));
    OpenAiSchemas.assertValidResponse(capped.bodyAsJsonObject());
    assertEquals("length", capped.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
  }

  @Test
  @Order(3)
  void parallelToolCallsStreamValidly() {
    JsonArray tools = new JsonArray();
    for (String name : new String[] {"get_weather", "get_time"}) {
      tools.add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name)
          .put("parameters", new JsonObject().put("type", "object")
              .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string"))).put("required", new JsonArray().add("city")))));
    }
    HttpResponse<Buffer> r = gateway.chat(KEY_A, request("MOCK_PARALLEL weather and time").put("tools", tools).put("stream", true));
    OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), false);
    assertEquals("tool_calls", stream.finishReason(0));
    Map<Integer, StringBuilder> arguments = new LinkedHashMap<>();
    Map<Integer, String> names = new LinkedHashMap<>();
    for (JsonObject chunk : stream.chunks()) {
      for (Object o : chunk.getJsonArray("choices")) {
        JsonArray calls = ((JsonObject) o).getJsonObject("delta").getJsonArray("tool_calls");
        if (calls != null) {
          for (Object c : calls) {
            JsonObject call = (JsonObject) c;
            int index = call.getInteger("index");
            JsonObject fn = call.getJsonObject("function");
            if (fn.getString("name") != null) {
              names.put(index, fn.getString("name"));
            }
            arguments.computeIfAbsent(index, i -> new StringBuilder()).append(fn.getString("arguments"));
          }
        }
      }
    }
    assertEquals(Map.of(0, "get_weather", 1, "get_time"), names);
    arguments.values().forEach(a -> assertTrue(new JsonObject(a.toString()).containsKey("city"), "arguments are whole JSON: " + a));

    HttpResponse<Buffer> one = gateway.chat(KEY_A, request("MOCK_PARALLEL get_weather and get_time").put("tools", tools).put("parallel_tool_calls", false));
    OpenAiSchemas.assertValidResponse(one.bodyAsJsonObject());
    assertEquals(1, one.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getJsonArray("tool_calls").size());
  }

  @Test
  @Order(4)
  void secondTurnRacingOnAConversationGets409AndTheFirstSucceeds(Vertx vertx) {
    HttpResponse<Buffer> start = gateway.chat(KEY_A, request("Let us race."));
    String id = start.bodyAsJsonObject().getString("conversation_id");

    // The first turn streams slowly (a word every 300 ms, eight words): once its first word is here it certainly
    // holds the lock, and keeps it for two more seconds.
    HttpClientAgent http = vertx.createHttpClient();
    Promise<Integer> headers = Promise.promise();
    Future<Buffer> firstBody = http.request(HttpMethod.POST, gateway.port, HOST, "/v1/chat/completions")
        .compose(req -> req.putHeader("Authorization", "Bearer " + KEY_A).putHeader("Content-Type", "application/json")
            .send(request("MOCK_SLOW 300").put("conversation_id", id).put("stream", true).put("max_tokens", 8).toBuffer()))
        .compose(resp -> {
          headers.complete(resp.statusCode());
          return resp.body();
        });
    assertEquals(200, await(headers.future()));

    HttpResponse<Buffer> second = gateway.chat(KEY_A, request("Me too!").put("conversation_id", id));
    assertEquals(409, second.statusCode(), second.bodyAsString());
    OpenAiSchemas.assertValidError(second.bodyAsJsonObject());
    assertEquals("conversation_busy", second.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals("conversation_id", second.bodyAsJsonObject().getJsonObject("error").getString("param"));
    assertEquals("1", second.getHeader("Retry-After"));

    OpenAiSchemas.SseStream first = OpenAiSchemas.assertValidSse(await(firstBody).toString(), false);
    assertEquals("length", first.finishReason(0));
    JsonObject conversation = gateway.fetch("/v1/conversations/" + id, KEY_A).bodyAsJsonObject();
    assertEquals(4, conversation.getInteger("message_count"), "the first turn is stored, the refused one is not");
    assertEquals("MOCK_SLOW 300", conversation.getJsonArray("messages").getJsonObject(2).getString("content"));
    await(http.close());
  }

  @Test
  @Order(5)
  void statsCountersBalanceAfterTheTraffic() {
    JsonObject stats = gateway.fetch("/stats", KEY_A).bodyAsJsonObject();
    JsonObject counters = stats.getJsonObject("pool").getJsonObject("counters");
    long acquire = counters.getLong("acquire");
    assertTrue(acquire >= 10, "the traffic of this class went through the pool: " + counters);
    assertEquals(acquire, counters.getLong("release") + counters.getLong("discard"), "every session handed out came back: " + counters);
    assertTrue(counters.getLong("request") >= acquire, counters.encode());
    JsonObject sessions = stats.getJsonObject("sessions");
    assertEquals(0, sessions.getInteger("waiting"));
    assertEquals("ok", stats.getJsonObject("store").getString("status"));
    assertEquals("valkey", stats.getJsonObject("store").getString("backend"));
  }

  @AfterAll
  static void done() {
    gateway = null;
  }
}
