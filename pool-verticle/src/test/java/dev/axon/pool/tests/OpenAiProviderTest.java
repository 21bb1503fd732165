package dev.axon.pool.tests;

import static dev.axon.pool.tests.ProviderHarness.await;
import static dev.axon.pool.tests.ProviderHarness.eventually;
import static dev.axon.pool.tests.ProviderHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.catalog.ListedModel;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.error.ErrorKind;
import dev.axon.pool.provider.Session;
import dev.axon.pool.provider.openai.OpenAiProvider;
import dev.axon.testkit.openai.MockOpenAiReply;
import dev.axon.testkit.openai.MockOpenAiServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The openai provider against the mock OpenAI-compatible upstream: pass-through, stream relay, errors, retries, listing. */
@ExtendWith(VertxExtension.class)
class OpenAiProviderTest {

  static final String MODEL = "llama-3-70b";
  static final String KEY = "sk-upstream-secret";

  MockOpenAiServer mock;
  ProviderHarness h;
  Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    h = new ProviderHarness(vertx);
    mock = await(MockOpenAiServer.start(vertx, 0)).requireApiKey(KEY);
  }

  OpenAiProvider provider(JsonObject extra) {
    JsonObject options = new JsonObject().put("baseUrl", mock.baseUrl()).put("apiKey", KEY)
        .put("retry", new JsonObject().put("baseDelayMs", 20)).mergeIn(extra, true);
    return h.provider(() -> new OpenAiProvider(vertx, options));
  }

  OpenAiProvider provider() {
    return provider(new JsonObject());
  }

  @Test
  void everyParameterIsPassedOnWithTheModelMappedAndAxonsFieldsLeftOut() {
    ToolDefinition fn = new ToolDefinition("get_weather", "Weather", AnthropicRequestTranslationTest.schema("{\"type\":\"object\",\"properties\":"
        + "{\"city\":{\"type\":\"string\"}}}"), true);
    ChatMessage call = new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}")), null);
    ChatMessage result = new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("3C")), null, null, "call_1");
    ChatMessage image = new ChatMessage(Role.USER, List.of(new ContentPart.Text("And this?"), new ContentPart.Image("https://x.test/a.png", "low")),
        "ada", null, null);
    ChatRequest request = new ChatRequest(MODEL, List.of(ChatMessage.system("sys"), new ChatMessage(Role.DEVELOPER,
        List.of(new ContentPart.Text("dev")), null, null, null), ChatMessage.user("Weather?"), call, result, image),
        new ProviderHarness.SamplingBuilder().temperature(1.5).topP(0.8).maxTokens(99).stop("END", "\n").seed(42).penalties(0.1, -0.2)
            .logitBias(Map.of("50256", -100)).logprobs(true, 2).effort("low").tier("flex").build(),
        List.of(fn), ToolChoice.function("get_weather"), false,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "weather", AnthropicRequestTranslationTest.schema("{\"type\":\"object\"}"), true), "user-7", Map.of("team", "blue"));
    mock.enqueue(MockOpenAiReply.text("{}"));
    ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("models", new JsonObject().put(MODEL, "meta-llama/Llama-3-70B"))), request);
    assertNull(turn.failure());
    JsonObject expected = new JsonObject("{\"model\":\"meta-llama/Llama-3-70B\",\"messages\":["
        + "{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"system\",\"content\":\"dev\"},{\"role\":\"user\",\"content\":\"Weather?\"},"
        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
        + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},{\"role\":\"tool\",\"content\":\"3C\",\"tool_call_id\":\"call_1\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"And this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":"
        + "\"https://x.test/a.png\",\"detail\":\"low\"}}],\"name\":\"ada\"}],"
        + "\"temperature\":1.5,\"top_p\":0.8,\"max_tokens\":99,\"stop\":[\"END\",\"\\n\"],\"seed\":42,\"presence_penalty\":0.1,"
        + "\"frequency_penalty\":-0.2,\"logit_bias\":{\"50256\":-100},\"logprobs\":true,\"top_logprobs\":2,\"reasoning_effort\":\"low\","
        + "\"service_tier\":\"flex\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}},\"strict\":true}}],"
        + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},\"parallel_tool_calls\":false,"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"weather\",\"schema\":{\"type\":\"object\"},\"strict\":true}},"
        + "\"user\":\"user-7\",\"metadata\":{\"team\":\"blue\"},\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertEquals(expected, mock.lastChatRequest().body());
    assertEquals("Bearer " + KEY, mock.lastChatRequest().header("authorization"));
    assertEquals("/v1/chat/completions", mock.lastChatRequest().path());
  }

  @Test
  void whatOnlyAnthropicUnderstandsIsLeftOut() {
    dev.axon.common.chat.CacheControl cache = dev.axon.common.chat.CacheControl.EPHEMERAL;
    ToolDefinition fn = new ToolDefinition("f", null, null, false, cache, null);
    ToolDefinition search = ToolDefinition.raw(AnthropicRequestTranslationTest.schema("{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}"));
    ChatMessage assistant = new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.Thinking("hmm", "sig"),
        new ContentPart.RedactedThinking("xyz"), new ContentPart.Text("Hello")), null, null, null);
    ChatMessage user = new ChatMessage(Role.USER, List.of(new ContentPart.Text("Read this", cache),
        new ContentPart.Opaque("{\"type\":\"document\",\"source\":{\"type\":\"text\",\"data\":\"doc\"}}")), null, null, null);
    ChatRequest request = new ChatRequest(MODEL, List.of(ChatMessage.user("hi"), assistant, user),
        new ProviderHarness.SamplingBuilder().build().withTopK(5), List.of(fn, search), null, null, null, null, null,
        dev.axon.common.chat.ThinkingConfig.enabled(2048));
    h.run(provider(), request);
    JsonObject expected = new JsonObject("{\"model\":\"llama-3-70b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
        + "{\"role\":\"assistant\",\"content\":\"Hello\"},{\"role\":\"user\",\"content\":\"Read this\"}],"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertEquals(expected, mock.lastChatRequest().body());

    ChatRequest onlyServerTools = new ChatRequest(MODEL, List.of(ChatMessage.user("hi")), null, List.of(search), ToolChoice.AUTO,
        null, null, null, null);
    h.run(provider(), onlyServerTools);
    assertFalse(mock.lastChatRequest().body().containsKey("tools"));
    assertFalse(mock.lastChatRequest().body().containsKey("tool_choice"));
  }

  @Test
  void theTokenCapFieldAndTheDeveloperRoleAreConfigurable() {
    ChatRequest request = ProviderHarness.request(MODEL, List.of(new ChatMessage(Role.DEVELOPER, List.of(new ContentPart.Text("d")), null, null, null),
        ChatMessage.user("x")), s -> s.maxTokens(5));
    h.run(provider(new JsonObject().put("maxTokensField", "max_completion_tokens").put("developerRole", "developer")), request);
    JsonObject body = mock.lastChatRequest().body();
    assertEquals(5, body.getInteger("max_completion_tokens"));
    assertFalse(body.containsKey("max_tokens"));
    assertEquals("developer", body.getJsonArray("messages").getJsonObject(0).getString("role"));
  }

  @Test
  void aStreamIsRelayedChunkByChunkWithUsage() {
    mock.enqueue(MockOpenAiReply.text("alpha beta gamma").reasoning("hidden thoughts").usage(12, 3, 8, 2).delayPerChunk(100));
    Session session = h.open(provider(), MODEL);
    List<ChatEvent> events = Collections.synchronizedList(new ArrayList<>());
    Future<ChatEvent.Done> done = h.start(session, request(MODEL, "x"), events);
    assertTrue(eventually(2000, () -> !events.isEmpty()));
    assertFalse(done.isComplete(), "the first chunk is relayed before the stream ends");
    ChatEvent.Done outcome = await(done);
    assertEquals(List.of(new ChatEvent.TextDelta("alpha"), new ChatEvent.TextDelta(" beta"), new ChatEvent.TextDelta(" gamma")), events);
    assertEquals(FinishReason.STOP, outcome.finishReason());
    assertEquals(12, outcome.usage().promptTokens());
    assertEquals(8, outcome.usage().cachedTokens());
    assertEquals(2, outcome.usage().reasoningTokens());
    assertEquals(3, outcome.usage().completionTokens());
  }

  @Test
  void toolCallsKeepTheUpstreamsIndexesAndFinishAsToolCalls() {
    mock.enqueue(new MockOpenAiReply().addToolCall("call_a", "f", new JsonObject().put("x", 1))
        .addToolCall("call_b", "g", new JsonObject().put("y", 2)).finishReason("stop"));
    ProviderHarness.Turn turn = h.run(provider(), request(MODEL, "x"));
    assertEquals(new ChatEvent.ToolCallDelta(0, "call_a", "f", ""), turn.toolDeltas().get(0));
    assertEquals("{\"x\":1}", turn.arguments(0));
    assertEquals("{\"y\":2}", turn.arguments(1));
    assertEquals(FinishReason.TOOL_CALLS, turn.done().finishReason(), "tool_calls even when the upstream says stop");
  }

  @Test
  void aWholeCompletionIsReadWhenTheUpstreamDoesNotStream() {
    mock.enqueue(MockOpenAiReply.text("plain").refusal(null).usage(4, 1, 0, 0));
    ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("stream", false)), request(MODEL, "x"));
    assertEquals("plain", turn.text());
    assertEquals(4, turn.done().usage().promptTokens());
    assertFalse(mock.lastChatRequest().body().getBoolean("stream"));
    assertFalse(mock.lastChatRequest().body().containsKey("stream_options"));
  }

  @Test
  void aClientThatWaitsForTheWholeReplyGetsAWholeCompletion() {
    mock.enqueue(MockOpenAiReply.text("plain").usage(4, 1, 0, 0));
    ProviderHarness.Turn turn = h.runWhole(provider(), request(MODEL, "x"));
    assertEquals("plain", turn.text());
    assertFalse(mock.lastChatRequest().body().getBoolean("stream"), "auto: not streamed for a waiting client");
    assertFalse(mock.lastChatRequest().body().containsKey("stream_options"));
    mock.enqueue(MockOpenAiReply.text("plain").usage(4, 1, 0, 0));
    h.run(provider(), request(MODEL, "x"));
    assertTrue(mock.lastChatRequest().body().getBoolean("stream"), "auto: streamed for a streaming client");
  }

  @Test
  void refusalsAndLengthAreKept() {
    mock.enqueue(new MockOpenAiReply().refusal("I can't do that.").finishReason("stop"));
    assertEquals("I can't do that.", h.run(provider(), request(MODEL, "x")).done().refusal());
    mock.enqueue(MockOpenAiReply.text("cut").finishReason("length"));
    assertEquals(FinishReason.LENGTH, h.run(provider(), request(MODEL, "x")).done().finishReason());
  }

  @Test
  void errorsMapLikeTheAnthropicProvidersAndAnErrorChunkFailsTheStream() {
    OpenAiProvider provider = provider(new JsonObject().put("retry", new JsonObject().put("maxRetries", 0)));
    Object[][] cases = {{400, ErrorKind.INVALID_REQUEST}, {401, ErrorKind.UPSTREAM_AUTH}, {403, ErrorKind.UPSTREAM_AUTH},
        {404, ErrorKind.MODEL_NOT_FOUND}, {413, ErrorKind.PAYLOAD_TOO_LARGE}, {429, ErrorKind.RATE_LIMITED}, {500, ErrorKind.UPSTREAM_ERROR},
        {503, ErrorKind.UPSTREAM_OVERLOADED}, {504, ErrorKind.TIMEOUT}};
    for (Object[] c : cases) {
      mock.enqueue(MockOpenAiReply.httpError((Integer) c[0], "upstream says " + c[0]));
      ProviderHarness.Turn turn = h.run(provider, request(MODEL, "x"));
      assertEquals(c[1], turn.failure().kind(), "status " + c[0]);
      assertFalse(turn.failure().getMessage().contains(KEY));
    }
    ProviderHarness.Turn midstream = h.run(provider, request(MODEL, "go UPSTREAM_STREAM_ERROR"));
    assertEquals(ErrorKind.UPSTREAM_ERROR, midstream.failure().kind());
    assertFalse(midstream.text().isEmpty());
  }

  @Test
  void quotaExhaustionIsNotRetriedAsARateLimit() {
    mock.enqueue(MockOpenAiReply.httpError(429, "You exceeded your current quota").errorCode("insufficient_quota"));
    ProviderHarness.Turn turn = h.run(provider(), request(MODEL, "x"));
    assertEquals(ErrorKind.UPSTREAM_ERROR, turn.failure().kind());
    assertEquals(1, mock.chatRequests().size());
  }

  @Test
  void overloadsAreRetriedBeforeTheFirstByte() {
    mock.enqueue(MockOpenAiReply.httpError(503, "overloaded"));
    ProviderHarness.Turn turn = h.run(provider(), request(MODEL, "hello"));
    assertNull(turn.failure());
    assertEquals("Hello from the mock OpenAI upstream. You said: hello", turn.text());
    assertEquals(2, mock.chatRequests().size());
  }

  @Test
  void cancelClosesTheUpstreamRequest() {
    mock.enqueue(MockOpenAiReply.text("a b c d e f").delayPerChunk(300));
    Session session = h.open(provider(), MODEL);
    List<ChatEvent> events = Collections.synchronizedList(new ArrayList<>());
    Future<ChatEvent.Done> done = h.start(session, request(MODEL, "x"), events);
    assertTrue(eventually(2000, () -> !events.isEmpty()));
    h.onContext(session::cancel);
    assertTrue(eventually(1000, done::isComplete));
    assertTrue(eventually(1000, () -> mock.abandonedResponses() == 1));
  }

  @Test
  void theUpstreamsModelsAreListedUnderTheirServedNames() {
    mock.models(List.of("meta-llama/Llama-3-70B", "qwen"));
    OpenAiProvider provider = provider(new JsonObject().put("models", new JsonObject().put(MODEL, "meta-llama/Llama-3-70B")));
    List<ListedModel> listed = await(h.onContext(provider::listModels));
    assertEquals(List.of(MODEL, "qwen"), listed.stream().map(ListedModel::id).toList());
    assertEquals("openai", listed.get(0).provider());
    await(h.onContext(provider::listModels));
    assertEquals(1, mock.requests().stream().filter(r -> r.path().equals("/v1/models")).count(), "the list is cached");
  }

  @Test
  void anUpstreamThatCannotListModelsListsNone() {
    await(mock.close());
    OpenAiProvider provider = provider();
    assertTrue(await(h.onContext(provider::listModels)).isEmpty());
  }

  @Test
  void aJsonResponseFormatIsPassedOn() {
    ChatRequest request = new ChatRequest(MODEL, List.of(ChatMessage.user("x")), null, null, null, null, ResponseFormat.JSON_OBJECT, null, null);
    ProviderHarness.Turn turn = h.run(provider(), request);
    assertEquals(new JsonObject().put("type", "json_object"), mock.lastChatRequest().body().getJsonObject("response_format"));
    assertTrue(new JsonObject(turn.text()).containsKey("reply"));
    assertEquals(new JsonArray().add(new JsonObject().put("role", "user").put("content", "x")),
        mock.lastChatRequest().body().getJsonArray("messages"));
  }
}
