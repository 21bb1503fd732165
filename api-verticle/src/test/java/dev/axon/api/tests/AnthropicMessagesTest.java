package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ThinkingConfig;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.Usage;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.turn.TurnRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's Messages API at the edge, through the same chain as OpenAI's chat completions: the message body, the
 * exact event stream for text and tool use, errors in Anthropic's shape and statuses, {@code x-api-key}, the
 * conversation header, keep-alive pings.
 */
class AnthropicMessagesTest extends ApiTestBase {

  static final String VERSION = "2023-06-01";

  @Override
  JsonObject config() {
    return super.config().put("streamKeepAliveMs", 150);
  }

  HttpRequest<Buffer> anthropic(String path, String key) {
    HttpRequest<Buffer> request = client.post(port, HOST, path).putHeader("anthropic-version", VERSION);
    return key == null ? request : request.putHeader("x-api-key", key);
  }

  Future<HttpResponse<Buffer>> messages(JsonObject body) {
    return anthropic("/v1/messages", KEY_A).sendJsonObject(body);
  }

  static JsonObject ask(String text) {
    return new JsonObject().put("model", "claude-sonnet-4-6").put("max_tokens", 1024)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }

  /** An Anthropic error: the status, {@code {type: "error", error: {type, message}, request_id}}; returns the error. */
  static JsonObject assertAnthropicError(HttpResponse<Buffer> r, int status, String type) {
    assertEquals(status, r.statusCode(), () -> "status; body " + r.bodyAsString());
    assertTrue(String.valueOf(r.getHeader("Content-Type")).startsWith("application/json"));
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("error", body.getString("type"), body::encode);
    assertEquals(List.of("type", "error", "request_id"), List.copyOf(body.fieldNames()), body::encode);
    JsonObject error = body.getJsonObject("error");
    assertEquals(type, error.getString("type"), body::encode);
    assertEquals(List.of("type", "message"), List.copyOf(error.fieldNames()));
    assertEquals(r.getHeader("request-id"), body.getString("request_id"), "the body's request id is the header's");
    assertFalse(body.encode().contains("sk-axon"), "no key in an error");
    return error;
  }

  // --- plain ---------------------------------------------------------------------------------------------------

  @Test
  void plainMessageHasAnthropicsShapeAndIsStored(VertxTestContext ctx) {
    messages(ask("hi").put("system", "Be brief.")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonObject body = r.bodyAsJsonObject();
      assertEquals(List.of("id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"),
          List.copyOf(body.fieldNames()));
      assertTrue(body.getString("id").matches("msg_01[A-Za-z0-9]{22}"), body.getString("id"));
      assertEquals("message", body.getString("type"));
      assertEquals("assistant", body.getString("role"));
      assertEquals("claude-sonnet-4-6", body.getString("model"));
      assertEquals(new JsonArray().add(new JsonObject().put("type", "text").put("text", "Hello world")), body.getJsonArray("content"));
      assertEquals("end_turn", body.getString("stop_reason"));
      assertTrue(body.containsKey("stop_sequence") && body.getValue("stop_sequence") == null);
      assertEquals(new JsonObject().put("input_tokens", 5).put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0)
          .put("output_tokens", 2), body.getJsonObject("usage"));
      assertTrue(r.getHeader("request-id").startsWith("req_"), "Anthropic's request-id header");
      assertEquals(r.getHeader("x-request-id"), r.getHeader("request-id"));

      ChatRequest sent = pool.requests.get(0).request();
      assertEquals("claude-sonnet-4-6", sent.model());
      assertEquals(List.of(ChatMessage.system("Be brief."), ChatMessage.user("hi")), sent.messages());
      assertEquals(1024, sent.sampling().maxTokens());

      String conversation = r.getHeader("x-axon-conversation-id");
      assertNotNull(conversation, "a stored turn names its conversation");
      assertEquals(1, store.commits.size());
      CommitTurn commit = store.commits.get(0);
      assertEquals(conversation, commit.id());
      assertEquals("claude-sonnet-4-6", commit.model());
      assertEquals(List.of(ChatMessage.system("Be brief."), ChatMessage.user("hi"), ChatMessage.assistant("Hello world")), commit.messages());
      ctx.completeNow();
    })));
  }

  @Test
  void aliasesAreEchoedAndBearerWorksToo(VertxTestContext ctx) {
    client.post(port, HOST, "/v1/messages?beta=true").putHeader("Authorization", "Bearer " + KEY_B)
        .sendJsonObject(ask("hi").put("model", "gpt-4o")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("gpt-4o", r.bodyAsJsonObject().getString("model"), "the name the client sent");
          assertEquals("claude-sonnet-4-6", pool.requests.get(0).request().model());
          ctx.completeNow();
        })));
  }

  @Test
  void plainToolUseHasTextThenToolUseBlocks(VertxTestContext ctx) {
    pool.script(FakePool.text("Let me check."), new ChatEvent.ToolCallDelta(0, "toolu_abc", "get_weather", ""),
        new ChatEvent.ToolCallDelta(0, null, null, "{\"city\":"), new ChatEvent.ToolCallDelta(0, null, null, "\"Paris\"}"),
        FakePool.done(FinishReason.TOOL_CALLS, 9, 4));
    messages(ask("weather?").put("tools", new JsonArray().add(weatherTool()))).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject body = r.bodyAsJsonObject();
      assertEquals(new JsonArray()
          .add(new JsonObject().put("type", "text").put("text", "Let me check."))
          .add(new JsonObject().put("type", "tool_use").put("id", "toolu_abc").put("name", "get_weather")
              .put("input", new JsonObject().put("city", "Paris"))), body.getJsonArray("content"));
      assertEquals("tool_use", body.getString("stop_reason"));
      ChatMessage stored = store.commits.get(0).messages().get(1);
      assertEquals(List.of(new ToolCall("toolu_abc", "get_weather", "{\"city\":\"Paris\"}")), stored.toolCalls());
      ctx.completeNow();
    })));
  }

  @Test
  void stopReasonsMapToAnthropicsWords(VertxTestContext ctx) {
    pool.script(FakePool.text("cut"), FakePool.done(FinishReason.LENGTH, 3, 1));
    messages(ask("long")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals("max_tokens", r.bodyAsJsonObject().getString("stop_reason"));
      pool.script(new ChatEvent.Done(FinishReason.CONTENT_FILTER, Usage.of(3, 0), FakePool.MODEL, "I can't help with that."));
      messages(ask("bad")).onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
        JsonObject body = r2.bodyAsJsonObject();
        assertEquals("refusal", body.getString("stop_reason"));
        assertEquals("I can't help with that.", body.getJsonArray("content").getJsonObject(0).getString("text"));
        ctx.completeNow();
      })));
    })));
  }

  static JsonObject weatherTool() {
    return new JsonObject().put("name", "get_weather").put("description", "The weather")
        .put("input_schema", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string"))));
  }

  // --- streaming -------------------------------------------------------------------------------------------------

  private static final Pattern MESSAGE_ID = Pattern.compile("\"id\":\"(msg_[A-Za-z0-9]+)\"");

  /** The stream with its message id replaced by {@code MSG}, so it can be compared byte for byte. */
  static String normalized(String sse) {
    Matcher m = MESSAGE_ID.matcher(sse);
    assertTrue(m.find(), sse);
    return sse.replace(m.group(1), "MSG");
  }

  static String event(String type, String json) {
    return "event: " + type + "\ndata: " + json + "\n\n";
  }

  static String messageStart(String model) {
    return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"MSG\",\"type\":\"message\",\"role\":\"assistant\","
        + "\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,"
        + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}");
  }

  static String messageEnd(String stopReason, int input, int output) {
    return event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null},"
        + "\"usage\":{\"input_tokens\":" + input + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":"
        + output + "}}") + event("message_stop", "{\"type\":\"message_stop\"}");
  }

  @Test
  void streamedTextIsAnthropicsEventSequenceExactly(VertxTestContext ctx) {
    messages(ask("hi").put("stream", true)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode());
      assertEquals("text/event-stream; charset=utf-8", r.getHeader("Content-Type"));
      assertEquals("no-cache", r.getHeader("Cache-Control"));
      assertNotNull(r.getHeader("x-axon-conversation-id"));
      assertEquals(messageStart("claude-sonnet-4-6")
          + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
          + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}")
          + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" world\"}}")
          + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
          + messageEnd("end_turn", 5, 2), normalized(r.bodyAsString()));
      assertEquals(1, store.commits.size(), "the streamed turn is stored");
      assertEquals(r.getHeader("x-axon-conversation-id"), store.commits.get(0).id());
      ctx.completeNow();
    })));
  }

  @Test
  void streamedToolUseHasIndexedBlocksWithInputJsonDeltas(VertxTestContext ctx) {
    pool.script(FakePool.text("Checking."), new ChatEvent.ToolCallDelta(0, "toolu_a", "get_weather", ""),
        new ChatEvent.ToolCallDelta(0, null, null, "{\"city\":"), new ChatEvent.ToolCallDelta(0, null, null, "\"Paris\"}"),
        new ChatEvent.ToolCallDelta(1, "toolu_b", "get_time", ""), new ChatEvent.ToolCallDelta(1, null, null, "{}"),
        FakePool.done(FinishReason.TOOL_CALLS, 9, 4));
    messages(ask("weather and time?").put("stream", true).put("tools", new JsonArray().add(weatherTool())))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(messageStart("claude-sonnet-4-6")
              + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking.\"}}")
              + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
              + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
                  + "\"id\":\"toolu_a\",\"name\":\"get_weather\",\"input\":{}}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}")
              + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
              + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\","
                  + "\"id\":\"toolu_b\",\"name\":\"get_time\",\"input\":{}}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}")
              + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
              + messageEnd("tool_use", 9, 4), normalized(r.bodyAsString()));
          ctx.completeNow();
        })));
  }

  /** A thought in two fragments and its signature, a redacted thought, a server tool block, then text. */
  private static ChatEvent[] thinkingReply() {
    return new ChatEvent[] {
        ChatEvent.ThinkingDelta.text("Let me think"), ChatEvent.ThinkingDelta.text(" about it."), ChatEvent.ThinkingDelta.signed("sig-123"),
        new ChatEvent.RedactedThinking("encrypted"),
        new ChatEvent.OpaqueBlock("{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"x\"}}"),
        FakePool.text("Answer"),
        new ChatEvent.Done(FinishReason.STOP, new Usage(100, 7, 60, 0, 30), FakePool.MODEL, null).withStopSequence("END")};
  }

  @Test
  void streamedThinkingRedactedAndServerBlocksWithStopSequenceAndCacheUsage(VertxTestContext ctx) {
    pool.script(thinkingReply());
    messages(ask("think").put("stream", true).put("max_tokens", 4096).put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024))
        .put("stop_sequences", new JsonArray().add("END"))).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(messageStart("claude-sonnet-4-6")
              + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me think\"}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\" about it.\"}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"sig-123\"}}")
              + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
              + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"encrypted\"}}")
              + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
              + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"x\"}}}")
              + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
              + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
              + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"text_delta\",\"text\":\"Answer\"}}")
              + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":3}")
              + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\"},"
                  + "\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":30,\"cache_read_input_tokens\":60,\"output_tokens\":7}}")
              + event("message_stop", "{\"type\":\"message_stop\"}"), normalized(r.bodyAsString()));
          ChatRequest sent = pool.requests.get(0).request();
          assertEquals(ThinkingConfig.enabled(1024), sent.thinking());
          assertEquals(List.of("END"), sent.sampling().stop());
          ChatMessage stored = store.commits.get(0).messages().get(1);
          assertEquals(List.of(new ContentPart.Thinking("Let me think about it.", "sig-123"), new ContentPart.RedactedThinking("encrypted"),
              new ContentPart.Opaque("{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"x\"}}"),
              new ContentPart.Text("Answer")), stored.content(), "the thinking is stored with its signature, for the next turn");
          ctx.completeNow();
        })));
  }

  @Test
  void plainThinkingRepliesHaveEveryBlockInOrder(VertxTestContext ctx) {
    pool.script(thinkingReply());
    messages(ask("think")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject body = r.bodyAsJsonObject();
      assertEquals(new JsonArray()
          .add(new JsonObject().put("type", "thinking").put("thinking", "Let me think about it.").put("signature", "sig-123"))
          .add(new JsonObject().put("type", "redacted_thinking").put("data", "encrypted"))
          .add(new JsonObject().put("type", "server_tool_use").put("id", "srvtoolu_1").put("name", "web_search")
              .put("input", new JsonObject().put("query", "x")))
          .add(new JsonObject().put("type", "text").put("text", "Answer")), body.getJsonArray("content"));
      assertEquals("stop_sequence", body.getString("stop_reason"));
      assertEquals("END", body.getString("stop_sequence"));
      assertEquals(new JsonObject().put("input_tokens", 10).put("cache_creation_input_tokens", 30).put("cache_read_input_tokens", 60)
          .put("output_tokens", 7), body.getJsonObject("usage"));
      ctx.completeNow();
    })));
  }

  @Test
  void theUpstreamsOwnStopReasonIsKept(VertxTestContext ctx) {
    pool.script(FakePool.text("partial"), FakePool.done().withStopReason("pause_turn"));
    messages(ask("search")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals("pause_turn", r.bodyAsJsonObject().getString("stop_reason"));
      ctx.completeNow();
    })));
  }

  @Test
  void aSilentStreamGetsPings(Vertx vertx, VertxTestContext ctx) {
    pool.behave(m -> {
      pool.accept(m);
      TurnRequest turn = m.body();
      pool.send(turn, 0, FakePool.text("Hello"));
      vertx.setTimer(500, t -> {
        pool.send(turn, 1, FakePool.text(" world"));
        pool.send(turn, 2, FakePool.done());
      });
    });
    messages(ask("hi").put("stream", true)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      String body = r.bodyAsString();
      int hello = body.indexOf("\"Hello\"");
      int ping = body.indexOf("event: ping\ndata: {\"type\":\"ping\"}\n\n");
      int world = body.indexOf("\" world\"");
      assertTrue(hello >= 0 && ping > hello && world > ping, "a ping while the model was silent: " + body);
      assertTrue(body.endsWith(event("message_stop", "{\"type\":\"message_stop\"}")));
      ctx.completeNow();
    })));
  }

  @Test
  void aLongWaitForTheFirstEventOpensTheStreamAndPings(Vertx vertx, VertxTestContext ctx) {
    pool.behave(m -> {
      pool.accept(m);
      TurnRequest turn = m.body();
      vertx.setTimer(600, t -> {
        pool.send(turn, 0, FakePool.text("Hello"));
        pool.send(turn, 1, FakePool.done());
      });
    });
    messages(ask("hi").put("stream", true)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      String body = normalized(r.bodyAsString());
      assertTrue(body.startsWith(messageStart("claude-sonnet-4-6") + event("ping", "{\"type\":\"ping\"}")),
          "message_start and pings while the model had said nothing: " + body);
      assertTrue(body.endsWith(messageEnd("end_turn", 5, 2)), body);
      ctx.completeNow();
    })));
  }

  @Test
  void aFailureMidStreamEndsWithAnErrorEvent(VertxTestContext ctx) {
    pool.script(FakePool.text("The three"), new ChatEvent.Failed(ErrorKind.UPSTREAM_OVERLOADED, "Overloaded", 2));
    messages(ask("colors").put("stream", true)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode());
      assertTrue(r.bodyAsString().endsWith(event("error",
          "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")), r.bodyAsString());
      assertFalse(r.bodyAsString().contains("message_stop"));
      assertEquals(0, store.commits.size(), "a failed turn is not stored");
      ctx.completeNow();
    })));
  }

  @Test
  void aFailureBeforeTheFirstEventKeepsItsStatus(VertxTestContext ctx) {
    pool.script(new ChatEvent.Failed(ErrorKind.UPSTREAM_OVERLOADED, "The upstream is overloaded.", 3));
    messages(ask("hi").put("stream", true)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertAnthropicError(r, 529, "overloaded_error");
      assertEquals("3", r.getHeader("Retry-After"));
      ctx.completeNow();
    })));
  }

  // --- errors ----------------------------------------------------------------------------------------------------

  @Test
  void validationErrorsAreAnthropicShaped(VertxTestContext ctx) {
    JsonObject noMaxTokens = ask("hi");
    noMaxTokens.remove("max_tokens");
    messages(noMaxTokens).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals("max_tokens: Field required", assertAnthropicError(r, 400, "invalid_request_error").getString("message"));
      messages(ask("hi").put("temperature", 1.5)).onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
        assertEquals("temperature: Input should be less than or equal to 1",
            assertAnthropicError(r2, 400, "invalid_request_error").getString("message"));
        messages(ask("hi").put("model", "claude-nonexistent-9")).onComplete(ctx.succeeding(r3 -> ctx.verify(() -> {
          assertEquals("model: claude-nonexistent-9", assertAnthropicError(r3, 404, "not_found_error").getString("message"));
          anthropic("/v1/messages", KEY_A).sendBuffer(Buffer.buffer("{not json")).onComplete(ctx.succeeding(r4 -> ctx.verify(() -> {
            assertAnthropicError(r4, 400, "invalid_request_error");
            assertEquals(0, pool.requests.size(), "nothing reached the pool");
            ctx.completeNow();
          })));
        })));
      })));
    })));
  }

  @Test
  void authErrorsAreAnthropicShaped(VertxTestContext ctx) {
    anthropic("/v1/messages", null).sendJsonObject(ask("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals("x-api-key header is required", assertAnthropicError(r, 401, "authentication_error").getString("message"));
      anthropic("/v1/messages", "sk-wrong-key").sendJsonObject(ask("hi")).onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
        assertEquals("invalid x-api-key", assertAnthropicError(r2, 401, "authentication_error").getString("message"));
        ctx.completeNow();
      })));
    })));
  }

  @Test
  void aBodyOverTheLimitIsRequestTooLarge(VertxTestContext ctx) {
    messages(ask("x".repeat(BODY_LIMIT))).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertAnthropicError(r, 413, "request_too_large");
      ctx.completeNow();
    })));
  }

  @Test
  void headersPastTheLimitAreAnAnthropicShaped431(VertxTestContext ctx) {
    anthropic("/v1/messages", KEY_A).putHeader("x-padding", "p".repeat(9_000)).sendJsonObject(ask("hi"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertAnthropicError(r, 431, "request_too_large");
          assertEquals(r.getHeader("x-request-id"), r.getHeader("request-id"));
          assertEquals(0, pool.requests.size());
          ctx.completeNow();
        })));
  }

  @Test
  void anExpectationOtherThanContinueIsAnAnthropicShaped417(VertxTestContext ctx) {
    anthropic("/v1/messages", KEY_A).putHeader("Expect", "something-else").sendJsonObject(ask("hi"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertAnthropicError(r, 417, "invalid_request_error");
          assertEquals(0, pool.requests.size());
          ctx.completeNow();
        })));
  }

  @Test
  void unknownRoutesUnderMessagesAreAnthropicShaped404s(VertxTestContext ctx) {
    anthropic("/v1/messages/batches/x", KEY_A).sendJsonObject(ask("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertAnthropicError(r, 404, "not_found_error");
      ctx.completeNow();
    })));
  }

  @Test
  void poolAndUpstreamErrorsMapToAnthropicsStatuses(VertxTestContext ctx) {
    pool.reject(new AxonException(ErrorKind.POOL_BUSY, "All sessions are busy.", null, 2));
    messages(ask("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertAnthropicError(r, 429, "rate_limit_error");
      assertEquals("2", r.getHeader("Retry-After"));
      pool.script(new ChatEvent.Failed(ErrorKind.TIMEOUT, "The model took too long.", null));
      messages(ask("hi")).onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
        assertAnthropicError(r2, 504, "timeout_error");
        pool.script(new ChatEvent.Failed(ErrorKind.UPSTREAM_ERROR, "The upstream failed.", null));
        messages(ask("hi")).onComplete(ctx.succeeding(r3 -> ctx.verify(() -> {
          assertAnthropicError(r3, 502, "api_error");
          ctx.completeNow();
        })));
      })));
    })));
  }

  @Test
  void openAiPathsKeepOpenAiErrorsAndAcceptXApiKey(VertxTestContext ctx) {
    client.post(port, HOST, "/v1/chat/completions").putHeader("x-api-key", KEY_A).sendJsonObject(request("hi"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), "x-api-key works on the OpenAI side too");
          assertEquals("chat.completion", r.bodyAsJsonObject().getString("object"));
          client.post(port, HOST, "/v1/chat/completions").putHeader("x-api-key", "sk-wrong").sendJsonObject(request("hi"))
              .onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
                assertError(r2, 401, "invalid_api_key", null);
                assertNull(r2.getHeader("request-id"), "Anthropic's header only on its dialect");
                ctx.completeNow();
              })));
        })));
  }

  // --- conversations -------------------------------------------------------------------------------------------

  @Test
  void theConversationHeaderContinuesAStoredConversation(VertxTestContext ctx) {
    String id = "conv-anthropic1";
    store.put(ownerHash(KEY_A), id, List.of(ChatMessage.system("Old system."), ChatMessage.user("My name is Ada."),
        ChatMessage.assistant("Hello Ada.")));
    anthropic("/v1/messages", KEY_A).putHeader("x-axon-conversation-id", id).sendJsonObject(ask("What is my name?").put("system", "New system."))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals(id, r.getHeader("x-axon-conversation-id"));
          assertEquals(id, store.opens.get(0).id());
          assertEquals(List.of(ChatMessage.system("New system."), ChatMessage.user("My name is Ada."), ChatMessage.assistant("Hello Ada."),
              ChatMessage.user("What is my name?")).stream().map(ChatMessage::text).toList(),
              pool.requests.get(0).request().messages().stream().map(ChatMessage::text).toList(),
              "the request's system replaces the stored one; the history comes before the new message");
          assertEquals(Role.SYSTEM, pool.requests.get(0).request().messages().get(0).role());
          CommitTurn commit = store.commits.get(0);
          assertEquals(id, commit.id());
          assertNotNull(commit.lockToken(), "the turn held the conversation's lock");
          assertEquals(3, commit.expectedCount());
          // Another key's conversation does not exist for this one.
          anthropic("/v1/messages", KEY_B).putHeader("x-axon-conversation-id", id).sendJsonObject(ask("hi"))
              .onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
                assertAnthropicError(r2, 404, "not_found_error");
                anthropic("/v1/messages", KEY_A).putHeader("x-axon-conversation-id", "../etc").sendJsonObject(ask("hi"))
                    .onComplete(ctx.succeeding(r3 -> ctx.verify(() -> {
                      assertAnthropicError(r3, 400, "invalid_request_error");
                      ctx.completeNow();
                    })));
              })));
        })));
  }

  @Test
  void storeFalseKeepsTheTurnOutOfTheStore(VertxTestContext ctx) {
    anthropic("/v1/messages", KEY_A).putHeader("x-axon-store", "false").sendJsonObject(ask("hi"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode());
          assertNull(r.getHeader("x-axon-conversation-id"));
          assertEquals(0, store.commits.size());
          ctx.completeNow();
        })));
  }

  @Test
  void aBusyConversationIs409(VertxTestContext ctx) {
    store.openFailure = new AxonException(ErrorKind.CONFLICT, "Another turn is running on conversation conv-busy.", "conversation_id", 1);
    anthropic("/v1/messages", KEY_A).putHeader("x-axon-conversation-id", "conv-busy").sendJsonObject(ask("hi"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertAnthropicError(r, 409, "invalid_request_error");
          assertEquals("1", r.getHeader("Retry-After"));
          ctx.completeNow();
        })));
  }

  // --- count tokens --------------------------------------------------------------------------------------------

  @Test
  void countTokensAsksThePoolWithTheStoredHistory(VertxTestContext ctx) {
    JsonObject body = ask("How many?");
    body.remove("max_tokens");
    anthropic("/v1/messages/count_tokens", KEY_A).sendJsonObject(body).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals(new JsonObject().put("input_tokens", 10), r.bodyAsJsonObject());
      assertEquals(List.of(ChatMessage.user("How many?")), pool.counts.get(0).request().messages());
      store.put(ownerHash(KEY_A), "conv-counted", List.of(ChatMessage.user("Earlier."), ChatMessage.assistant("Yes.")));
      anthropic("/v1/messages/count_tokens", KEY_A).putHeader("x-axon-conversation-id", "conv-counted").sendJsonObject(body)
          .onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
            assertEquals(new JsonObject().put("input_tokens", 30), r2.bodyAsJsonObject(), "the history counts too");
            assertEquals(0, store.opens.size(), "counting takes no lock");
            anthropic("/v1/messages/count_tokens", KEY_B).putHeader("x-axon-conversation-id", "conv-counted").sendJsonObject(body)
                .onComplete(ctx.succeeding(r3 -> ctx.verify(() -> {
                  assertAnthropicError(r3, 404, "not_found_error");
                  ctx.completeNow();
                })));
          })));
    })));
  }

  // --- models ------------------------------------------------------------------------------------------------------

  @Test
  void modelsAreAnthropicShapedWithAnthropicVersionAndOpenAiShapedWithout(VertxTestContext ctx) {
    client.get(port, HOST, "/v1/models").putHeader("x-api-key", KEY_A).putHeader("anthropic-version", VERSION)
        .send().onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          JsonObject body = r.bodyAsJsonObject();
          assertEquals(List.of("data", "has_more", "first_id", "last_id"), List.copyOf(body.fieldNames()));
          JsonObject first = body.getJsonArray("data").getJsonObject(0);
          assertEquals(new JsonObject().put("type", "model").put("id", "claude-opus-4-6").put("display_name", "Claude Opus 4.6")
              .put("created_at", "2026-01-01T00:00:00Z"), first);
          assertEquals(false, body.getBoolean("has_more"));
          assertEquals("claude-opus-4-6", body.getString("first_id"));
          int count = body.getJsonArray("data").size();
          assertEquals(body.getJsonArray("data").getJsonObject(count - 1).getString("id"), body.getString("last_id"));
          client.get(port, HOST, "/v1/models?limit=2&after_id=claude-opus-4-6").putHeader("x-api-key", KEY_A)
              .putHeader("anthropic-version", VERSION).send().onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
                JsonObject page = r2.bodyAsJsonObject();
                assertEquals(2, page.getJsonArray("data").size());
                assertEquals("claude-sonnet-4-6", page.getString("first_id"));
                assertEquals(true, page.getBoolean("has_more"));
                get("/v1/models", KEY_A).send().onComplete(ctx.succeeding(r3 -> ctx.verify(() -> {
                  assertEquals("list", r3.bodyAsJsonObject().getString("object"), "OpenAI's shape without anthropic-version");
                  ctx.completeNow();
                })));
              })));
        })));
  }

  @Test
  void aSingleModelInEitherShape(VertxTestContext ctx) {
    client.get(port, HOST, "/v1/models/claude-haiku-4-5").putHeader("x-api-key", KEY_A).putHeader("anthropic-version", VERSION)
        .send().onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(new JsonObject().put("type", "model").put("id", "claude-haiku-4-5").put("display_name", "Claude Haiku 4.5")
              .put("created_at", "2026-01-01T00:00:00Z"), r.bodyAsJsonObject());
          get("/v1/models/gpt-4o", KEY_A).send().onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
            assertEquals(new JsonObject().put("id", "gpt-4o").put("object", "model").put("created", 1_767_225_600L)
                .put("owned_by", "axon"), r2.bodyAsJsonObject());
            client.get(port, HOST, "/v1/models/nope").putHeader("x-api-key", KEY_A).putHeader("anthropic-version", VERSION)
                .send().onComplete(ctx.succeeding(r3 -> ctx.verify(() -> {
                  assertAnthropicError(r3, 404, "not_found_error");
                  get("/v1/models/nope", KEY_A).send().onComplete(ctx.succeeding(r4 -> ctx.verify(() -> {
                    assertError(r4, 404, "model_not_found", "model");
                    ctx.completeNow();
                  })));
                })));
          })));
        })));
  }
}
