package dev.axon.testkit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.openai.MockOpenAiReply;
import dev.axon.testkit.openai.MockOpenAiServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The mock OpenAI-compatible upstream speaks the chat completions wire format: completions, chunks, [DONE], errors, models. */
@ExtendWith(VertxExtension.class)
class MockOpenAiServerTest {

  MockOpenAiServer mock;
  WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    MockOpenAiServer.start(vertx, 0).onComplete(ctx.succeeding(m -> {
      mock = m.requireApiKey("sk-up");
      ctx.completeNow();
    }));
  }

  static JsonObject request(String text, boolean stream) {
    return new JsonObject().put("model", "llama-3-8b").put("stream", stream).put("stream_options", new JsonObject().put("include_usage", true))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }

  @Test
  void plainCompletionHasOpenAisShapeAndIsRecorded(VertxTestContext ctx) {
    client.post(mock.port(), "127.0.0.1", "/v1/chat/completions").putHeader("authorization", "Bearer sk-up")
        .sendJsonObject(request("hello there", false))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode());
          JsonObject c = resp.bodyAsJsonObject();
          assertEquals("chat.completion", c.getString("object"));
          JsonObject choice = c.getJsonArray("choices").getJsonObject(0);
          assertEquals("Hello from the mock OpenAI upstream. You said: hello there", choice.getJsonObject("message").getString("content"));
          assertEquals("stop", choice.getString("finish_reason"));
          assertEquals(2, c.getJsonObject("usage").getInteger("prompt_tokens"));
          assertEquals("llama-3-8b", mock.lastChatRequest().body().getString("model"));
          ctx.completeNow();
        })));
  }

  @Test
  void streamIsDataChunksThenUsageThenDone(VertxTestContext ctx) {
    mock.enqueue(MockOpenAiReply.text("one two").addToolCall("call_1", "f", new JsonObject().put("a", 1)));
    client.post(mock.port(), "127.0.0.1", "/v1/chat/completions").putHeader("authorization", "Bearer sk-up")
        .sendJsonObject(request("x", true))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertTrue(resp.getHeader("content-type").startsWith("text/event-stream"));
          List<String> data = new ArrayList<>();
          for (String event : resp.bodyAsString().split("\n\n")) {
            assertTrue(event.startsWith("data: "), event);
            data.add(event.substring(6));
          }
          assertEquals("[DONE]", data.get(data.size() - 1));
          JsonObject first = new JsonObject(data.get(0));
          assertEquals("assistant", first.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
          assertTrue(first.containsKey("usage") && first.getValue("usage") == null);
          JsonObject usage = new JsonObject(data.get(data.size() - 2));
          assertTrue(usage.getJsonArray("choices").isEmpty());
          assertTrue(usage.getJsonObject("usage").getInteger("completion_tokens") > 0);
          JsonObject finish = new JsonObject(data.get(data.size() - 3));
          assertEquals("tool_calls", finish.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
          ctx.completeNow();
        })));
  }

  @Test
  void errorsHaveOpenAisBodyAndModelsAreListed(VertxTestContext ctx) {
    mock.enqueue(MockOpenAiReply.httpError(429, "Rate limit reached").retryAfter("3"));
    client.post(mock.port(), "127.0.0.1", "/v1/chat/completions").putHeader("authorization", "Bearer sk-up")
        .sendJsonObject(request("x", false))
        .compose(resp -> {
          ctx.verify(() -> {
            assertEquals(429, resp.statusCode());
            assertEquals("3", resp.getHeader("retry-after"));
            JsonObject error = resp.bodyAsJsonObject().getJsonObject("error");
            assertEquals("rate_limit_exceeded", error.getString("code"));
            assertTrue(error.containsKey("param") && error.getValue("param") == null);
          });
          return client.get(mock.port(), "127.0.0.1", "/v1/models").putHeader("authorization", "Bearer sk-up").send();
        })
        .compose(models -> {
          ctx.verify(() -> assertEquals("list", models.bodyAsJsonObject().getString("object")));
          return client.get(mock.port(), "127.0.0.1", "/v1/models").send();
        })
        .onComplete(ctx.succeeding(unauthorized -> ctx.verify(() -> {
          assertEquals(401, unauthorized.statusCode());
          assertNull(mock.lastChatRequest().header("x-api-key"));
          ctx.completeNow();
        })));
  }
}
