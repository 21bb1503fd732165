package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests end at the edge with 400 (404 for an unknown model) in OpenAI's error shape, naming the parameter
 * at fault, and never reach the pool or the store.
 */
class RequestValidationTest extends ApiTestBase {

  private static JsonObject tool(String name) {
    return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name)
        .put("parameters", new JsonObject().put("type", "object")));
  }

  private static Arguments invalid(String what, UnaryOperator<JsonObject> change, String param) {
    return Arguments.of(what, change.apply(request("hi")).toBuffer(), 400, "invalid_request_error", null, param);
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("malformed JSON", Buffer.buffer("{\"model\": \"gpt-4o\", \"messages\": ["), 400, "invalid_request_error", null, null),
        Arguments.of("duplicate keys", Buffer.buffer("{\"model\":\"gpt-4o\",\"model\":\"gpt-4\",\"messages\":[]}"), 400, "invalid_request_error", null, null),
        Arguments.of("body is an array", Buffer.buffer("[{\"model\":\"gpt-4o\"}]"), 400, "invalid_request_error", null, null),
        Arguments.of("body is a string", Buffer.buffer("\"hello\""), 400, "invalid_request_error", null, null),
        Arguments.of("empty body", Buffer.buffer(), 400, "invalid_request_error", null, null),
        invalid("missing model", r -> { r.remove("model"); return r; }, "model"),
        invalid("model is a number", r -> r.put("model", 4), "model"),
        Arguments.of("unknown model", request("hi").put("model", "gpt-nope").toBuffer(), 404, "invalid_request_error", "model_not_found", "model"),
        invalid("missing messages", r -> { r.remove("messages"); return r; }, "messages"),
        invalid("null messages", r -> r.putNull("messages"), "messages"),
        invalid("empty messages", r -> r.put("messages", new JsonArray()), "messages"),
        invalid("messages is an object", r -> r.put("messages", new JsonObject()), "messages"),
        invalid("bad role", r -> r.put("messages", new JsonArray().add(message("wizard", "hi"))), "messages[0].role"),
        invalid("missing role", r -> r.put("messages", new JsonArray().add(new JsonObject().put("content", "hi"))), "messages[0].role"),
        invalid("user without content", r -> r.put("messages", new JsonArray().add(new JsonObject().put("role", "user"))), "messages[0].content"),
        invalid("tool message without tool_call_id", r -> r.put("messages", new JsonArray().add(message("user", "hi")).add(message("tool", "42"))), "messages[1].tool_call_id"),
        invalid("temperature as a string", r -> r.put("temperature", "hot"), "temperature"),
        invalid("temperature above 2", r -> r.put("temperature", 2.5), "temperature"),
        invalid("top_p 2", r -> r.put("top_p", 2), "top_p"),
        invalid("n = 0", r -> r.put("n", 0), "n"),
        invalid("n above api.maxChoices", r -> r.put("n", MAX_CHOICES + 1), "n"),
        invalid("n as a decimal", r -> r.put("n", 1.5), "n"),
        invalid("stop with 5 entries", r -> r.put("stop", new JsonArray().add("a").add("b").add("c").add("d").add("e")), "stop"),
        invalid("stop entry not a string", r -> r.put("stop", new JsonArray().add(1)), "stop[0]"),
        invalid("max_tokens 0", r -> r.put("max_tokens", 0), "max_tokens"),
        invalid("presence_penalty -3", r -> r.put("presence_penalty", -3), "presence_penalty"),
        invalid("logit_bias out of range", r -> r.put("logit_bias", new JsonObject().put("50256", 101)), "logit_bias"),
        invalid("top_logprobs 21", r -> r.put("top_logprobs", 21), "top_logprobs"),
        invalid("seed as a string", r -> r.put("seed", "42"), "seed"),
        invalid("stream as a string", r -> r.put("stream", "yes"), "stream"),
        invalid("stream_options.include_usage as a string", r -> r.put("stream", true).put("stream_options", new JsonObject().put("include_usage", "yes")), "stream_options.include_usage"),
        invalid("tools with a bad function name", r -> r.put("tools", new JsonArray().add(tool("get weather!"))), "tools[0].function.name"),
        invalid("tools without a function", r -> r.put("tools", new JsonArray().add(new JsonObject().put("type", "function"))), "tools[0].function"),
        invalid("tool_choice naming an unknown function", r -> r.put("tools", new JsonArray().add(tool("get_weather")))
            .put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_time"))), "tool_choice"),
        invalid("tool_choice required without tools", r -> r.put("tool_choice", "required"), "tool_choice"),
        invalid("tool_choice an unknown mode", r -> r.put("tool_choice", "sometimes"), "tool_choice"),
        invalid("response_format json_schema without name", r -> r.put("response_format", new JsonObject().put("type", "json_schema")
            .put("json_schema", new JsonObject().put("schema", new JsonObject().put("type", "object")))), "response_format.json_schema.name"),
        invalid("response_format json_schema without json_schema", r -> r.put("response_format", new JsonObject().put("type", "json_schema")), "response_format.json_schema"),
        invalid("response_format of an unknown type", r -> r.put("response_format", new JsonObject().put("type", "yaml")), "response_format.type"),
        invalid("reasoning_effort unknown", r -> r.put("reasoning_effort", "extreme"), "reasoning_effort"),
        invalid("metadata value not a string", r -> r.put("metadata", new JsonObject().put("k", 1)), "metadata.k"),
        invalid("image in a system message", r -> r.put("messages", new JsonArray().add(message("system", new JsonArray()
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "https://x/y.png")))))), "messages[0].content[0].type"),
        invalid("bad conversation_id format", r -> r.put("conversation_id", "abc"), "conversation_id"),
        invalid("conversation_id with a slash", r -> r.put("conversation_id", "conv-a/b"), "conversation_id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badRequestIsRejectedAtTheEdge(String what, Buffer body, int status, String type, String code, String param, VertxTestContext ctx) {
    post("/v1/chat/completions", KEY_A).putHeader("Content-Type", "application/json").sendBuffer(body)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          JsonObject error = assertError(r, status, code, param);
          assertEquals(type, error.getString("type"));
          assertTrue(!error.getString("message").isBlank());
          assertTrue(!r.bodyAsString().contains("Exception") && !r.bodyAsString().contains("\tat "), "no stack trace: " + r.bodyAsString());
          assertEquals(0, pool.requests.size(), "a bad request never reaches the pool");
          assertEquals(0, store.opens.size() + store.commits.size(), "nor the store");
          ctx.completeNow();
        })));
  }

  @Test
  void aDuplicateFieldIsNamedAtAnyDepth(VertxTestContext ctx) {
    Buffer body = Buffer.buffer("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"content\":\"again\"}]}");
    post("/v1/chat/completions", KEY_A).putHeader("Content-Type", "application/json").sendBuffer(body)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          JsonObject error = assertError(r, 400, null, null);
          assertTrue(error.getString("message").endsWith("not valid JSON.) Duplicate field 'content'"), error.getString("message"));
          ctx.completeNow();
        })));
  }
}
