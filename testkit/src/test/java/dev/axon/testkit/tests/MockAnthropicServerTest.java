package dev.axon.testkit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.anthropic.MockAnthropicServer;
import dev.axon.testkit.anthropic.MockReply;
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

/** The mock upstream speaks the Messages API wire format: message shape, SSE event order, errors. */
@ExtendWith(VertxExtension.class)
class MockAnthropicServerTest {

  MockAnthropicServer mock;
  WebClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    MockAnthropicServer.start(vertx, 0).onComplete(ctx.succeeding(m -> {
      mock = m.requireApiKey("sk-ant-test");
      ctx.completeNow();
    }));
  }

  static JsonObject request(String text, boolean stream) {
    return new JsonObject().put("model", "claude-sonnet-4-6").put("max_tokens", 100).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }

  @Test
  void plainMessageHasTheRealShapeAndIsRecorded(Vertx vertx, VertxTestContext ctx) {
    client.post(mock.port(), "127.0.0.1", "/v1/messages").putHeader("x-api-key", "sk-ant-test")
        .putHeader("anthropic-version", "2023-06-01")
        .sendJsonObject(request("hello there", false))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(200, resp.statusCode());
          assertTrue(resp.getHeader("request-id").startsWith("req_"));
          JsonObject m = resp.bodyAsJsonObject();
          assertEquals("message", m.getString("type"));
          assertEquals("assistant", m.getString("role"));
          assertEquals("end_turn", m.getString("stop_reason"));
          assertEquals("Hello from the mock upstream. You said: hello there | I received 1 messages. The first user message was: hello there",
              m.getJsonArray("content").getJsonObject(0).getString("text"));
          assertEquals(2, m.getJsonObject("usage").getInteger("input_tokens"));
          assertEquals("2023-06-01", mock.lastMessageRequest().header("anthropic-version"));
          ctx.completeNow();
        })));
  }

  @Test
  void streamFollowsTheDocumentedEventOrder(Vertx vertx, VertxTestContext ctx) {
    client.post(mock.port(), "127.0.0.1", "/v1/messages").putHeader("x-api-key", "sk-ant-test")
        .sendJsonObject(request("one two three", true))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertTrue(resp.getHeader("content-type").startsWith("text/event-stream"));
          List<String> names = new ArrayList<>();
          StringBuilder text = new StringBuilder();
          for (String event : resp.bodyAsString().split("\n\n")) {
            String[] lines = event.split("\n");
            String name = lines[0].substring("event: ".length());
            JsonObject data = new JsonObject(lines[1].substring("data: ".length()));
            assertEquals(name, data.getString("type"), "event name equals the data type");
            names.add(name);
            if (name.equals("content_block_delta")) {
              text.append(data.getJsonObject("delta").getString("text"));
            }
          }
          assertEquals("message_start", names.get(0));
          assertEquals("content_block_start", names.get(1));
          assertEquals("ping", names.get(2));
          assertEquals(List.of("content_block_stop", "message_delta", "message_stop"), names.subList(names.size() - 3, names.size()));
          assertEquals("Hello from the mock upstream. You said: one two three | I received 1 messages. The first user message was: one two three",
              text.toString());
          ctx.completeNow();
        })));
  }

  @Test
  void errorsUseAnthropicsEnvelopeAndStatus(Vertx vertx, VertxTestContext ctx) {
    mock.enqueue(MockReply.httpError(529, "Overloaded"));
    client.post(mock.port(), "127.0.0.1", "/v1/messages").putHeader("x-api-key", "sk-ant-test")
        .sendJsonObject(request("hi", false))
        .compose(resp -> {
          ctx.verify(() -> {
            assertEquals(529, resp.statusCode());
            JsonObject body = resp.bodyAsJsonObject();
            assertEquals("error", body.getString("type"));
            assertEquals("overloaded_error", body.getJsonObject("error").getString("type"));
          });
          return client.post(mock.port(), "127.0.0.1", "/v1/messages").putHeader("x-api-key", "wrong").sendJsonObject(request("hi", false));
        })
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertEquals(401, resp.statusCode());
          assertEquals("authentication_error", resp.bodyAsJsonObject().getJsonObject("error").getString("type"));
          ctx.completeNow();
        })));
  }

  @Test
  void limitsAndForcedToolsFollowTheRequest(Vertx vertx, VertxTestContext ctx) {
    JsonObject req = request("alpha beta gamma delta", false).put("max_tokens", 3);
    JsonObject tools = request("weather?", false).put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather")
            .put("input_schema", new JsonObject().put("type", "object").put("properties", new JsonObject()
                .put("city", new JsonObject().put("type", "string"))))))
        .put("tool_choice", new JsonObject().put("type", "tool").put("name", "get_weather"));
    client.post(mock.port(), "127.0.0.1", "/v1/messages").putHeader("x-api-key", "sk-ant-test").sendJsonObject(req)
        .compose(resp -> {
          ctx.verify(() -> {
            JsonObject m = resp.bodyAsJsonObject();
            assertEquals("max_tokens", m.getString("stop_reason"));
            assertEquals("Hello from the", m.getJsonArray("content").getJsonObject(0).getString("text"));
          });
          return client.post(mock.port(), "127.0.0.1", "/v1/messages").putHeader("x-api-key", "sk-ant-test").sendJsonObject(tools);
        })
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          JsonObject m = resp.bodyAsJsonObject();
          assertEquals("tool_use", m.getString("stop_reason"));
          JsonObject block = m.getJsonArray("content").getJsonObject(0);
          assertEquals("get_weather", block.getString("name"));
          assertTrue(block.getString("id").startsWith("toolu_"));
          assertEquals("mock city", block.getJsonObject("input").getString("city"));
          ctx.completeNow();
        })));
  }

  io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> post(String path, JsonObject body) {
    return client.post(mock.port(), "127.0.0.1", path).putHeader("x-api-key", "sk-ant-test").sendJsonObject(body);
  }

  /** The SSE events of a body as (name, data) pairs. */
  static List<JsonObject> events(String body) {
    List<JsonObject> out = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      String[] lines = event.split("\n");
      out.add(new JsonObject(lines[1].substring("data: ".length())).put("_event", lines[0].substring("event: ".length())));
    }
    return out;
  }

  @Test
  void thinkingStreamsFragmentsThenASignatureOfTheText(Vertx vertx, VertxTestContext ctx) {
    JsonObject req = request("What is 6 times 7?", true).put("max_tokens", 2000)
        .put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024));
    post("/v1/messages", req).compose(resp -> {
      ctx.verify(() -> {
        List<JsonObject> events = events(resp.bodyAsString());
        JsonObject start = events.get(1);
        assertEquals(new JsonObject().put("type", "thinking").put("thinking", "").put("signature", ""), start.getJsonObject("content_block"));
        StringBuilder thinking = new StringBuilder();
        String signature = null;
        int fragments = 0;
        for (JsonObject e : events) {
          JsonObject delta = e.getJsonObject("delta");
          if (e.getString("_event").equals("content_block_delta") && e.getInteger("index") == 0) {
            if (delta.getString("type").equals("thinking_delta")) {
              fragments++;
              thinking.append(delta.getString("thinking"));
            } else {
              assertEquals("signature_delta", delta.getString("type"));
              signature = delta.getString("signature");
            }
          }
        }
        assertTrue(fragments >= 2, "thinking comes in fragments");
        assertTrue(thinking.toString().contains("What is 6 times 7?"), thinking.toString());
        assertEquals(MockAnthropicServer.signature(thinking.toString()), signature);
      });
      return post("/v1/messages", req.copy().put("stream", false));
    }).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      JsonObject block = resp.bodyAsJsonObject().getJsonArray("content").getJsonObject(0);
      assertEquals("thinking", block.getString("type"));
      assertEquals(MockAnthropicServer.signature(block.getString("thinking")), block.getString("signature"));
      ctx.completeNow();
    })));
  }

  @Test
  void aThinkingBlockSentBackModifiedIsRefused(Vertx vertx, VertxTestContext ctx) {
    String thought = "Six times seven is forty-two.";
    JsonArray messages = new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "6*7?"))
        .add(new JsonObject().put("role", "assistant").put("content", new JsonArray()
            .add(new JsonObject().put("type", "thinking").put("thinking", thought).put("signature", MockAnthropicServer.signature(thought)))
            .add(new JsonObject().put("type", "text").put("text", "42"))))
        .add(new JsonObject().put("role", "user").put("content", "thanks"));
    JsonObject intact = request("x", false).put("messages", messages);
    JsonObject modified = intact.copy();
    modified.getJsonArray("messages").getJsonObject(1).getJsonArray("content").getJsonObject(0).put("thinking", thought + " Or is it?");
    post("/v1/messages", intact).compose(resp -> {
      ctx.verify(() -> assertEquals(200, resp.statusCode()));
      return post("/v1/messages", modified);
    }).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(400, resp.statusCode());
      assertEquals("invalid_request_error", resp.bodyAsJsonObject().getJsonObject("error").getString("type"));
      assertTrue(resp.bodyAsJsonObject().getJsonObject("error").getString("message").contains("signature"));
      ctx.completeNow();
    })));
  }

  @Test
  void aStopSequenceIsReportedWithItsStopReason(Vertx vertx, VertxTestContext ctx) {
    JsonObject req = request("hello", true).put("stop_sequences", new JsonArray().add("mock"));
    post("/v1/messages", req).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      JsonObject delta = events(resp.bodyAsString()).stream().filter(e -> e.getString("_event").equals("message_delta"))
          .findFirst().orElseThrow().getJsonObject("delta");
      assertEquals("stop_sequence", delta.getString("stop_reason"));
      assertEquals("mock", delta.getString("stop_sequence"));
      ctx.completeNow();
    })));
  }

  @Test
  void aCachedPrefixIsWrittenOnceThenRead(Vertx vertx, VertxTestContext ctx) {
    JsonObject req = request("a question", false).put("system", new JsonArray().add(new JsonObject().put("type", "text")
        .put("text", "one two three four five").put("cache_control", new JsonObject().put("type", "ephemeral"))));
    post("/v1/messages", req).compose(first -> {
      ctx.verify(() -> {
        JsonObject usage = first.bodyAsJsonObject().getJsonObject("usage");
        assertEquals(5, usage.getInteger("cache_creation_input_tokens"));
        assertEquals(0, usage.getInteger("cache_read_input_tokens"));
        assertEquals(2, usage.getInteger("input_tokens"));
      });
      return post("/v1/messages", req);
    }).compose(second -> {
      ctx.verify(() -> {
        JsonObject usage = second.bodyAsJsonObject().getJsonObject("usage");
        assertEquals(0, usage.getInteger("cache_creation_input_tokens"));
        assertEquals(5, usage.getInteger("cache_read_input_tokens"));
        assertEquals(2, usage.getInteger("input_tokens"));
      });
      JsonObject tooMany = req.copy();
      JsonArray system = tooMany.getJsonArray("system");
      for (int i = 0; i < 4; i++) {
        system.add(system.getJsonObject(0).copy());
      }
      return post("/v1/messages", tooMany);
    }).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(400, resp.statusCode(), "at most 4 breakpoints");
      ctx.completeNow();
    })));
  }

  @Test
  void countTokensValidatesItsBodyLikeTheRealApi(Vertx vertx, VertxTestContext ctx) {
    JsonObject ok = request("one two three", false);
    ok.remove("max_tokens");
    ok.remove("stream");
    post("/v1/messages/count_tokens", ok).compose(resp -> {
      ctx.verify(() -> {
        assertEquals(200, resp.statusCode());
        assertEquals(new JsonObject().put("input_tokens", 3), resp.bodyAsJsonObject());
      });
      return post("/v1/messages/count_tokens", ok.copy().put("max_tokens", 10));
    }).compose(resp -> {
      ctx.verify(() -> {
        assertEquals(400, resp.statusCode());
        assertTrue(resp.bodyAsJsonObject().getJsonObject("error").getString("message").startsWith("max_tokens"));
      });
      JsonObject noMessages = ok.copy();
      noMessages.remove("messages");
      return post("/v1/messages/count_tokens", noMessages);
    }).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertEquals(400, resp.statusCode());
      assertEquals("invalid_request_error", resp.bodyAsJsonObject().getJsonObject("error").getString("type"));
      assertEquals(3, mock.countTokensRequests().size());
      assertTrue(mock.messageRequests().isEmpty());
      ctx.completeNow();
    })));
  }
}
