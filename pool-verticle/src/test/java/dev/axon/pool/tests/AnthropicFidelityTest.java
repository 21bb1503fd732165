package dev.axon.pool.tests;

import static dev.axon.pool.tests.ProviderHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.CacheControl;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ThinkingConfig;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import dev.axon.pool.provider.anthropic.AnthropicProvider;
import dev.axon.testkit.anthropic.MockAnthropicServer;
import dev.axon.testkit.anthropic.MockReply;
import dev.axon.testkit.anthropic.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An Anthropic client's request reaches the Messages API as it was sent, through the canonical model and the
 * anthropic provider (cache breakpoints, thinking with signatures, verbatim blocks, tool errors, server tools, top_k,
 * an explicit thinking configuration); and what the upstream answers comes back with everything the Anthropic edge
 * renders (thinking and its signature, redacted thinking, server tool blocks, the stop sequence, cache usage).
 * Bodies are compared as JSON trees, as the mock upstream received them.
 */
@ExtendWith(VertxExtension.class)
class AnthropicFidelityTest {

  static final String MODEL = "claude-sonnet-4-6";
  static final String KEY = "sk-ant-fidelity-key";
  static final CacheControl HOUR = new CacheControl("ephemeral", "1h");
  static final String THOUGHT = "The user wants the weather; I should call the lookup tool.";

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

  AnthropicProvider provider() {
    return provider(new JsonObject());
  }

  static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JsonNode tree(JsonObject json) {
    return tree(json.encode());
  }

  ProviderHarness.Turn run(ChatRequest request) {
    ProviderHarness.Turn turn = h.run(provider(), request);
    assertNull(turn.failure(), () -> "turn failed: " + turn.failure());
    return turn;
  }

  static Sampling sampling(Integer maxTokens, Double topP, Integer topK, String... stops) {
    return new Sampling(null, topP, maxTokens, List.of(stops), null, null, null, null, null, null, null, null, topK);
  }

  static final String DOCUMENT = "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\","
      + "\"data\":\"Paris is sunny.\"},\"title\":\"Forecast\",\"citations\":{\"enabled\":true}}";
  static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}},\"required\":[\"q\"]}";
  static final String WEB_SEARCH = "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":2}";

  /** Every Anthropic-only feature of the canonical model in one request (four cache breakpoints, the API's maximum). */
  static ChatRequest everything() {
    List<ChatMessage> messages = List.of(
        new ChatMessage(Role.SYSTEM, List.of(new ContentPart.Text("You are terse.", CacheControl.EPHEMERAL)), null, null, null),
        ChatMessage.system("Answer in English."),
        new ChatMessage(Role.USER, List.of(
            new ContentPart.Text("What is the weather in these?", CacheControl.EPHEMERAL),
            new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", null, CacheControl.EPHEMERAL),
            new ContentPart.File(null, "report.pdf", "data:application/pdf;base64,JVBERi0xLjQ=", null),
            new ContentPart.Opaque(DOCUMENT)), null, null, null),
        new ChatMessage(Role.ASSISTANT, List.of(
            new ContentPart.Thinking(THOUGHT, MockAnthropicServer.signature(THOUGHT)),
            new ContentPart.RedactedThinking("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"),
            new ContentPart.Text("Let me look that up.")),
            null, List.of(new ToolCall("toolu_01", "lookup", "{\"q\":\"weather Paris\"}")), null),
        new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("lookup failed: timeout"),
            new ContentPart.Image("https://example.test/error.png", null)), null, null, "toolu_01", true),
        ChatMessage.user("Try again, briefly."));
    List<ToolDefinition> tools = List.of(
        new ToolDefinition("lookup", "Looks things up", tree(SCHEMA), false, HOUR, null),
        ToolDefinition.raw(tree(WEB_SEARCH)));
    return new ChatRequest(MODEL, messages, sampling(3000, null, 20, "END", "STOP"), tools, ToolChoice.AUTO, false, null,
        "user-42", Map.of("team", "blue"), ThinkingConfig.enabled(2048));
  }

  static final String EVERYTHING_UPSTREAM = "{"
      + "\"model\":\"claude-sonnet-4-6\",\"max_tokens\":3000,"
      + "\"system\":[{\"type\":\"text\",\"text\":\"You are terse.\",\"cache_control\":{\"type\":\"ephemeral\"}},"
      + "{\"type\":\"text\",\"text\":\"Answer in English.\"}],"
      + "\"messages\":["
      + "{\"role\":\"user\",\"content\":["
      + "{\"type\":\"text\",\"text\":\"What is the weather in these?\",\"cache_control\":{\"type\":\"ephemeral\"}},"
      + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"},"
      + "\"cache_control\":{\"type\":\"ephemeral\"}},"
      + "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"JVBERi0xLjQ=\"},"
      + "\"title\":\"report.pdf\"}," + DOCUMENT + "]},"
      + "{\"role\":\"assistant\",\"content\":["
      + "{\"type\":\"thinking\",\"thinking\":\"" + THOUGHT + "\",\"signature\":\"" + MockAnthropicServer.signature(THOUGHT) + "\"},"
      + "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP\"},"
      + "{\"type\":\"text\",\"text\":\"Let me look that up.\"},"
      + "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"lookup\",\"input\":{\"q\":\"weather Paris\"}}]},"
      + "{\"role\":\"user\",\"content\":["
      + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01\",\"content\":[{\"type\":\"text\",\"text\":\"lookup failed: timeout\"},"
      + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.test/error.png\"}}],\"is_error\":true},"
      + "{\"type\":\"text\",\"text\":\"Try again, briefly.\"}]}],"
      + "\"tools\":[{\"name\":\"lookup\",\"description\":\"Looks things up\",\"input_schema\":" + SCHEMA + ","
      + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}," + WEB_SEARCH + "],"
      + "\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true},"
      + "\"stop_sequences\":[\"END\",\"STOP\"],"
      + "\"top_k\":20,"
      + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
      + "\"metadata\":{\"user_id\":\"user-42\"},"
      + "\"stream\":true}";

  // --- request fidelity ------------------------------------------------------------------------------------

  @Test
  void everyAnthropicFeatureReachesTheUpstreamExactlyAsSent() {
    run(everything());
    RecordedRequest sent = mock.lastMessageRequest();
    assertEquals(tree(EVERYTHING_UPSTREAM), tree(sent.body()));
  }

  @Test
  void aToolResultKeepsItsBreakpointAndSeveralTextBlocks() {
    ChatMessage call = new ChatMessage(Role.ASSISTANT, List.of(), null,
        List.of(new ToolCall("toolu_9", "lookup", "{}", CacheControl.EPHEMERAL)), null);
    ChatMessage result = new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("part one"), new ContentPart.Text("part two")),
        null, null, "toolu_9", false, CacheControl.EPHEMERAL);
    ChatMessage single = new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("only", CacheControl.EPHEMERAL)), null, null, "toolu_8");
    ChatMessage call8 = new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("toolu_8", "lookup", "{}")), null);
    ChatRequest request = new ChatRequest(MODEL, List.of(ChatMessage.user("go"), call8, single, call, result), null,
        List.of(new ToolDefinition("lookup", null, tree(SCHEMA), false)), null, null, null, null, null);
    run(request);
    JsonNode messages = tree(mock.lastMessageRequest().body()).path("messages");
    assertEquals(tree("{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_8\","
        + "\"content\":[{\"type\":\"text\",\"text\":\"only\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}"), messages.get(2));
    assertEquals(tree("{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"lookup\",\"input\":{},\"cache_control\":{\"type\":\"ephemeral\"}}"),
        messages.get(3).path("content").get(0));
    assertEquals(tree("{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_9\",\"content\":["
        + "{\"type\":\"text\",\"text\":\"part one\"},{\"type\":\"text\",\"text\":\"part two\"}],"
        + "\"cache_control\":{\"type\":\"ephemeral\"}}]}"), messages.get(4));
  }

  @Test
  void anExplicitThinkingConfigurationWinsOverReasoningEffort() {
    Sampling effort = new Sampling(0.5, null, 1000, List.of(), null, null, null, null, null, null, "high", null);
    ChatRequest disabled = new ChatRequest(MODEL, List.of(ChatMessage.user("hi")), effort, null, null, null, null, null, null,
        ThinkingConfig.disabled());
    run(disabled);
    JsonNode body = tree(mock.lastMessageRequest().body());
    assertEquals(tree("{\"type\":\"disabled\"}"), body.path("thinking"));
    assertEquals(0.5, body.path("temperature").asDouble(), "without thinking the temperature is the client's");
    assertEquals(1000, body.path("max_tokens").asInt());

    run(disabled.withThinking(ThinkingConfig.adaptive()));
    assertEquals(tree("{\"type\":\"adaptive\"}"), tree(mock.lastMessageRequest().body()).path("thinking"));
  }

  @Test
  void reasoningEffortKeepsThinkingOnWhenTheToolCallsThinkingCameBack() {
    Sampling effort = new Sampling(null, null, 4000, List.of(), null, null, null, null, null, null, "low", null);
    ToolDefinition lookup = new ToolDefinition("lookup", null, tree(SCHEMA), false);
    ChatMessage withThinking = new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.Thinking(THOUGHT, MockAnthropicServer.signature(THOUGHT))),
        null, List.of(new ToolCall("toolu_1", "lookup", "{\"q\":\"x\"}")), null);
    ChatMessage without = new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("toolu_1", "lookup", "{\"q\":\"x\"}")), null);
    ChatMessage result = new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("ok")), null, null, "toolu_1");
    run(new ChatRequest(MODEL, List.of(ChatMessage.user("go"), withThinking, result), effort, List.of(lookup), null, null, null, null, null));
    assertEquals(tree("{\"type\":\"enabled\",\"budget_tokens\":2048}"), tree(mock.lastMessageRequest().body()).path("thinking"));
    run(new ChatRequest(MODEL, List.of(ChatMessage.user("go"), without, result), effort, List.of(lookup), null, null, null, null, null));
    assertTrue(tree(mock.lastMessageRequest().body()).path("thinking").isMissingNode(), "an OpenAI client's tool call has no thinking to send back");
  }

  @Test
  void aSystemPromptWithoutBreakpointsStaysOneString() {
    run(new ChatRequest(MODEL, List.of(ChatMessage.system("One."), ChatMessage.system("Two."), ChatMessage.user("hi")),
        null, null, null, null, null, null, null));
    assertEquals("One.\n\nTwo.", mock.lastMessageRequest().body().getString("system"));
  }

  @Test
  void aModifiedThinkingBlockIsRefusedByTheUpstreamSoSignaturesMustTravelIntact() {
    ChatMessage tampered = new ChatMessage(Role.ASSISTANT, List.of(
        new ContentPart.Thinking(THOUGHT + " (edited)", MockAnthropicServer.signature(THOUGHT)), new ContentPart.Text("Done.")),
        null, null, null);
    ChatRequest request = new ChatRequest(MODEL, List.of(ChatMessage.user("a"), tampered, ChatMessage.user("b")), null, null,
        null, null, null, null, null);
    ProviderHarness.Turn turn = h.run(provider(), request);
    assertNotNull(turn.failure());
    assertEquals(ErrorKind.INVALID_REQUEST, turn.failure().kind());
    assertTrue(turn.failure().getMessage().contains("signature"), turn.failure().getMessage());
  }

  @Test
  void anOpaqueBlockThatIsNotAnObjectIsAClientError() {
    ChatRequest request = new ChatRequest(MODEL, List.of(new ChatMessage(Role.USER,
        List.of(new ContentPart.Text("x"), new ContentPart.Opaque("[1,2]")), null, null, null)), null, null, null, null, null, null, null);
    ProviderHarness.Turn turn = h.run(provider(), request);
    assertEquals(ErrorKind.INVALID_REQUEST, turn.failure().kind());
    assertEquals("messages[0].content[1]", turn.failure().param());
    assertTrue(mock.messageRequests().isEmpty(), "nothing was sent");
  }

  // --- response fidelity -----------------------------------------------------------------------------------

  static List<ChatEvent> thinkingAndSignature(ProviderHarness.Turn turn) {
    List<ChatEvent> out = new ArrayList<>();
    turn.events().stream().filter(e -> e instanceof ChatEvent.ThinkingDelta).forEach(out::add);
    return out;
  }

  void thinkingStreamsFragmentsThenTheSignature(boolean stream) {
    ChatRequest request = new ChatRequest(MODEL, List.of(ChatMessage.user("What is 2+2?")), sampling(4000, null, null), null,
        null, null, null, null, null, ThinkingConfig.enabled(1024));
    ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("stream", stream)), request);
    assertNull(turn.failure());
    List<ChatEvent> events = turn.events();
    assertInstanceOf(ChatEvent.ThinkingDelta.class, events.get(0), "thinking comes first");
    List<ChatEvent> thinking = thinkingAndSignature(turn);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < thinking.size() - 1; i++) {
      ChatEvent.ThinkingDelta d = (ChatEvent.ThinkingDelta) thinking.get(i);
      assertNull(d.signature(), "fragments carry no signature");
      text.append(d.thinking());
    }
    ChatEvent.ThinkingDelta last = (ChatEvent.ThinkingDelta) thinking.get(thinking.size() - 1);
    assertEquals("", last.thinking());
    assertEquals(MockAnthropicServer.signature(text.toString()), last.signature(), "the signature of exactly the thinking text");
    int signatureAt = events.indexOf(last);
    assertTrue(events.subList(signatureAt + 1, events.size()).stream().allMatch(e -> e instanceof ChatEvent.TextDelta));
    assertFalse(turn.text().contains("think"), "thinking is not text: " + turn.text());
    assertEquals("end_turn", turn.done().stopReason());
  }

  @Test
  void streamedThinkingArrivesAsFragmentsThenTheSignature() {
    thinkingStreamsFragmentsThenTheSignature(true);
  }

  @Test
  void thinkingOfANonStreamedReplyArrivesTheSameWay() {
    thinkingStreamsFragmentsThenTheSignature(false);
  }

  @Test
  void thinkingTheGatewayTurnedOnForReasoningEffortStaysHidden() {
    Sampling effort = new Sampling(null, null, 4000, List.of(), null, null, null, null, null, null, "low", null);
    ProviderHarness.Turn turn = run(new ChatRequest(MODEL, List.of(ChatMessage.user("2+2?")), effort, null, null, null, null, null, null));
    assertEquals("enabled", mock.lastMessageRequest().body().getJsonObject("thinking").getString("type"), "the upstream thought");
    assertTrue(turn.events().stream().allMatch(e -> e instanceof ChatEvent.TextDelta), "as OpenAI's reasoning, not shown");
    mock.enqueue(new MockReply().addRedactedThinking("EmwK").addText("4"));
    ProviderHarness.Turn redacted = run(new ChatRequest(MODEL, List.of(ChatMessage.user("2+2?")), effort, null, null, null, null, null, null));
    assertEquals(List.of(new ChatEvent.TextDelta("4")), redacted.events());
  }

  @Test
  void redactedThinkingAndServerToolBlocksArriveWhole() {
    JsonObject serverUse = new JsonObject().put("type", "server_tool_use").put("id", "srvtoolu_1").put("name", "web_search")
        .put("input", new JsonObject().put("query", "weather Paris"));
    JsonObject results = new JsonObject().put("type", "web_search_tool_result").put("tool_use_id", "srvtoolu_1")
        .put("content", new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "web_search_result")
            .put("url", "https://w.test").put("title", "W").put("encrypted_content", "abc")));
    for (boolean stream : List.of(true, false)) {
      mock.enqueue(new MockReply().addRedactedThinking("EmwKsecret").addRaw(serverUse).addRaw(results).addText("Sunny."));
      ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("stream", stream)),
          ProviderHarness.request(MODEL, "weather?").withThinking(ThinkingConfig.enabled(1024)));
      assertNull(turn.failure());
      List<ChatEvent> events = turn.events().stream().filter(e -> !(e instanceof ChatEvent.TextDelta)).toList();
      assertEquals(new ChatEvent.RedactedThinking("EmwKsecret"), events.get(0), "stream " + stream);
      assertEquals(tree(serverUse.encode()), tree(((ChatEvent.OpaqueBlock) events.get(1)).json()), "the input assembled, stream " + stream);
      assertEquals(tree(results.encode()), tree(((ChatEvent.OpaqueBlock) events.get(2)).json()));
      assertEquals("Sunny.", turn.text());
    }
  }

  @Test
  void aStopSequenceIsNamedInTheOutcome() {
    for (boolean stream : List.of(true, false)) {
      ChatRequest request = new ChatRequest(MODEL, List.of(ChatMessage.user("Say hello")), sampling(500, null, null, "mock"),
          null, null, null, null, null, null);
      ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("stream", stream)), request);
      assertNull(turn.failure());
      assertEquals("Hello from the", turn.text().strip());
      assertEquals(FinishReason.STOP, turn.done().finishReason());
      assertEquals("mock", turn.done().stopSequence(), "stream " + stream);
      assertEquals("stop_sequence", turn.done().stopReason());
    }
  }

  @Test
  void aNaturalEndHasNoStopSequence() {
    ProviderHarness.Turn turn = run(ProviderHarness.request(MODEL, "hi"));
    assertNull(turn.done().stopSequence());
    assertEquals("end_turn", turn.done().stopReason());
  }

  @Test
  void cacheWritesThenReadsAreReported() {
    ChatRequest request = new ChatRequest(MODEL, List.of(
        new ChatMessage(Role.SYSTEM, List.of(new ContentPart.Text("A long and stable system prompt of many words.", CacheControl.EPHEMERAL)),
            null, null, null),
        ChatMessage.user("first question")), null, null, null, null, null, null, null);
    ProviderHarness.Turn first = run(request);
    ProviderHarness.Turn second = run(request);
    assertEquals(9, first.done().usage().cacheWriteTokens(), "the system prompt's words were written to the cache");
    assertEquals(0, first.done().usage().cachedTokens());
    assertEquals(9, second.done().usage().cachedTokens(), "and read the second time");
    assertEquals(0, second.done().usage().cacheWriteTokens());
    assertEquals(first.done().usage().promptTokens(), second.done().usage().promptTokens(), "all input is counted either way");
    assertEquals(11, second.done().usage().promptTokens());
  }

  @Test
  void explicitCacheUsageIsReadFromTheUpstream() {
    mock.enqueue(MockReply.text("Hi").usage(10, 3, 90, 40));
    ProviderHarness.Turn turn = run(ProviderHarness.request(MODEL, "x"));
    assertEquals(140, turn.done().usage().promptTokens());
    assertEquals(90, turn.done().usage().cachedTokens());
    assertEquals(40, turn.done().usage().cacheWriteTokens());
    assertEquals(10, turn.done().usage().uncachedPromptTokens());
  }

  @Test
  void aRefusalStillEndsWithContentFilterAndTheRefusalText() {
    ProviderHarness.Turn turn = run(ProviderHarness.request(MODEL, "UPSTREAM_REFUSAL please"));
    assertEquals(FinishReason.CONTENT_FILTER, turn.done().finishReason());
    assertEquals("I can't help with that.", turn.done().refusal());
    assertEquals("refusal", turn.done().stopReason());
  }

  // --- counting tokens -------------------------------------------------------------------------------------

  @Test
  void countTokensAsksTheUpstreamWithWhatCountTokensTakes() {
    AnthropicProvider provider = provider();
    int count = await(h.onContext(() -> provider.countTokens(everything())));
    RecordedRequest asked = mock.countTokensRequests().get(0);
    JsonNode expected = tree(EVERYTHING_UPSTREAM);
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).retain("model", "messages", "system", "tools", "tool_choice", "thinking");
    assertEquals(expected, tree(asked.body()), "the turn's body without max_tokens, stream, sampling and metadata");
    assertEquals(KEY, asked.header("x-api-key"));
    assertEquals("2023-06-01", asked.header("anthropic-version"));
    assertTrue(count > 10, "the mock counts the words: " + count);
    assertTrue(mock.messageRequests().isEmpty(), "no turn ran");
  }

  @Test
  void countTokensFailuresAreTyped() {
    AnthropicProvider provider = provider();
    ChatRequest audio = new ChatRequest(MODEL, List.of(new ChatMessage(Role.USER, List.of(new ContentPart.Audio("AAAA", "wav")),
        null, null, null)), null, null, null, null, null, null, null);
    AxonException invalid = assertInstanceOf(AxonException.class,
        await(h.onContext(() -> provider.countTokens(audio).map(n -> (Throwable) null).otherwise(e -> e))));
    assertEquals(ErrorKind.INVALID_REQUEST, invalid.kind());

    mock.enqueueCountTokens(MockReply.httpError(529, "Overloaded")).enqueueCountTokens(new MockReply().usage(1234, 0, 0));
    AxonException overloaded = assertInstanceOf(AxonException.class,
        await(h.onContext(() -> provider.countTokens(ProviderHarness.request(MODEL, "hi")).map(n -> (Throwable) null).otherwise(e -> e))));
    assertEquals(ErrorKind.UPSTREAM_OVERLOADED, overloaded.kind());
    assertEquals(1234, (int) await(h.onContext(() -> provider.countTokens(ProviderHarness.request(MODEL, "hi")))));

    AnthropicProvider wrongKey = provider(new JsonObject().put("apiKey", "sk-wrong"));
    AxonException auth = assertInstanceOf(AxonException.class,
        await(h.onContext(() -> wrongKey.countTokens(ProviderHarness.request(MODEL, "hi")).map(n -> (Throwable) null).otherwise(e -> e))));
    assertEquals(ErrorKind.UPSTREAM_AUTH, auth.kind());
  }
}
