package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.turn.TurnRequest;
import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every parameter of OpenAI's {@code CreateChatCompletionRequest} is accepted, and what the canonical model carries
 * reaches the pool as the right {@link ChatRequest} fields; explicit nulls count as absent.
 */
class RequestMappingTest extends ApiTestBase {

  static final String IMAGE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

  /** A request that uses every parameter, with values a real client sends. */
  static JsonObject kitchenSink() {
    JsonObject weather = new JsonObject()
        .put("type", "function")
        .put("function", new JsonObject()
            .put("name", "get_weather")
            .put("description", "The weather in a city")
            .put("parameters", new JsonObject().put("type", "object")
                .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))
                .put("required", new JsonArray().add("city")).put("additionalProperties", false))
            .put("strict", true));
    JsonObject schema = new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("answer", new JsonObject().put("type", "string")))
        .put("required", new JsonArray().add("answer")).put("additionalProperties", false);
    return new JsonObject()
        .put("model", "gpt-4o")
        .put("messages", new JsonArray()
            .add(message("system", "You are terse."))
            .add(message("developer", "Answer in English."))
            .add(message("user", "What is the weather in Paris?").put("name", "ada"))
            .add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
                .add(new JsonObject().put("id", "call_1").put("type", "function")
                    .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}")))))
            .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "18 C, sunny"))
            .add(message("user", new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", "And what is in this picture?"))
                .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", IMAGE).put("detail", "low"))))))
        .put("temperature", 0.7)
        .put("top_p", 0.9)
        .put("n", 2)
        .put("stop", new JsonArray().add("END").add("STOP"))
        .put("max_tokens", 100)
        .put("max_completion_tokens", 50)
        .put("presence_penalty", 0.5)
        .put("frequency_penalty", -0.5)
        .put("logit_bias", new JsonObject().put("50256", -100).put("1234", 5))
        .put("logprobs", true)
        .put("top_logprobs", 3)
        .put("seed", 42)
        .put("tools", new JsonArray().add(weather))
        .put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_weather")))
        .put("parallel_tool_calls", false)
        .put("response_format", new JsonObject().put("type", "json_schema")
            .put("json_schema", new JsonObject().put("name", "answer").put("schema", schema).put("strict", true)))
        .put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true))
        .put("user", "user-1234")
        .put("store", true)
        .put("metadata", new JsonObject().put("project", "axon").put("run", "7"))
        .put("service_tier", "auto")
        .put("reasoning_effort", "low")
        .put("modalities", new JsonArray().add("text"))
        .put("prediction", new JsonObject().put("type", "content").put("content", "The weather is"))
        .put("audio", new JsonObject().put("voice", "alloy").put("format", "mp3"))
        .put("web_search_options", new JsonObject().put("search_context_size", "low"));
  }

  @Test
  void theKitchenSinkIsAValidOpenAiRequest() {
    OpenAiSchemas.assertValidRequest(kitchenSink());
  }

  @Test
  void everyParameterIsAcceptedAndReachesThePoolAsCanonicalFields(VertxTestContext ctx) {
    chat(kitchenSink()).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertTrue(r.getHeader("Content-Type").startsWith("text/event-stream"));
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), false);
      assertEquals("Hello world", stream.content(0));
      assertEquals("Hello world", stream.content(1));

      assertEquals(2, pool.requests.size(), "n = 2 asks for two turns");
      TurnRequest first = pool.requests.get(0);
      TurnRequest second = pool.requests.get(1);
      assertFalse(first.turnId().equals(second.turnId()), "each choice is its own turn");
      assertEquals(first.request(), second.request(), "both choices see the same request");

      ChatRequest c = first.request();
      assertEquals("claude-sonnet-4-6", c.model(), "the alias is resolved before the pool");
      Sampling s = c.sampling();
      assertEquals(0.7, s.temperature());
      assertEquals(0.9, s.topP());
      assertEquals(50, s.maxTokens(), "max_completion_tokens wins over max_tokens");
      assertEquals(List.of("END", "STOP"), s.stop());
      assertEquals(0.5, s.presencePenalty());
      assertEquals(-0.5, s.frequencyPenalty());
      assertEquals(Map.of("50256", -100, "1234", 5), s.logitBias());
      assertEquals(Boolean.TRUE, s.logprobs());
      assertEquals(3, s.topLogprobs());
      assertEquals(42L, s.seed());
      assertEquals("low", s.reasoningEffort());
      assertEquals("auto", s.serviceTier());

      assertEquals(1, c.tools().size());
      ToolDefinition tool = c.tools().get(0);
      assertEquals("get_weather", tool.name());
      assertEquals("The weather in a city", tool.description());
      assertTrue(tool.strict());
      assertEquals("string", tool.parameters().get("properties").get("city").get("type").asText());
      assertEquals(ToolChoice.function("get_weather"), c.toolChoice());
      assertEquals(Boolean.FALSE, c.parallelToolCalls());
      assertEquals(ResponseFormat.Type.JSON_SCHEMA, c.responseFormat().type());
      assertEquals("answer", c.responseFormat().name());
      assertTrue(c.responseFormat().strict());
      assertEquals("object", c.responseFormat().schema().get("type").asText());
      assertEquals("user-1234", c.user());
      assertEquals(Map.of("project", "axon", "run", "7"), c.metadata());

      List<ChatMessage> m = c.messages();
      assertEquals(6, m.size());
      assertEquals(ChatMessage.system("You are terse."), m.get(0));
      assertEquals(ChatMessage.of(Role.DEVELOPER, "Answer in English."), m.get(1));
      assertEquals(new ChatMessage(Role.USER, List.of(new ContentPart.Text("What is the weather in Paris?")), "ada", null, null), m.get(2));
      assertEquals(new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null), m.get(3));
      assertEquals(new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("18 C, sunny")), null, null, "call_1"), m.get(4));
      assertEquals(new ChatMessage(Role.USER, List.of(new ContentPart.Text("And what is in this picture?"), new ContentPart.Image(IMAGE, "low")),
          null, null, null), m.get(5));
      ctx.completeNow();
    })));
  }

  @Test
  void explicitNullsCountAsAbsent(VertxTestContext ctx) {
    JsonObject body = new JsonObject(resource("conformance/request.valid.explicit-nulls.json"));
    OpenAiSchemas.assertValidRequest(body);
    chat(body).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertTrue(r.getHeader("Content-Type").startsWith("application/json"), "stream: null is not streaming");
      OpenAiSchemas.assertValidResponse(r.bodyAsJsonObject());
      assertEquals("gpt-4o-mini", r.bodyAsJsonObject().getString("model"), "the model is echoed as the client sent it");
      assertTrue(r.bodyAsJsonObject().containsKey("conversation_id"), "store: null means the default, stored");
      assertEquals(1, pool.requests.size(), "n: null means one choice");
      ChatRequest c = pool.requests.get(0).request();
      assertEquals("claude-haiku-4-5", c.model());
      assertEquals(Sampling.DEFAULTS, c.sampling());
      assertEquals(List.of(), c.tools());
      assertNull(c.toolChoice());
      assertNull(c.parallelToolCalls());
      assertEquals(ResponseFormat.TEXT, c.responseFormat());
      assertNull(c.user());
      assertEquals(Map.of(), c.metadata());
      assertEquals(List.of(ChatMessage.user("Say hi")), c.messages());
      ctx.completeNow();
    })));
  }

  @Test
  void legacyFunctionsAndMaxTokensStillWork(VertxTestContext ctx) {
    JsonObject body = request("hi")
        .put("max_tokens", 7)
        .put("stop", "END")
        .put("functions", new JsonArray().add(new JsonObject().put("name", "lookup").put("parameters", new JsonObject().put("type", "object"))))
        .put("function_call", new JsonObject().put("name", "lookup"))
        .put("response_format", new JsonObject().put("type", "json_object"))
        .put("store", false);
    chat(body).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertFalse(r.bodyAsJsonObject().containsKey("conversation_id"), "store: false keeps nothing");
      ChatRequest c = pool.requests.get(0).request();
      assertEquals(7, c.sampling().maxTokens());
      assertEquals(List.of("END"), c.sampling().stop());
      assertEquals("lookup", c.tools().get(0).name());
      assertEquals(ToolChoice.function("lookup"), c.toolChoice());
      assertEquals(ResponseFormat.JSON_OBJECT, c.responseFormat());
      assertEquals(0, store.commits.size(), "store: false commits nothing");
      ctx.completeNow();
    })));
  }

  static String resource(String path) {
    try (InputStream in = RequestMappingTest.class.getClassLoader().getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
