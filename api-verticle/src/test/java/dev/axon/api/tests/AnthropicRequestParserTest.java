package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.anthropic.AnthropicCall;
import dev.axon.api.anthropic.AnthropicRequestParser;
import dev.axon.common.chat.CacheControl;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ThinkingConfig;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.config.ModelCatalog;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Anthropic's request fields, each one, into the canonical model; and what is refused, in Anthropic's words. */
class AnthropicRequestParserTest {

  private final AnthropicRequestParser parser = new AnthropicRequestParser(ModelCatalog.defaults(), 4);

  private AnthropicCall parse(JsonObject body) {
    return parser.parse(body.toBuffer(), null, null);
  }

  private String refusal(JsonObject body) {
    AxonException e = assertThrows(AxonException.class, () -> parse(body));
    assertEquals(ErrorKind.INVALID_REQUEST, e.kind(), e.getMessage());
    return e.getMessage();
  }

  static JsonObject base() {
    return new JsonObject().put("model", "claude-sonnet-4-6").put("max_tokens", 100)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  static JsonObject user(Object content) {
    return new JsonObject().put("role", "user").put("content", content);
  }

  static JsonObject assistant(Object content) {
    return new JsonObject().put("role", "assistant").put("content", content);
  }

  static JsonObject text(String text) {
    return new JsonObject().put("type", "text").put("text", text);
  }

  @Test
  void theSmallestRequest() {
    AnthropicCall call = parse(base());
    assertEquals("claude-sonnet-4-6", call.clientModel());
    assertEquals("claude-sonnet-4-6", call.request().model());
    assertEquals(List.of(ChatMessage.user("hi")), call.request().messages());
    assertEquals(100, call.request().sampling().maxTokens());
    assertFalse(call.stream());
    assertEquals(1, call.n());
    assertNull(call.conversationId());
    assertTrue(call.store());
  }

  @Test
  void samplingStreamMetadataAndTier() {
    ChatRequest r = parse(base().put("temperature", 0.5).put("top_p", 0.9).put("top_k", 40).put("stop_sequences", new JsonArray().add("END").add(""))
        .put("stream", true).put("metadata", new JsonObject().put("user_id", "u-42")).put("service_tier", "standard_only")).request();
    assertEquals(0.5, r.sampling().temperature());
    assertEquals(0.9, r.sampling().topP());
    assertEquals(List.of("END"), r.sampling().stop(), "empty stop sequences are dropped");
    assertEquals("u-42", r.user());
    assertEquals("default", r.sampling().serviceTier());
    assertTrue(parse(base().put("stream", true)).stream());
    assertEquals("auto", parse(base().put("service_tier", "auto")).request().sampling().serviceTier());
  }

  @Test
  void systemAsStringOrBlocks() {
    assertEquals(ChatMessage.system("Be brief."), parse(base().put("system", "Be brief.")).request().messages().get(0));
    ChatMessage system = parse(base().put("system", new JsonArray().add(text("One.")).add(text("Two.")))).request().messages().get(0);
    assertEquals(Role.SYSTEM, system.role());
    assertEquals(List.of("One.", "Two."), system.content().stream().map(p -> ((ContentPart.Text) p).text()).toList());
    assertEquals(1, parse(base().put("system", "")).request().messages().size(), "an empty system is none");
  }

  @Test
  void contentBlocksImagesAndConsecutiveRoles() {
    JsonObject image = new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "base64")
        .put("media_type", "image/png").put("data", "iVBORw0KGgo="));
    JsonObject urlImage = new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "url")
        .put("url", "https://example.com/cat.jpg"));
    ChatRequest r = parse(base().put("messages", new JsonArray()
        .add(user(new JsonArray().add(text("Look:")).add(image).add(urlImage)))
        .add(user("and again")))).request();
    assertEquals(2, r.messages().size(), "consecutive user messages are accepted");
    List<ContentPart> parts = r.messages().get(0).content();
    assertEquals("Look:", ((ContentPart.Text) parts.get(0)).text());
    assertEquals("data:image/png;base64,iVBORw0KGgo=", ((ContentPart.Image) parts.get(1)).url());
    assertEquals("https://example.com/cat.jpg", ((ContentPart.Image) parts.get(2)).url());
  }

  @Test
  void toolUseAndToolResultsBecomeToolCallsAndToolMessages() {
    JsonObject toolUse = new JsonObject().put("type", "tool_use").put("id", "toolu_1").put("name", "get_weather")
        .put("input", new JsonObject().put("city", "Paris"));
    JsonObject result = new JsonObject().put("type", "tool_result").put("tool_use_id", "toolu_1").put("content", "18C");
    JsonObject blockResult = new JsonObject().put("type", "tool_result").put("tool_use_id", "toolu_2")
        .put("content", new JsonArray().add(text("a")).add(text("b"))).put("is_error", true);
    ChatRequest r = parse(base().put("messages", new JsonArray()
        .add(user("weather?"))
        .add(assistant(new JsonArray().add(text("Checking.")).add(toolUse)))
        .add(user(new JsonArray().add(result).add(blockResult).add(text("thanks")))))
        .put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather").put("description", "d")
            .put("input_schema", new JsonObject().put("type", "object"))))
        .put("tool_choice", new JsonObject().put("type", "tool").put("name", "get_weather").put("disable_parallel_tool_use", true))).request();
    assertEquals(5, r.messages().size());
    ChatMessage call = r.messages().get(1);
    assertEquals(Role.ASSISTANT, call.role());
    assertEquals("Checking.", call.text());
    assertEquals(List.of(new ToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}")), call.toolCalls());
    assertEquals(Role.TOOL, r.messages().get(2).role());
    assertEquals("toolu_1", r.messages().get(2).toolCallId());
    assertEquals("18C", r.messages().get(2).text());
    assertEquals("toolu_2", r.messages().get(3).toolCallId());
    assertEquals("ab", r.messages().get(3).text());
    assertEquals(ChatMessage.user("thanks"), r.messages().get(4), "the text after the results is a user message after them");
    assertEquals("get_weather", r.tools().get(0).name());
    assertEquals(new JsonObject().put("type", "object").encode(), r.tools().get(0).parameters().toString());
    assertEquals(ToolChoice.function("get_weather"), r.toolChoice());
    assertEquals(Boolean.FALSE, r.parallelToolCalls());
  }

  @Test
  void whatOnlyAnthropicHasIsCarriedIntoTheCanonicalModel() {
    JsonObject ephemeral = new JsonObject().put("type", "ephemeral");
    JsonObject hour = new JsonObject().put("type", "ephemeral").put("ttl", "1h");
    JsonObject document = new JsonObject().put("type", "document").put("source", new JsonObject().put("type", "text")
        .put("media_type", "text/plain").put("data", "Paris is sunny.")).put("citations", new JsonObject().put("enabled", true));
    JsonObject webSearch = new JsonObject().put("type", "web_search_20250305").put("name", "web_search").put("max_uses", 2);
    ChatRequest r = parse(base()
        .put("system", new JsonArray().add(text("Terse.").put("cache_control", ephemeral)))
        .put("messages", new JsonArray()
            .add(user(new JsonArray().add(text("Look").put("cache_control", hour)).add(document)))
            .add(assistant(new JsonArray()
                .add(new JsonObject().put("type", "thinking").put("thinking", "Hmm.").put("signature", "sig-1"))
                .add(new JsonObject().put("type", "redacted_thinking").put("data", "enc"))
                .add(new JsonObject().put("type", "tool_use").put("id", "toolu_1").put("name", "lookup").put("input", new JsonObject())
                    .put("cache_control", ephemeral))))
            .add(user(new JsonArray().add(new JsonObject().put("type", "tool_result").put("tool_use_id", "toolu_1")
                .put("content", "failed").put("is_error", true).put("cache_control", ephemeral))))
            .add(new JsonObject().put("role", "system").put("content", "Mid-conversation instructions."))
            .add(user("go")))
        .put("tools", new JsonArray().add(new JsonObject().put("name", "lookup").put("input_schema", new JsonObject().put("type", "object"))
            .put("cache_control", hour)).add(webSearch))
        .put("top_k", 20)
        .put("max_tokens", 4096).put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024))).request();
    assertEquals(new ChatMessage(Role.SYSTEM, List.of(new ContentPart.Text("Terse.", CacheControl.EPHEMERAL)), null, null, null),
        r.messages().get(0));
    List<ContentPart> user = r.messages().get(1).content();
    assertEquals(new ContentPart.Text("Look", new CacheControl("ephemeral", "1h")), user.get(0));
    assertEquals(new JsonObject(((ContentPart.Opaque) user.get(1)).json()), document, "an unknown block is kept verbatim");
    ChatMessage reply = r.messages().get(2);
    assertEquals(List.of(new ContentPart.Thinking("Hmm.", "sig-1"), new ContentPart.RedactedThinking("enc")), reply.content());
    assertEquals(List.of(new ToolCall("toolu_1", "lookup", "{}", CacheControl.EPHEMERAL)), reply.toolCalls());
    ChatMessage result = r.messages().get(3);
    assertEquals(new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("failed")), null, null, "toolu_1", true, CacheControl.EPHEMERAL), result);
    assertEquals(ChatMessage.system("Mid-conversation instructions."), r.messages().get(4), "a system message between the turns");
    assertEquals(new CacheControl("ephemeral", "1h"), r.tools().get(0).cacheControl());
    ToolDefinition raw = r.tools().get(1);
    assertEquals("web_search", raw.name());
    assertEquals(webSearch, new JsonObject(raw.rawJson().toString()), "a server tool is kept verbatim");
    assertEquals(20, r.sampling().topK());
    assertEquals(ThinkingConfig.enabled(1024), r.thinking());
    assertEquals(ThinkingConfig.adaptive(), parse(base().put("thinking", new JsonObject().put("type", "adaptive").put("display", "omitted")))
        .request().thinking());
    assertEquals(ThinkingConfig.disabled(), parse(base().put("thinking", new JsonObject().put("type", "disabled"))).request().thinking());
  }

  @Test
  void toolChoices() {
    JsonArray tools = new JsonArray().add(new JsonObject().put("name", "t").put("input_schema", new JsonObject().put("type", "object")));
    assertEquals(ToolChoice.AUTO, parse(base().put("tools", tools).put("tool_choice", new JsonObject().put("type", "auto"))).request().toolChoice());
    assertEquals(ToolChoice.REQUIRED, parse(base().put("tools", tools).put("tool_choice", new JsonObject().put("type", "any"))).request().toolChoice());
    assertEquals(ToolChoice.NONE, parse(base().put("tools", tools).put("tool_choice", new JsonObject().put("type", "none"))).request().toolChoice());
    assertEquals("tool_choice.name: 'other' is not one of the provided tools",
        refusal(base().put("tools", tools).put("tool_choice", new JsonObject().put("type", "tool").put("name", "other"))));
  }

  @Test
  void structuredOutputs() {
    JsonObject schema = new JsonObject().put("type", "object");
    ResponseFormat f = parse(base().put("output_config", new JsonObject().put("format", new JsonObject().put("type", "json_schema")
        .put("schema", schema)))).request().responseFormat();
    assertEquals(ResponseFormat.Type.JSON_SCHEMA, f.type());
    assertTrue(f.strict());
    assertEquals(schema.encode(), f.schema().toString());
  }

  @Test
  void unknownFieldsAndBetaFieldsAreAccepted() {
    parse(base().put("container", "c").put("mcp_servers", new JsonArray()).put("context_management", new JsonObject())
        .put("some_future_field", 1).put("thinking", new JsonObject().put("type", "adaptive")));
  }

  @Test
  void requiredFieldsAndRanges() {
    JsonObject noModel = base();
    noModel.remove("model");
    assertEquals("model: Field required", refusal(noModel));
    JsonObject noMax = base();
    noMax.remove("max_tokens");
    assertEquals("max_tokens: Field required", refusal(noMax));
    JsonObject noMessages = base();
    noMessages.remove("messages");
    assertEquals("messages: Field required", refusal(noMessages));
    assertEquals("max_tokens: Input should be greater than or equal to 1", refusal(base().put("max_tokens", 0)));
    assertEquals("top_p: Input should be less than or equal to 1", refusal(base().put("top_p", 2)));
    assertEquals("top_k: Input should be greater than or equal to 0", refusal(base().put("top_k", -1)));
    assertEquals("messages.0.role: Input should be 'user', 'assistant' or 'system'", refusal(base().put("messages", new JsonArray().add(
        new JsonObject().put("role", "tool").put("content", "x")))));
    assertEquals("messages.0.content.0.text: Field required", refusal(base().put("messages", new JsonArray().add(
        user(new JsonArray().add(new JsonObject().put("type", "text")))))));
    assertEquals("thinking.enabled.budget_tokens: Field required", refusal(base().put("thinking", new JsonObject().put("type", "enabled"))));
    assertEquals("thinking.budget_tokens: Input should be greater than or equal to 1024",
        refusal(base().put("max_tokens", 4096).put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 10))));
    assertEquals("max_tokens: must be greater than thinking.budget_tokens (2048)",
        refusal(base().put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 2048))));
    assertEquals("tools: List should have at most 4 items after validation, not 5", refusal(base().put("tools", new JsonArray(
        List.of(1, 2, 3, 4, 5).stream().map(i -> new JsonObject().put("name", "t" + i).put("input_schema", new JsonObject())).toList()))));
    assertTrue(refusal(base().put("messages", "nope")).startsWith("messages: "));
    assertEquals("messages.0.content: all messages must have non-empty content except for the optional final assistant message",
        refusal(base().put("messages", new JsonArray().add(user(new JsonArray())))));
    assertEquals(2, parse(base().put("messages", new JsonArray().add(user("hi")).add(assistant(new JsonArray())))).request().messages().size(),
        "a final assistant message may be empty (a prefill)");
  }

  @Test
  void malformedBodies() {
    AxonException e = assertThrows(AxonException.class, () -> parser.parse(Buffer.buffer("{\"model\":1,"), null, null));
    assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
    e = assertThrows(AxonException.class, () -> parser.parse(Buffer.buffer("{\"a\":1,\"a\":2}"), null, null));
    assertTrue(e.getMessage().endsWith("not valid JSON: Duplicate field 'a'"), e.getMessage());
    // Nested objects too, and the message names the field, not the parser's internals.
    e = assertThrows(AxonException.class, () -> parser.parse(Buffer.buffer(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"role\":\"assistant\"}]}"), null, null));
    assertTrue(e.getMessage().endsWith("not valid JSON: Duplicate field 'role'"), e.getMessage());
    e = assertThrows(AxonException.class, () -> parser.parse(Buffer.buffer("{\"model\":\"\\ud800\"}"), null, null));
    assertTrue(e.getMessage().startsWith("model: "), e.getMessage());
  }

  @Test
  void modelsAreResolvedLikeTheOpenAiSide() {
    assertEquals("claude-haiku-4-5", parse(base().put("model", "gpt-4o-mini")).request().model());
    AxonException e = assertThrows(AxonException.class, () -> parse(base().put("model", "claude-unknown")));
    assertEquals(ErrorKind.MODEL_NOT_FOUND, e.kind());
    assertEquals("model: claude-unknown", e.getMessage());
  }

  @Test
  void conversationAndStoreHeaders() {
    AnthropicCall call = parser.parse(base().toBuffer(), "conv-abc_1", "false");
    assertEquals("conv-abc_1", call.conversationId());
    assertFalse(call.store());
    AxonException e = assertThrows(AxonException.class, () -> parser.parse(base().toBuffer(), "conv-../x", null));
    assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
  }

  @Test
  void countTokensNeedsNoMaxTokens() {
    JsonObject body = base();
    body.remove("max_tokens");
    AnthropicRequestParser.CountCall count = parser.parseCount(body.toBuffer());
    assertEquals("claude-sonnet-4-6", count.clientModel());
    assertEquals(List.of(ChatMessage.user("hi")), count.request().messages());
  }
}
