package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.Usage;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.turn.TurnRequest;
import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the edge renders from a turn's events, checked against the official OpenAI schemas: plain and streamed
 * completions, usage chunks, tool calls, several choices, refusals, and failures before and during a stream.
 */
class ResponseShapeTest extends ApiTestBase {

  @Test
  void plainCompletionIsValidAndStoredAsANewConversation(VertxTestContext ctx) {
    long before = System.currentTimeMillis() / 1000;
    chat(request("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonObject body = r.bodyAsJsonObject();
      OpenAiSchemas.assertValidResponse(body);
      assertTrue(body.getString("id").startsWith("chatcmpl-"));
      assertEquals("chat.completion", body.getString("object"));
      assertEquals("gpt-4o", body.getString("model"), "the client's model name is echoed");
      assertEquals("fp_axon_0100", body.getString("system_fingerprint"));
      long created = body.getLong("created");
      assertTrue(created >= before && created <= before + 60, "created in seconds: " + created);
      JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
      assertEquals(0, choice.getInteger("index"));
      assertEquals("stop", choice.getString("finish_reason"));
      assertTrue(choice.containsKey("logprobs") && choice.getValue("logprobs") == null);
      JsonObject message = choice.getJsonObject("message");
      assertEquals("assistant", message.getString("role"));
      assertEquals("Hello world", message.getString("content"));
      assertTrue(message.containsKey("refusal") && message.getValue("refusal") == null);
      JsonObject usage = body.getJsonObject("usage");
      assertEquals(5, usage.getInteger("prompt_tokens"));
      assertEquals(2, usage.getInteger("completion_tokens"));
      assertEquals(7, usage.getInteger("total_tokens"));

      String conversationId = body.getString("conversation_id");
      assertTrue(conversationId.matches("conv-[A-Za-z0-9]+"), conversationId);
      assertEquals(1, store.commits.size());
      CommitTurn commit = store.commits.get(0);
      assertEquals(conversationId, commit.id());
      assertEquals(ownerHash(KEY_A), commit.ownerHash());
      assertEquals("gpt-4o", commit.model());
      assertNull(commit.lockToken(), "a new conversation holds no lock");
      assertEquals(0, commit.expectedCount());
      assertEquals(List.of(ChatMessage.user("hi"), ChatMessage.assistant("Hello world")), commit.messages());
      assertEquals(0, store.opens.size(), "a new conversation is not opened");
      ctx.completeNow();
    })));
  }

  @Test
  void streamWithoutUsageIsValidAndCarriesNoUsage(VertxTestContext ctx) {
    chat(streaming("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode());
      assertTrue(r.getHeader("Content-Type").startsWith("text/event-stream"), r.getHeader("Content-Type"));
      assertEquals("no-cache", r.getHeader("Cache-Control"));
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), false);
      assertEquals("Hello world", stream.content(0));
      assertEquals("stop", stream.finishReason(0));
      JsonObject first = stream.chunks().get(0);
      assertEquals("assistant", first.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
      String id = first.getString("id");
      String conversationId = first.getString("conversation_id");
      assertNotNull(conversationId);
      for (JsonObject chunk : stream.chunks()) {
        assertEquals(id, chunk.getString("id"), "one id per stream");
        assertEquals("gpt-4o", chunk.getString("model"));
        assertEquals("chat.completion.chunk", chunk.getString("object"));
        assertFalse(chunk.containsKey("usage"), "no usage without include_usage: " + chunk);
        assertEquals(conversationId, chunk.getString("conversation_id"));
      }
      assertTrue(r.bodyAsString().endsWith("data: [DONE]\n\n"));
      assertEquals(1, store.commits.size(), "the streamed turn is stored");
      ctx.completeNow();
    })));
  }

  @Test
  void streamWithIncludeUsageEndsWithTheTotals(VertxTestContext ctx) {
    JsonObject body = streaming("hi").put("stream_options", new JsonObject().put("include_usage", true));
    chat(body).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), false);
      List<JsonObject> chunks = stream.chunks();
      JsonObject last = chunks.get(chunks.size() - 1);
      assertEquals(new JsonArray(), last.getJsonArray("choices"), "the usage chunk has no choices");
      JsonObject usage = last.getJsonObject("usage");
      assertEquals(5, usage.getInteger("prompt_tokens"));
      assertEquals(2, usage.getInteger("completion_tokens"));
      assertEquals(7, usage.getInteger("total_tokens"));
      for (JsonObject chunk : chunks.subList(0, chunks.size() - 1)) {
        assertTrue(chunk.containsKey("usage") && chunk.getValue("usage") == null, "every other chunk has usage: null: " + chunk);
        assertFalse(chunk.getJsonArray("choices").isEmpty());
      }
      assertEquals("stop", chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0).getString("finish_reason"),
          "the finish chunk comes before the usage chunk");
      ctx.completeNow();
    })));
  }

  private static ChatEvent[] twoToolCalls() {
    return new ChatEvent[] {
        new ChatEvent.ToolCallDelta(0, "call_a", "get_weather", ""),
        new ChatEvent.ToolCallDelta(0, null, null, "{\"city\":"),
        new ChatEvent.ToolCallDelta(0, null, null, "\"Paris\"}"),
        new ChatEvent.ToolCallDelta(1, "call_b", "get_time", ""),
        new ChatEvent.ToolCallDelta(1, null, null, "{\"zone\":\"CET\"}"),
        FakePool.done(FinishReason.TOOL_CALLS, 9, 4)};
  }

  private static JsonObject toolRequest() {
    JsonArray tools = new JsonArray();
    for (String name : List.of("get_weather", "get_time")) {
      tools.add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name)
          .put("parameters", new JsonObject().put("type", "object"))));
    }
    return request("weather and time in Paris?").put("tools", tools);
  }

  @Test
  void streamedToolCallsAtIndexZeroAndOneAreValidAndReassemble(VertxTestContext ctx) {
    pool.script(twoToolCalls());
    chat(toolRequest().put("stream", true)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), false);
      Map<Integer, String[]> calls = new LinkedHashMap<>();
      for (JsonObject chunk : stream.chunks()) {
        JsonObject delta = chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
        JsonArray toolCalls = delta.getJsonArray("tool_calls");
        if (toolCalls == null) {
          continue;
        }
        assertEquals(1, toolCalls.size(), "one fragment per chunk");
        JsonObject fragment = toolCalls.getJsonObject(0);
        int index = fragment.getInteger("index");
        String[] call = calls.computeIfAbsent(index, i -> new String[] {null, null, ""});
        if (call[0] == null) {
          assertNotNull(fragment.getString("id"), "the first fragment of a call carries its id");
          assertEquals("function", fragment.getString("type"));
          assertNotNull(fragment.getJsonObject("function").getString("name"));
          call[0] = fragment.getString("id");
          call[1] = fragment.getJsonObject("function").getString("name");
        } else {
          assertFalse(fragment.containsKey("id"), "later fragments carry only arguments");
        }
        call[2] += fragment.getJsonObject("function").getString("arguments");
      }
      assertEquals(List.of(0, 1), new ArrayList<>(calls.keySet()));
      assertEquals(List.of("call_a", "get_weather", "{\"city\":\"Paris\"}"), List.of(calls.get(0)));
      assertEquals(List.of("call_b", "get_time", "{\"zone\":\"CET\"}"), List.of(calls.get(1)));
      assertEquals("tool_calls", stream.finishReason(0));
      assertEquals("", stream.content(0));
      ctx.completeNow();
    })));
  }

  @Test
  void plainToolCallsAreValidAndStoredWithTheReply(VertxTestContext ctx) {
    pool.script(twoToolCalls());
    chat(toolRequest()).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject body = r.bodyAsJsonObject();
      OpenAiSchemas.assertValidResponse(body);
      JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
      assertEquals("tool_calls", choice.getString("finish_reason"));
      JsonObject message = choice.getJsonObject("message");
      assertTrue(message.containsKey("content") && message.getValue("content") == null, "content is null beside tool calls");
      JsonArray toolCalls = message.getJsonArray("tool_calls");
      assertEquals(2, toolCalls.size());
      assertEquals(new JsonObject().put("id", "call_b").put("type", "function")
          .put("function", new JsonObject().put("name", "get_time").put("arguments", "{\"zone\":\"CET\"}")), toolCalls.getJsonObject(1));
      ChatMessage stored = store.commits.get(0).messages().get(1);
      assertEquals(new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(
          new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"), new ToolCall("call_b", "get_time", "{\"zone\":\"CET\"}")), null), stored);
      ctx.completeNow();
    })));
  }

  /** Accepts both turns of an n = 2 request, then sends their events alternately. */
  private void interleaveTwoChoices(Vertx vertx) {
    List<TurnRequest> accepted = new CopyOnWriteArrayList<>();
    pool.behave(m -> {
      pool.accept(m);
      accepted.add(m.body());
      if (accepted.size() == 2) {
        vertx.setTimer(50, t -> {
          TurnRequest a = accepted.get(0);
          TurnRequest b = accepted.get(1);
          pool.send(a, 0, FakePool.text("A0"));
          pool.send(b, 0, FakePool.text("B0"));
          pool.send(a, 1, FakePool.text("A1"));
          pool.send(b, 1, FakePool.text("B1"));
          pool.send(a, 2, FakePool.done(FinishReason.STOP, 5, 2));
          pool.send(b, 2, FakePool.done(FinishReason.LENGTH, 5, 3));
        });
      }
    });
  }

  @Test
  void twoInterleavedChoicesStreamValidly(Vertx vertx, VertxTestContext ctx) {
    interleaveTwoChoices(vertx);
    JsonObject body = streaming("hi").put("n", 2).put("stream_options", new JsonObject().put("include_usage", true));
    chat(body).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), false);
      assertEquals("A0A1", stream.content(0));
      assertEquals("B0B1", stream.content(1));
      assertEquals("stop", stream.finishReason(0));
      assertEquals("length", stream.finishReason(1));
      List<Integer> contentOrder = new ArrayList<>();
      for (JsonObject chunk : stream.chunks()) {
        for (Object o : chunk.getJsonArray("choices")) {
          JsonObject c = (JsonObject) o;
          String content = c.getJsonObject("delta").getString("content");
          if (content != null && !content.isEmpty()) {
            contentOrder.add(c.getInteger("index"));
          }
        }
      }
      assertEquals(List.of(0, 1, 0, 1), contentOrder, "deltas are relayed as they arrive");
      JsonObject usage = stream.chunks().get(stream.chunks().size() - 1).getJsonObject("usage");
      assertEquals(5, usage.getInteger("prompt_tokens"), "the prompt is counted once");
      assertEquals(5, usage.getInteger("completion_tokens"), "completions add up");
      assertEquals(ChatMessage.assistant("A0A1"), store.commits.get(0).messages().get(1), "the first choice is stored");
      ctx.completeNow();
    })));
  }

  @Test
  void twoChoicesInAPlainResponse(Vertx vertx, VertxTestContext ctx) {
    interleaveTwoChoices(vertx);
    chat(request("hi").put("n", 2)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject body = r.bodyAsJsonObject();
      OpenAiSchemas.assertValidResponse(body);
      JsonArray choices = body.getJsonArray("choices");
      assertEquals(2, choices.size());
      assertEquals("A0A1", choices.getJsonObject(0).getJsonObject("message").getString("content"));
      assertEquals("B0B1", choices.getJsonObject(1).getJsonObject("message").getString("content"));
      assertEquals(1, choices.getJsonObject(1).getInteger("index"));
      assertEquals("length", choices.getJsonObject(1).getString("finish_reason"));
      assertEquals(10, body.getJsonObject("usage").getInteger("total_tokens"));
      ctx.completeNow();
    })));
  }

  private static final String REFUSAL = "I can't help with that.";

  private static ChatEvent.Done refused() {
    return new ChatEvent.Done(FinishReason.CONTENT_FILTER, Usage.of(4, 0), FakePool.MODEL, REFUSAL);
  }

  @Test
  void refusalIsRenderedAsOpenAiDoes(VertxTestContext ctx) {
    pool.script(refused());
    chat(request("something forbidden")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject body = r.bodyAsJsonObject();
      OpenAiSchemas.assertValidResponse(body);
      JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
      assertEquals("content_filter", choice.getString("finish_reason"));
      JsonObject message = choice.getJsonObject("message");
      assertEquals(REFUSAL, message.getString("refusal"));
      assertTrue(message.containsKey("content") && message.getValue("content") == null, "a refusal has null content: " + message);
      // The stored reply keeps the refusal, so the next turn of the conversation does not carry an empty message.
      ChatMessage stored = store.commits.get(0).messages().get(1);
      assertEquals(new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.Text(REFUSAL)), null, null, null), stored);
      ctx.completeNow();
    })));
  }

  @Test
  void streamedRefusalIsValid(VertxTestContext ctx) {
    pool.script(refused());
    chat(streaming("something forbidden")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), false);
      assertEquals("content_filter", stream.finishReason(0));
      JsonObject last = stream.chunks().get(stream.chunks().size() - 1).getJsonArray("choices").getJsonObject(0);
      assertEquals(REFUSAL, last.getJsonObject("delta").getString("refusal"));
      ctx.completeNow();
    })));
  }

  @Test
  void midStreamFailureEndsWithAnErrorEventThenDone(VertxTestContext ctx) {
    pool.script(FakePool.text("Hel"), FakePool.text("lo"), new ChatEvent.Failed(ErrorKind.UPSTREAM_ERROR, "The upstream broke.", null));
    chat(streaming("hi")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), "the stream had started");
      String sse = r.bodyAsString();
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(sse, true);
      assertThrows(AssertionError.class, () -> OpenAiSchemas.assertValidSse(sse, false), "the error event is reported");
      assertEquals("Hello", stream.content(0));
      JsonObject error = stream.error().getJsonObject("error");
      assertEquals("upstream_error", error.getString("code"));
      assertEquals("server_error", error.getString("type"));
      assertEquals("The upstream broke.", error.getString("message"));
      assertTrue(sse.endsWith("data: " + stream.error().encode() + "\n\ndata: [DONE]\n\n"), sse);
      assertEquals(0, store.commits.size(), "a failed turn is not stored");
      ctx.completeNow();
    })));
  }

  @Test
  void failureBeforeTheFirstByteIsAJsonErrorWithItsStatus(VertxTestContext ctx) {
    pool.script(new ChatEvent.Failed(ErrorKind.UPSTREAM_OVERLOADED, "The model is overloaded.", 3));
    chat(streaming("hi"))
        .compose(overloaded -> {
          pool.script(new ChatEvent.Failed(ErrorKind.UPSTREAM_ERROR, "The upstream broke.", null));
          return chat(request("hi")).map(broken -> List.of(overloaded, broken));
        })
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertError(rs.get(0), 503, "upstream_overloaded", null);
          assertEquals("3", rs.get(0).getHeader("Retry-After"));
          assertError(rs.get(1), 502, "upstream_error", null);
          assertEquals(0, store.commits.size());
          ctx.completeNow();
        })));
  }
}
