package dev.axon.pool.tests;

import static dev.axon.pool.tests.ProviderHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import dev.axon.pool.provider.anthropic.AnthropicProvider;
import dev.axon.testkit.anthropic.MockAnthropicServer;
import dev.axon.testkit.anthropic.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every OpenAI parameter, translated for the Messages API: each test asserts the exact request body (and the headers
 * that matter) the mock upstream received.
 */
@ExtendWith(VertxExtension.class)
class AnthropicRequestTranslationTest {

  static final String MODEL = "claude-sonnet-4-6";
  static final String KEY = "sk-ant-test-key-123";

  MockAnthropicServer mock;
  ProviderHarness h;
  Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    h = new ProviderHarness(vertx);
    mock = await(MockAnthropicServer.start(vertx, 0)).requireApiKey(KEY);
  }

  AnthropicProvider provider(JsonObject extra) {
    JsonObject options = new JsonObject().put("baseUrl", mock.baseUrl()).put("apiKey", KEY).mergeIn(extra, true);
    return h.provider(() -> new AnthropicProvider(vertx, options));
  }

  /** The body the upstream received for {@code request}, after a successful turn. */
  JsonObject sent(ChatRequest request) {
    return sent(request, new JsonObject());
  }

  JsonObject sent(ChatRequest request, JsonObject options) {
    ProviderHarness.Turn turn = h.run(provider(options), request);
    assertNull(turn.failure(), () -> "turn failed: " + turn.failure());
    return mock.lastMessageRequest().body();
  }

  static JsonObject json(String text) {
    return new JsonObject(text);
  }

  static ChatRequest req(List<ChatMessage> messages, Sampling sampling, List<ToolDefinition> tools, ToolChoice choice,
                         Boolean parallel, ResponseFormat format, String user) {
    return new ChatRequest(MODEL, messages, sampling, tools, choice, parallel, format, user, Map.of("team", "blue"));
  }

  static ChatRequest req(List<ChatMessage> messages) {
    return req(messages, Sampling.DEFAULTS, null, null, null, null, null);
  }

  static ChatRequest req(String user, Sampling sampling) {
    return req(List.of(ChatMessage.user(user)), sampling, null, null, null, null, null);
  }

  static Sampling sampling(java.util.function.Function<ProviderHarness.SamplingBuilder, ProviderHarness.SamplingBuilder> f) {
    return f.apply(new ProviderHarness.SamplingBuilder()).build();
  }

  static JsonNode schema(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Weather of a city",
      schema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"), false);
  static final ToolDefinition TIME = new ToolDefinition("get_time", null, null, false);

  @Test
  void plainRequestHasTheMessagesApiShapeAndHeaders() {
    JsonObject body = sent(req(List.of(ChatMessage.user("Hello"))));
    assertEquals(json("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":8192,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],"
        + "\"stream\":true}"), body);
    RecordedRequest r = mock.lastMessageRequest();
    assertEquals("/v1/messages", r.path());
    assertEquals(KEY, r.header("x-api-key"));
    assertEquals("2023-06-01", r.header("anthropic-version"));
    assertTrue(r.header("content-type").startsWith("application/json"));
    assertNull(r.header("anthropic-beta"));
  }

  @Test
  void systemAndDeveloperMessagesBecomeTheSystemPromptWhereverTheyStand() {
    JsonObject body = sent(req(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"), ChatMessage.assistant("Hello!"),
        new ChatMessage(Role.DEVELOPER, List.of(new ContentPart.Text("Answer in French.")), null, null, null), ChatMessage.user("Again"))));
    assertEquals("Be brief.\n\nAnswer in French.", body.getString("system"));
    assertEquals(new io.vertx.core.json.JsonArray("[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello!\"},"
        + "{\"role\":\"user\",\"content\":\"Again\"}]"), body.getJsonArray("messages"));
  }

  @Test
  void adjacentMessagesOfOneRoleAreMergedIntoOneTurn() {
    JsonObject body = sent(req(List.of(ChatMessage.user("First."), ChatMessage.user("Second."), ChatMessage.assistant("A"),
        ChatMessage.assistant("B"), ChatMessage.user("Third."))));
    assertEquals(new io.vertx.core.json.JsonArray("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"First.\"},"
        + "{\"type\":\"text\",\"text\":\"Second.\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"A\"},"
        + "{\"type\":\"text\",\"text\":\"B\"}]},{\"role\":\"user\",\"content\":\"Third.\"}]"), body.getJsonArray("messages"));
  }

  @Test
  void imagesAsDataUrlsAndHttpUrlsBecomeImageBlocks() {
    ChatMessage m = new ChatMessage(Role.USER, List.of(new ContentPart.Text("What is this?"),
        new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", "high"),
        new ContentPart.Image("https://example.com/cat.jpg", null)), null, null, null);
    JsonObject body = sent(req(List.of(m)));
    assertEquals(new io.vertx.core.json.JsonArray("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},"
        + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},"
        + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.jpg\"}}]}]"), body.getJsonArray("messages"));
  }

  @Test
  void pdfFilesBecomeDocumentBlocks() {
    ChatMessage m = new ChatMessage(Role.USER, List.of(new ContentPart.Text("Summarise."),
        new ContentPart.File(null, "report.pdf", "data:application/pdf;base64,JVBERi0x")), null, null, null);
    JsonObject body = sent(req(List.of(m)));
    assertEquals(json("{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"JVBERi0x\"},"
        + "\"title\":\"report.pdf\"}"), body.getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(1));
  }

  @Test
  void audioInputIsRefusedWithAClearInvalidRequest() {
    ChatMessage m = new ChatMessage(Role.USER, List.of(new ContentPart.Text("Transcribe"), new ContentPart.Audio("UklGRg==", "wav")),
        null, null, null);
    ProviderHarness.Turn turn = h.run(provider(new JsonObject()), req(List.of(m)));
    assertEquals(ErrorKind.INVALID_REQUEST, turn.failure().kind());
    assertEquals("messages[0].content[1]", turn.failure().param());
    assertTrue(turn.failure().getMessage().contains("Audio input"));
    assertTrue(mock.messageRequests().isEmpty(), "nothing was sent upstream");
  }

  @Test
  void unsupportedImageTypesAndFileIdsAreRefused() {
    ChatMessage svg = new ChatMessage(Role.USER, List.of(new ContentPart.Image("data:image/svg+xml;base64,PHN2Zz4=", null)), null, null, null);
    assertEquals(ErrorKind.INVALID_REQUEST, h.run(provider(new JsonObject()), req(List.of(svg))).failure().kind());
    ChatMessage fileId = new ChatMessage(Role.USER, List.of(new ContentPart.File("file-abc", null, null)), null, null, null);
    ProviderHarness.Turn turn = h.run(provider(new JsonObject()), req(List.of(fileId)));
    assertEquals(ErrorKind.INVALID_REQUEST, turn.failure().kind());
    assertEquals("messages[0].content[0].file.file_id", turn.failure().param());
  }

  @Test
  void toolCallsAndToolResultsBecomeToolUseAndToolResultBlocks() {
    ChatMessage call = new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.Text("Let me check.")), null,
        List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"), new ToolCall("call_2", "get_time", "")), null);
    ChatMessage r1 = new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("18C, sunny")), null, null, "call_1");
    ChatMessage r2 = new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("14:05")), null, null, "call_2");
    JsonObject body = sent(req(List.of(ChatMessage.user("Weather and time in Paris?"), call, r1, r2, ChatMessage.user("Thanks!")),
        Sampling.DEFAULTS, List.of(WEATHER, TIME), null, null, null, null));
    assertEquals(new io.vertx.core.json.JsonArray("[{\"role\":\"user\",\"content\":\"Weather and time in Paris?\"},"
        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Let me check.\"},"
        + "{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}},"
        + "{\"type\":\"tool_use\",\"id\":\"call_2\",\"name\":\"get_time\",\"input\":{}}]},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"call_1\",\"content\":\"18C, sunny\"},"
        + "{\"type\":\"tool_result\",\"tool_use_id\":\"call_2\",\"content\":\"14:05\"},{\"type\":\"text\",\"text\":\"Thanks!\"}]}]"),
        body.getJsonArray("messages"));
    assertEquals(new io.vertx.core.json.JsonArray("[{\"name\":\"get_weather\",\"description\":\"Weather of a city\","
        + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}},"
        + "{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\",\"properties\":{}}}]"), body.getJsonArray("tools"));
    assertNull(body.getValue("tool_choice"), "no tool_choice when the client gave none");
  }

  @Test
  void toolArgumentsThatAreNotAnObjectAreRefused() {
    ChatMessage call = new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("call_1", "get_weather", "{not json")), null);
    ProviderHarness.Turn turn = h.run(provider(new JsonObject()), req(List.of(ChatMessage.user("x"), call,
        new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("r")), null, null, "call_1")), Sampling.DEFAULTS, List.of(WEATHER),
        null, null, null, null));
    assertEquals(ErrorKind.INVALID_REQUEST, turn.failure().kind());
    assertEquals("messages[1].tool_calls[0].function.arguments", turn.failure().param());
  }

  @Test
  void toolChoiceMapsToAnthropicsEquivalents() {
    ChatRequest auto = req(List.of(ChatMessage.user("x")), Sampling.DEFAULTS, List.of(WEATHER), ToolChoice.AUTO, null, null, null);
    assertEquals(json("{\"type\":\"auto\"}"), sent(auto).getJsonObject("tool_choice"));
    ChatRequest none = req(List.of(ChatMessage.user("x")), Sampling.DEFAULTS, List.of(WEATHER), ToolChoice.NONE, null, null, null);
    assertEquals(json("{\"type\":\"none\"}"), sent(none).getJsonObject("tool_choice"));
    ChatRequest required = req(List.of(ChatMessage.user("x")), Sampling.DEFAULTS, List.of(WEATHER), ToolChoice.REQUIRED, null, null, null);
    assertEquals(json("{\"type\":\"any\"}"), sent(required).getJsonObject("tool_choice"));
    ChatRequest named = req(List.of(ChatMessage.user("x")), Sampling.DEFAULTS, List.of(WEATHER, TIME), ToolChoice.function("get_time"),
        false, null, null);
    assertEquals(json("{\"type\":\"tool\",\"name\":\"get_time\",\"disable_parallel_tool_use\":true}"), sent(named).getJsonObject("tool_choice"));
    ChatRequest serial = req(List.of(ChatMessage.user("x")), Sampling.DEFAULTS, List.of(WEATHER), null, false, null, null);
    assertEquals(json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"), sent(serial).getJsonObject("tool_choice"));
  }

  @Test
  void strictToolsKeepStrictWithAClosedSchema() {
    ToolDefinition strict = new ToolDefinition("lookup", "Look up", schema("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\","
        + "\"maxLength\":10},\"filters\":{\"type\":\"object\",\"properties\":{\"year\":{\"type\":\"integer\",\"minimum\":1900}}}},"
        + "\"required\":[\"q\",\"filters\"]}"), true);
    JsonObject tool = sent(req(List.of(ChatMessage.user("x")), Sampling.DEFAULTS, List.of(strict), null, null, null, null))
        .getJsonArray("tools").getJsonObject(0);
    assertEquals(json("{\"name\":\"lookup\",\"description\":\"Look up\",\"strict\":true,\"input_schema\":{\"type\":\"object\","
        + "\"properties\":{\"q\":{\"type\":\"string\"},\"filters\":{\"type\":\"object\",\"properties\":{\"year\":{\"type\":\"integer\"}},"
        + "\"additionalProperties\":false}},\"required\":[\"q\",\"filters\"],\"additionalProperties\":false}}"), tool);
  }

  @Test
  void stopSequencesAreSentExceptWhitespaceOnlyOnes() {
    JsonObject body = sent(req("x", sampling(s -> s.stop("END", "\n", "  ", "\n\nHuman:"))));
    assertEquals(new io.vertx.core.json.JsonArray().add("END").add("\n\nHuman:"), body.getJsonArray("stop_sequences"));
  }

  @Test
  void maxTokensTemperatureAndTopP() {
    assertEquals(json("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"temperature\":0.3,\"stream\":true}"), sent(req("x", sampling(s -> s.maxTokens(100).temperature(0.3)))));
    assertEquals(1.0, sent(req("x", sampling(s -> s.temperature(1.7)))).getDouble("temperature"), "clamped into [0, 1]");
    JsonObject topP = sent(req("x", sampling(s -> s.topP(0.9))));
    assertEquals(0.9, topP.getDouble("top_p"));
    assertNull(topP.getValue("temperature"));
    JsonObject both = sent(req("x", sampling(s -> s.temperature(0.5).topP(0.9))));
    assertEquals(0.5, both.getDouble("temperature"));
    assertFalse(both.containsKey("top_p"), "current Claude models refuse temperature and top_p together");
  }

  @Test
  void maxTokensDefaultsPerModel() {
    JsonObject options = new JsonObject().put("defaultMaxTokens", 1000).put("maxTokens", new JsonObject().put(MODEL, 2222));
    assertEquals(2222, sent(req("x", Sampling.DEFAULTS), options).getInteger("max_tokens"));
    ChatRequest other = new ChatRequest("claude-haiku-4-5", List.of(ChatMessage.user("x")), Sampling.DEFAULTS, null, null, null, null, null, null);
    assertEquals(1000, sent(other, options).getInteger("max_tokens"));
  }

  @Test
  void userBecomesMetadataUserIdAndServiceTierIsMapped() {
    JsonObject body = sent(req(List.of(ChatMessage.user("x")), sampling(s -> s.tier("default")), null, null, null, null, "user-42"));
    assertEquals(json("{\"user_id\":\"user-42\"}"), body.getJsonObject("metadata"), "only the user id: other metadata is not sent");
    assertEquals("standard_only", body.getString("service_tier"));
    assertEquals("auto", sent(req("x", sampling(s -> s.tier("auto")))).getString("service_tier"));
    assertFalse(sent(req("x", sampling(s -> s.tier("flex")))).containsKey("service_tier"));
  }

  @Test
  void parametersClaudeDoesNotSupportAreNotSent() {
    JsonObject body = sent(req("x", sampling(s -> s.seed(7).penalties(0.5, 0.5).logitBias(Map.of("50256", -100)).logprobs(true, 3))));
    assertEquals(json("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":8192,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"stream\":true}"), body);
  }

  @Test
  void reasoningEffortBecomesAThinkingBudget() {
    JsonObject body = sent(req("x", sampling(s -> s.effort("medium").temperature(0.2).topP(0.5))));
    assertEquals(json("{\"type\":\"enabled\",\"budget_tokens\":8192}"), body.getJsonObject("thinking"));
    assertEquals(8192 + 8192, body.getInteger("max_tokens"), "the default cap plus the budget");
    assertFalse(body.containsKey("temperature"), "thinking does not take a temperature");
    assertEquals(0.95, body.getDouble("top_p"), "with thinking top_p is at least 0.95");

    JsonObject capped = sent(req("x", sampling(s -> s.effort("high").maxTokens(3000))));
    assertEquals(3000, capped.getInteger("max_tokens"));
    assertEquals(2999, capped.getJsonObject("thinking").getInteger("budget_tokens"), "the budget stays below max_tokens");

    JsonObject tooSmall = sent(req("x", sampling(s -> s.effort("low").maxTokens(500))));
    assertFalse(tooSmall.containsKey("thinking"), "no room for the smallest budget: no thinking");
    assertFalse(sent(req("x", sampling(s -> s.effort("none")))).containsKey("thinking"));
  }

  @Test
  void thinkingStaysOffWhenTheClientForcesAToolOrContinuesAToolCall() {
    ChatRequest forced = req(List.of(ChatMessage.user("x")), sampling(s -> s.effort("high")), List.of(WEATHER), ToolChoice.REQUIRED,
        null, null, null);
    assertFalse(sent(forced).containsKey("thinking"));
    ChatMessage call = new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}")), null);
    ChatRequest continuing = req(List.of(ChatMessage.user("x"), call, new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("3C")),
        null, null, "call_1")), sampling(s -> s.effort("high")), List.of(WEATHER), null, null, null, null);
    assertFalse(sent(continuing).containsKey("thinking"));
  }

  static final JsonNode PERSON = schema("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1},"
      + "\"age\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"name\",\"age\"]}");
  static final String PERSON_CONSTRAINED = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}},"
      + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";

  @Test
  void strictJsonSchemaUsesNativeStructuredOutputs() {
    JsonObject body = sent(req(List.of(ChatMessage.user("Ada, 36")), Sampling.DEFAULTS, null, null, null,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "person", PERSON, true), null));
    assertEquals(json("{\"format\":{\"type\":\"json_schema\",\"schema\":" + PERSON_CONSTRAINED + "}}"), body.getJsonObject("output_config"));
    assertFalse(body.containsKey("tools"));
    assertNull(mock.lastMessageRequest().header("anthropic-beta"));
  }

  @Test
  void theBetaSpellingOfStructuredOutputsSendsItsHeader() {
    JsonObject body = sent(req(List.of(ChatMessage.user("Ada, 36")), Sampling.DEFAULTS, null, null, null,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "person", PERSON, true), null), new JsonObject().put("structuredOutputs", "beta"));
    assertEquals(json("{\"type\":\"json_schema\",\"schema\":" + PERSON_CONSTRAINED + "}"), body.getJsonObject("output_format"));
    assertFalse(body.containsKey("output_config"));
    assertEquals("structured-outputs-2025-11-13", mock.lastMessageRequest().header("anthropic-beta"));
  }

  @Test
  void nonStrictJsonSchemaWithoutThinkingUsesAForcedTool() {
    JsonObject body = sent(req(List.of(ChatMessage.user("Ada, 36")), Sampling.DEFAULTS, null, null, null,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "person", PERSON, false), null));
    JsonObject tool = body.getJsonArray("tools").getJsonObject(0);
    assertEquals("person", tool.getString("name"));
    assertEquals(new JsonObject(PERSON.toString()), tool.getJsonObject("input_schema"), "the schema as given");
    assertFalse(tool.containsKey("strict"));
    assertEquals(json("{\"type\":\"tool\",\"name\":\"person\"}"), body.getJsonObject("tool_choice"));
    assertFalse(body.containsKey("output_config"));
  }

  @Test
  void toolModeHonoursStrictWithAStrictForcedTool() {
    JsonObject body = sent(req(List.of(ChatMessage.user("Ada, 36")), Sampling.DEFAULTS, null, null, null,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "person", PERSON, true), null), new JsonObject().put("structuredOutputs", "tool"));
    JsonObject tool = body.getJsonArray("tools").getJsonObject(0);
    assertEquals(true, tool.getBoolean("strict"));
    assertEquals(json(PERSON_CONSTRAINED), tool.getJsonObject("input_schema"));
  }

  @Test
  void jsonSchemaWithThinkingUsesNativeStructuredOutputsNotAForcedTool() {
    JsonObject body = sent(req(List.of(ChatMessage.user("Ada, 36")), sampling(s -> s.effort("low")), null, null, null,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "person", PERSON, false), null), new JsonObject().put("structuredOutputs", "tool"));
    assertNotNull(body.getJsonObject("thinking"));
    assertFalse(body.containsKey("tool_choice"), "a forced tool is refused with thinking");
    assertEquals(json("{\"format\":{\"type\":\"json_schema\",\"schema\":" + PERSON_CONSTRAINED + "}}"), body.getJsonObject("output_config"));
  }

  @Test
  void jsonObjectUsesAForcedToolWithoutThinkingAndAnInstructionWithIt() {
    JsonObject plain = sent(req(List.of(ChatMessage.user("x")), Sampling.DEFAULTS, null, null, null, ResponseFormat.JSON_OBJECT, null));
    assertEquals(json("{\"type\":\"tool\",\"name\":\"json_object\"}"), plain.getJsonObject("tool_choice"));
    assertEquals(json("{\"type\":\"object\"}"), plain.getJsonArray("tools").getJsonObject(0).getJsonObject("input_schema"));

    mock.enqueue(dev.axon.testkit.anthropic.MockReply.text("{\"ok\": true}"));
    JsonObject thinking = sent(req(List.of(ChatMessage.system("Be terse."), ChatMessage.user("x")), sampling(s -> s.effort("low")), null,
        null, null, ResponseFormat.JSON_OBJECT, null));
    assertNotNull(thinking.getJsonObject("thinking"));
    assertFalse(thinking.containsKey("tools"));
    assertFalse(thinking.containsKey("tool_choice"));
    assertTrue(thinking.getString("system").startsWith("Be terse.\n\nRespond with exactly one JSON object"));
  }

  @Test
  void modelsCanBeMappedToUpstreamIds() {
    assertEquals("claude-sonnet-4-6-20260101", sent(req(List.of(ChatMessage.user("x"))),
        new JsonObject().put("models", new JsonObject().put(MODEL, "claude-sonnet-4-6-20260101"))).getString("model"));
  }

  @Test
  void emptyTextIsDroppedAndAFinalAssistantTurnLosesTrailingWhitespace() {
    ChatMessage empty = new ChatMessage(Role.USER, List.of(new ContentPart.Text(""), new ContentPart.Text("Hi")), null, null, null);
    JsonObject body = sent(req(List.of(empty, ChatMessage.assistant("The answer is "))));
    assertEquals(new io.vertx.core.json.JsonArray("[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"The answer is\"}]"),
        body.getJsonArray("messages"));
  }

  @Test
  void onlySystemMessagesAreRefused() {
    ProviderHarness.Turn turn = h.run(provider(new JsonObject()), req(List.of(ChatMessage.system("You are helpful."))));
    assertEquals(ErrorKind.INVALID_REQUEST, turn.failure().kind());
    assertEquals("messages", turn.failure().param());
  }

  @Test
  void nonStreamingUpstreamModeSendsStreamFalse() {
    JsonObject body = sent(req(List.of(ChatMessage.user("x"))), new JsonObject().put("stream", false));
    assertEquals(false, body.getBoolean("stream"));
  }
}
