package dev.axon.pool.tests;

import static dev.axon.pool.tests.ProviderHarness.await;
import static dev.axon.pool.tests.ProviderHarness.eventually;
import static dev.axon.pool.tests.ProviderHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Sampling;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.UpstreamStats;
import dev.axon.common.upstream.BreakerChange;
import dev.axon.pool.provider.Session;
import dev.axon.pool.provider.anthropic.AnthropicProvider;
import dev.axon.pool.provider.http.UpstreamStreaming;
import dev.axon.testkit.anthropic.MockAnthropicServer;
import dev.axon.testkit.anthropic.MockReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The anthropic provider against the mock Messages API: responses and streams mapped to canonical events, the
 * gateway's own enforcement, errors, timeouts, retries, the circuit breaker and cancel.
 */
@ExtendWith(VertxExtension.class)
class AnthropicProviderTest {

  static final String MODEL = "claude-sonnet-4-6";
  static final String KEY = "sk-ant-secret-value-9876";

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
    JsonObject options = new JsonObject().put("baseUrl", mock.baseUrl()).put("apiKey", KEY)
        .put("retry", new JsonObject().put("baseDelayMs", 20).put("maxDelayMs", 2000))
        .mergeIn(extra, true);
    return h.provider(() -> new AnthropicProvider(vertx, options));
  }

  AnthropicProvider provider() {
    return provider(new JsonObject());
  }

  ProviderHarness.Turn run(String text) {
    return h.run(provider(), request(MODEL, text));
  }

  // --- responses ---------------------------------------------------------------------------------------------

  @Test
  void aStreamedReplyIsRelayedEventByEventAsItArrives() {
    mock.enqueue(MockReply.text("one two three four five").delayPerDelta(150));
    AnthropicProvider provider = provider();
    Session session = h.open(provider, MODEL);
    List<ChatEvent> events = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    Future<ChatEvent.Done> done = h.start(session, request(MODEL, "go"), events);
    assertTrue(eventually(2000, () -> !events.isEmpty()));
    long firstMs = (System.nanoTime() - start) / 1_000_000;
    assertFalse(done.isComplete(), "the first delta came before the reply ended");
    ChatEvent.Done outcome = await(done);
    long totalMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(totalMs - firstMs >= 400, "deltas were not held back: first after " + firstMs + " ms, done after " + totalMs + " ms");
    assertEquals(5, events.size());
    assertEquals("one", ((ChatEvent.TextDelta) events.get(0)).text());
    assertEquals(FinishReason.STOP, outcome.finishReason());
    assertEquals("claude-sonnet-4-6-20260101", outcome.servedModel());
  }

  @Test
  void usageCountsCacheReadsAsCachedPromptTokens() {
    mock.enqueue(MockReply.text("Hi").usage(10, 3, 90));
    ProviderHarness.Turn turn = run("x");
    assertEquals(100, turn.done().usage().promptTokens());
    assertEquals(90, turn.done().usage().cachedTokens());
    assertEquals(3, turn.done().usage().completionTokens());
  }

  @Test
  void severalToolCallsStreamWithStableIndexesIdsAndNamesFirst() {
    mock.enqueue(new MockReply().addText("Checking both.")
        .addToolUse("toolu_A", "get_weather", new JsonObject().put("city", "Paris"))
        .addToolUse("toolu_B", "get_time", new JsonObject().put("zone", "CET")).stopReason("tool_use"));
    ProviderHarness.Turn turn = run("x");
    assertEquals("Checking both.", turn.text());
    List<ChatEvent.ToolCallDelta> deltas = turn.toolDeltas();
    assertEquals(new ChatEvent.ToolCallDelta(0, "toolu_A", "get_weather", ""), deltas.get(0));
    assertTrue(deltas.stream().filter(d -> d.index() == 0).skip(1).allMatch(d -> d.id() == null && d.name() == null));
    assertEquals("{\"city\":\"Paris\"}", turn.arguments(0));
    assertEquals("{\"zone\":\"CET\"}", turn.arguments(1));
    assertEquals("toolu_B", deltas.stream().filter(d -> d.index() == 1).findFirst().orElseThrow().id());
    assertTrue(deltas.stream().filter(d -> d.index() == 0).count() > 2, "arguments arrive in fragments, as streamed");
    assertEquals(FinishReason.TOOL_CALLS, turn.done().finishReason());
  }

  @Test
  void finishIsToolCallsWheneverToolsWereCalledEvenIfTheUpstreamSaysEndTurn() {
    mock.enqueue(MockReply.toolUse("toolu_X", "get_weather", new JsonObject().put("city", "Rome")).stopReason("end_turn"));
    assertEquals(FinishReason.TOOL_CALLS, run("x").done().finishReason());
  }

  @Test
  void aPlainUpstreamMessageMapsLikeAStream() {
    mock.enqueue(new MockReply().addText("Let me see.").addToolUse("toolu_1", "get_weather", new JsonObject().put("city", "Oslo"))
        .stopReason("tool_use").usage(7, 5, 2));
    ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("stream", false)), request(MODEL, "x"));
    assertEquals("Let me see.", turn.text());
    assertEquals("{\"city\":\"Oslo\"}", turn.arguments(0));
    assertEquals("toolu_1", turn.toolDeltas().get(0).id());
    assertEquals(FinishReason.TOOL_CALLS, turn.done().finishReason());
    assertEquals(9, turn.done().usage().promptTokens());
    assertEquals(2, turn.done().usage().cachedTokens());
    assertFalse(mock.lastMessageRequest().body().getBoolean("stream"));
  }

  @Test
  void aClientThatWaitsForTheWholeReplyGetsItFromOneUpstreamMessage() {
    mock.enqueue(MockReply.text("one two three"));
    ProviderHarness.Turn whole = h.runWhole(provider(), request(MODEL, "x"));
    assertEquals("one two three", whole.text());
    assertEquals(FinishReason.STOP, whole.done().finishReason());
    assertFalse(mock.lastMessageRequest().body().getBoolean("stream"), "auto: not streamed for a waiting client");
    assertEquals("application/json", mock.lastMessageRequest().header("accept"));

    mock.enqueue(MockReply.text("one two three"));
    assertEquals("one two three", h.run(provider(), request(MODEL, "x")).text());
    assertTrue(mock.lastMessageRequest().body().getBoolean("stream"), "auto: streamed for a streaming client");
    assertEquals("text/event-stream", mock.lastMessageRequest().header("accept"));
  }

  @Test
  void aReplyThatMayTakeLongerThanTheApiAllowsUnstreamedIsStreamedAnyway() {
    mock.enqueue(MockReply.text("long"));
    h.runWhole(provider(), request(MODEL, List.of(ChatMessage.user("x")), s -> s.maxTokens(UpstreamStreaming.WHOLE_REPLY_MAX_TOKENS + 1)));
    assertTrue(mock.lastMessageRequest().body().getBoolean("stream"));
    mock.enqueue(MockReply.text("short"));
    h.runWhole(provider(), request(MODEL, List.of(ChatMessage.user("x")), s -> s.maxTokens(UpstreamStreaming.WHOLE_REPLY_MAX_TOKENS)));
    assertFalse(mock.lastMessageRequest().body().getBoolean("stream"));
  }

  @Test
  void streamAlwaysAndNeverOverrideWhatTheClientDoes() {
    mock.enqueue(MockReply.text("a"));
    h.runWhole(provider(new JsonObject().put("stream", "always")), request(MODEL, "x"));
    assertTrue(mock.lastMessageRequest().body().getBoolean("stream"));
    mock.enqueue(MockReply.text("a"));
    h.run(provider(new JsonObject().put("stream", "never")), request(MODEL, "x"));
    assertFalse(mock.lastMessageRequest().body().getBoolean("stream"));
  }

  @Test
  void aWholeReplyMayTakeLongerThanTheHeadersTimeoutButNotThanTheWholeReplyTimeout() {
    // The attempt's first timer (connect + headers, 350 ms) fires before a whole reply is due: it must wait out the
    // rest rather than time the reply out.
    JsonObject timeouts = new JsonObject().put("connectTimeoutMs", 200).put("headersTimeoutMs", 150).put("wholeReplyTimeoutMs", 3000)
        .put("retry", new JsonObject().put("maxRetries", 0));
    mock.enqueue(MockReply.text("generated slowly").delayBeforeHeaders(600));
    ProviderHarness.Turn whole = h.runWhole(provider(timeouts), request(MODEL, "x"));
    assertNull(whole.failure(), "the whole reply is awaited for its generation time");
    assertEquals("generated slowly", whole.text());

    mock.enqueue(MockReply.text("generated slowly").delayBeforeHeaders(600));
    ProviderHarness.Turn streamed = h.run(provider(timeouts), request(MODEL, "x"));
    assertNotNull(streamed.failure(), "a stream's status line is due within headersTimeoutMs");
    assertEquals(ErrorKind.TIMEOUT, streamed.failure().kind());

    mock.enqueue(MockReply.text("too slow").delayBeforeHeaders(1500));
    JsonObject shortWhole = timeouts.copy().put("wholeReplyTimeoutMs", 300);
    assertEquals(ErrorKind.TIMEOUT, h.runWhole(provider(shortWhole), request(MODEL, "x")).failure().kind());
  }

  @Test
  void maxTokensStopIsLength() {
    mock.enqueue(MockReply.text("cut off").stopReason("max_tokens"));
    assertEquals(FinishReason.LENGTH, run("x").done().finishReason());
  }

  @Test
  void aRefusalIsContentFilterWithTheRefusalText() {
    ProviderHarness.Turn turn = run("please UPSTREAM_REFUSAL");
    assertEquals(FinishReason.CONTENT_FILTER, turn.done().finishReason());
    assertEquals("I can't help with that.", turn.done().refusal());
  }

  @Test
  void thinkingIsNotPassedOnAsContent() {
    mock.enqueue(new MockReply().addThinking("secret chain of thought").addText("The answer is 4."));
    ProviderHarness.Turn turn = run("2+2?");
    assertEquals("The answer is 4.", turn.text());
    // Thinking the client did not ask for itself (here none, or reasoning_effort) stays hidden.
    assertTrue(turn.events().stream().noneMatch(e -> e.toString().contains("secret")));
  }

  // --- what the gateway enforces -----------------------------------------------------------------------------

  @Test
  void whitespaceStopSequencesAreEnforcedInTheGatewayAndEndTheUpstreamRequest() {
    mock.enqueue(MockReply.text("First line.\nSecond line that should never arrive.").delayPerDelta(30));
    ChatRequest req = ProviderHarness.request(MODEL, List.of(ChatMessage.user("x")), s -> s.stop("\n"));
    ProviderHarness.Turn turn = h.run(provider(), req);
    assertNull(turn.failure());
    assertEquals("First line.", turn.text());
    assertEquals(FinishReason.STOP, turn.done().finishReason());
    assertTrue(turn.done().usage().completionTokens() > 0, "an estimate when the gateway cut the reply");
    assertTrue(eventually(2000, () -> mock.abandonedResponses() == 1), "the rest of the reply is not waited for");
  }

  @Test
  void aForcedJsonToolComesBackAsMessageContent() {
    ChatRequest req = new ChatRequest(MODEL, List.of(ChatMessage.user("Ada, 36")), Sampling.DEFAULTS, null, null, null,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "person", AnthropicRequestTranslationTest.PERSON, false), null, null);
    ProviderHarness.Turn turn = h.run(provider(), req);
    assertEquals(new JsonObject().put("name", "mock name").put("age", 1), new JsonObject(turn.text()));
    assertTrue(turn.toolDeltas().isEmpty(), "the forced tool is not a tool call for the client");
    assertEquals(FinishReason.STOP, turn.done().finishReason());
  }

  @Test
  void nativeStructuredOutputsAreRelayedAsContent() {
    ChatRequest req = new ChatRequest(MODEL, List.of(ChatMessage.user("Ada, 36")), Sampling.DEFAULTS, null, null, null,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "person", AnthropicRequestTranslationTest.PERSON, true), null, null);
    ProviderHarness.Turn turn = h.run(provider(), req);
    assertEquals(new JsonObject().put("name", "mock name").put("age", 1), new JsonObject(turn.text()));
    assertEquals(FinishReason.STOP, turn.done().finishReason());
  }

  @Test
  void jsonModeWithThinkingKeepsOnlyTheJsonObject() {
    mock.enqueue(new MockReply().addThinking("hmm").addText("Sure! Here it is:\n```json\n{\"a\": {\"b\": \"}\"}}\n```\nAnything else?"));
    ChatRequest req = new ChatRequest(MODEL, List.of(ChatMessage.user("x")), new ProviderHarness.SamplingBuilder().effort("low").build(),
        null, null, null, ResponseFormat.JSON_OBJECT, null, null);
    ProviderHarness.Turn turn = h.run(provider(), req);
    assertEquals("{\"a\": {\"b\": \"}\"}}", turn.text());
    assertEquals(FinishReason.STOP, turn.done().finishReason());
  }

  @Test
  void jsonModeWithThinkingFailsWhenNoObjectCame() {
    mock.enqueue(MockReply.text("I would rather not."));
    ChatRequest req = new ChatRequest(MODEL, List.of(ChatMessage.user("x")), new ProviderHarness.SamplingBuilder().effort("low").build(),
        null, null, null, ResponseFormat.JSON_OBJECT, null, null);
    ProviderHarness.Turn turn = h.run(provider(), req);
    assertEquals(ErrorKind.UPSTREAM_ERROR, turn.failure().kind());
    assertTrue(turn.events().isEmpty());
  }

  // --- errors ------------------------------------------------------------------------------------------------

  @Test
  void upstreamStatusesMapToTypedErrors() {
    AnthropicProvider provider = provider(new JsonObject().put("retry", new JsonObject().put("maxRetries", 0)));
    assertError(provider, MockReply.httpError(400, "messages: roles must alternate"), ErrorKind.INVALID_REQUEST, null);
    assertTrue(lastFailure.getMessage().contains("roles must alternate"), "the upstream's explanation of a client error is kept");
    assertError(provider, MockReply.httpError(401, "invalid x-api-key"), ErrorKind.UPSTREAM_AUTH, null);
    assertTrue(lastFailure.getMessage().contains("upstream credentials"));
    assertFalse(lastFailure.getMessage().contains(KEY), "never the key");
    assertError(provider, MockReply.httpError(403, "forbidden"), ErrorKind.UPSTREAM_AUTH, null);
    assertError(provider, MockReply.httpError(404, "model: claude-nope"), ErrorKind.MODEL_NOT_FOUND, null);
    assertEquals("model", lastFailure.param());
    assertError(provider, MockReply.httpError(413, "too large"), ErrorKind.PAYLOAD_TOO_LARGE, null);
    assertError(provider, MockReply.httpError(429, "slow down").retryAfter("7"), ErrorKind.RATE_LIMITED, 7);
    assertError(provider, MockReply.httpError(500, "boom"), ErrorKind.UPSTREAM_ERROR, null);
    assertError(provider, MockReply.httpError(529, "Overloaded"), ErrorKind.UPSTREAM_OVERLOADED, 1);
  }

  dev.axon.common.error.AxonException lastFailure;

  void assertError(AnthropicProvider provider, MockReply reply, ErrorKind kind, Integer retryAfter) {
    mock.enqueue(reply);
    ProviderHarness.Turn turn = h.run(provider, request(MODEL, "x"));
    assertNotNull(turn.failure(), "expected " + kind);
    assertEquals(kind, turn.failure().kind(), turn.failure().getMessage());
    assertEquals(retryAfter, turn.failure().retryAfterSeconds());
    lastFailure = turn.failure();
  }

  @Test
  void theRealKeyReachesTheUpstreamAndAWrongOneIsAnUpstreamAuthFailure() {
    assertNull(run("x").failure());
    assertEquals(KEY, mock.lastMessageRequest().header("x-api-key"));
    AnthropicProvider wrong = h.provider(() -> new AnthropicProvider(vertx, new JsonObject().put("baseUrl", mock.baseUrl()).put("apiKey", "sk-wrong")));
    ProviderHarness.Turn turn = h.run(wrong, request(MODEL, "x"));
    assertEquals(ErrorKind.UPSTREAM_AUTH, turn.failure().kind());
    assertFalse(turn.failure().getMessage().contains("sk-wrong"));
  }

  @Test
  void anErrorEventMidStreamFailsTheTurnAfterWhatWasRelayed() {
    ProviderHarness.Turn turn = run("tell me UPSTREAM_STREAM_ERROR");
    assertEquals(ErrorKind.UPSTREAM_OVERLOADED, turn.failure().kind());
    assertFalse(turn.text().isEmpty(), "the deltas before the error were relayed");
    assertEquals(1, mock.messageRequests().size(), "no retry once something reached the client");
  }

  @Test
  void anUpstreamThatNeverAnswersTimesOut() {
    mock.enqueue(new MockReply().hang());
    ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("headersTimeoutMs", 300)), request(MODEL, "x"));
    assertEquals(ErrorKind.TIMEOUT, turn.failure().kind());
    assertTrue(turn.millis() < 3000);
    assertTrue(eventually(2000, () -> mock.abandonedResponses() == 1), "the request was abandoned upstream");
  }

  @Test
  void aStreamThatGoesSilentTimesOut() {
    mock.enqueue(MockReply.text("a b c").delayPerDelta(1500));
    ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("idleTimeoutMs", 300)), request(MODEL, "x"));
    assertEquals(ErrorKind.TIMEOUT, turn.failure().kind());
    assertEquals("a", turn.text());
  }

  // --- retries -----------------------------------------------------------------------------------------------

  @Test
  void anOverloadIsRetriedAndTheClientSeesOnlyTheSuccess() {
    mock.enqueue(MockReply.httpError(529, "Overloaded"));
    ProviderHarness.Turn turn = run("hello");
    assertNull(turn.failure());
    assertStartsWith("Hello from the mock upstream. You said: hello", turn.text());
    assertEquals(2, mock.messageRequests().size());
  }

  @Test
  void retriesAreBoundedInCount() {
    for (int i = 0; i < 5; i++) {
      mock.enqueue(MockReply.httpError(529, "Overloaded"));
    }
    ProviderHarness.Turn turn = run("hello");
    assertEquals(ErrorKind.UPSTREAM_OVERLOADED, turn.failure().kind());
    assertEquals(3, mock.messageRequests().size(), "the first attempt and two retries");
  }

  @Test
  void retriesAreBoundedInTime() {
    for (int i = 0; i < 5; i++) {
      mock.enqueue(MockReply.httpError(529, "Overloaded"));
    }
    ProviderHarness.Turn turn = h.run(provider(new JsonObject().put("retry", new JsonObject().put("maxRetries", 5)
        .put("baseDelayMs", 400).put("budgetMs", 700))), request(MODEL, "x"));
    assertEquals(ErrorKind.UPSTREAM_OVERLOADED, turn.failure().kind());
    assertTrue(mock.messageRequests().size() <= 3, "no retry starts after the budget: " + mock.messageRequests().size());
    assertTrue(turn.millis() < 1500);
  }

  @Test
  void aRateLimitIsRetriedAfterTheUpstreamsRetryAfter() {
    mock.enqueue(MockReply.httpError(429, "slow down").header("retry-after-ms", "300"));
    ProviderHarness.Turn turn = run("x");
    assertNull(turn.failure());
    List<dev.axon.testkit.anthropic.RecordedRequest> sent = mock.messageRequests();
    assertEquals(2, sent.size());
    long gap = sent.get(1).receivedAtMillis() - sent.get(0).receivedAtMillis();
    assertTrue(gap >= 280, "waited as asked: " + gap + " ms");
  }

  @Test
  void aLongRetryAfterGoesToTheClientInsteadOfWaiting() {
    mock.enqueue(MockReply.httpError(429, "slow down").retryAfter("30"));
    ProviderHarness.Turn turn = run("x");
    assertEquals(ErrorKind.RATE_LIMITED, turn.failure().kind());
    assertEquals(30, turn.failure().retryAfterSeconds());
    assertEquals(1, mock.messageRequests().size());
  }

  @Test
  void serverErrorsAndClientErrorsAreNotRetried() {
    mock.enqueue(MockReply.httpError(500, "boom"));
    assertEquals(ErrorKind.UPSTREAM_ERROR, run("x").failure().kind());
    mock.enqueue(MockReply.httpError(400, "bad"));
    assertEquals(ErrorKind.INVALID_REQUEST, run("x").failure().kind());
    assertEquals(2, mock.messageRequests().size());
  }

  @Test
  void anOverloadedEventBeforeAnyContentIsRetried() {
    mock.enqueue(MockReply.text("never seen").streamErrorAfter(0));
    ProviderHarness.Turn turn = run("again");
    assertNull(turn.failure());
    assertStartsWith("Hello from the mock upstream. You said: again", turn.text());
    assertEquals(2, mock.messageRequests().size());
  }

  @Test
  void connectErrorsAreRetriedThenReported() {
    int port = mock.port();
    await(mock.close());
    AnthropicProvider provider = h.provider(() -> new AnthropicProvider(vertx, new JsonObject().put("baseUrl", "http://127.0.0.1:" + port)
        .put("apiKey", KEY).put("retry", new JsonObject().put("baseDelayMs", 20))));
    ProviderHarness.Turn turn = h.run(provider, request(MODEL, "x"));
    assertEquals(ErrorKind.UPSTREAM_ERROR, turn.failure().kind());
    assertTrue(turn.failure().getMessage().contains("could not be reached"));
    assertFalse(turn.failure().getMessage().contains("127.0.0.1"), "no internal addresses in client errors");
    assertEquals(3, provider.upstreamStats().attempts());
    assertEquals(2, provider.upstreamStats().retries());
  }

  // --- circuit breaker ---------------------------------------------------------------------------------------

  @Test
  void theBreakerOpensFailsFastAndClosesAfterASuccessfulProbe() {
    AnthropicProvider provider = provider(new JsonObject().put("retry", new JsonObject().put("maxRetries", 0))
        .put("breaker", new JsonObject().put("maxFailures", 2).put("resetTimeoutMs", 600)));
    mock.enqueue(MockReply.httpError(500, "boom")).enqueue(MockReply.httpError(500, "boom"));
    assertEquals(ErrorKind.UPSTREAM_ERROR, h.run(provider, request(MODEL, "x")).failure().kind());
    assertEquals("closed", provider.upstreamStats().breaker());
    assertEquals(ErrorKind.UPSTREAM_ERROR, h.run(provider, request(MODEL, "x")).failure().kind());
    assertTrue(eventually(1000, () -> "open".equals(provider.upstreamStats().breaker())));

    ProviderHarness.Turn fast = h.run(provider, request(MODEL, "x"));
    assertEquals(ErrorKind.UNAVAILABLE, fast.failure().kind());
    assertTrue(fast.failure().retryAfterSeconds() >= 1);
    assertEquals(2, mock.messageRequests().size(), "the open breaker sent nothing upstream");
    UpstreamStats open = provider.upstreamStats();
    assertEquals(1, open.opened());
    assertEquals(1, open.rejected());
    assertNotNull(open.retryAfterSeconds());

    assertTrue(eventually(2000, () -> "half_open".equals(provider.upstreamStats().breaker())));
    ProviderHarness.Turn probe = h.run(provider, request(MODEL, "x"));
    assertNull(probe.failure());
    assertTrue(eventually(1000, () -> "closed".equals(provider.upstreamStats().breaker())));
    assertNull(h.run(provider, request(MODEL, "x")).failure());
  }

  @Test
  void theBreakerIsAnnouncedFromItsProvidersStartToItsClose() throws Exception {
    List<BreakerChange> changes = Collections.synchronizedList(new ArrayList<>());
    vertx.eventBus().<BreakerChange>localConsumer(Addresses.UPSTREAM_BREAKER, m -> changes.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    AnthropicProvider provider = provider(new JsonObject().put("retry", new JsonObject().put("maxRetries", 0))
        .put("breaker", new JsonObject().put("maxFailures", 1)));
    mock.enqueue(MockReply.httpError(500, "boom"));
    h.run(provider, request(MODEL, "x"));
    assertTrue(eventually(1000, () -> "open".equals(provider.upstreamStats().breaker())));
    provider.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(eventually(1000, () -> changes.size() >= 3), changes.toString());
    assertEquals(List.of("closed", "open", BreakerChange.RETIRED), changes.stream().map(BreakerChange::to).toList(),
        "announced at start, on opening, and gone at close (never closed again after)");
    assertEquals(1, changes.stream().map(BreakerChange::breakerId).distinct().count());
    assertTrue(changes.stream().allMatch(c -> c.provider().equals("anthropic") && c.upstream().equals(mock.baseUrl())), changes.toString());
  }

  @Test
  void aNewBaseUrlMovesTheBreakerToItsCount() throws Exception {
    List<BreakerChange> changes = Collections.synchronizedList(new ArrayList<>());
    vertx.eventBus().<BreakerChange>localConsumer(Addresses.UPSTREAM_BREAKER, m -> changes.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    JsonObject base = new JsonObject().put("baseUrl", mock.baseUrl()).put("apiKey", KEY);
    AnthropicProvider provider = h.provider(() -> new AnthropicProvider(vertx, base));
    String moved = mock.baseUrl() + "/v2";
    h.onContext(() -> provider.reconfigure(base.copy().put("baseUrl", moved)));
    assertTrue(eventually(1000, () -> changes.size() >= 3), changes.toString());
    assertEquals(List.of(mock.baseUrl() + " closed", mock.baseUrl() + " " + BreakerChange.RETIRED, moved + " closed"),
        changes.stream().map(c -> c.upstream() + " " + c.to()).toList());
  }

  @Test
  void clientErrorsAndRateLimitsDoNotOpenTheBreaker() {
    AnthropicProvider provider = provider(new JsonObject().put("retry", new JsonObject().put("maxRetries", 0))
        .put("breaker", new JsonObject().put("maxFailures", 2)));
    for (int i = 0; i < 3; i++) {
      mock.enqueue(MockReply.httpError(400, "bad"));
      mock.enqueue(MockReply.httpError(429, "slow").retryAfter("1"));
    }
    for (int i = 0; i < 6; i++) {
      h.run(provider, request(MODEL, "x"));
    }
    assertEquals("closed", provider.upstreamStats().breaker());
  }

  // --- cancel ------------------------------------------------------------------------------------------------

  @Test
  void cancelEndsTheUpstreamRequestAtOnce() {
    mock.enqueue(MockReply.text("a b c d e f g h").delayPerDelta(300));
    AnthropicProvider provider = provider();
    Session session = h.open(provider, MODEL);
    List<ChatEvent> events = Collections.synchronizedList(new ArrayList<>());
    Future<ChatEvent.Done> done = h.start(session, request(MODEL, "x"), events);
    assertTrue(eventually(2000, () -> !events.isEmpty()));
    long cancelAt = System.nanoTime();
    h.onContext(session::cancel);
    assertTrue(eventually(1000, done::isComplete));
    assertTrue(done.failed());
    assertEquals(ErrorKind.CANCELLED, ((dev.axon.common.error.AxonException) done.cause()).kind());
    assertTrue(eventually(1000, () -> mock.abandonedResponses() == 1), "the upstream saw the connection close");
    assertTrue((System.nanoTime() - cancelAt) / 1_000_000 < 1000);
    assertTrue(events.size() < 8);
    assertTrue(session.alive(), "the slot serves the next turn");
    assertNull(h.run(session, request(MODEL, "next")).failure());
  }

  @Test
  void cancelWhileWaitingForTheFirstByteEndsTheRequestToo() {
    mock.enqueue(new MockReply().hang());
    AnthropicProvider provider = provider();
    Session session = h.open(provider, MODEL);
    Future<ChatEvent.Done> done = h.start(session, request(MODEL, "x"), new ArrayList<>());
    assertTrue(eventually(2000, () -> mock.inFlight() == 1));
    h.onContext(session::cancel);
    assertTrue(eventually(1000, done::isComplete));
    assertTrue(eventually(1000, () -> mock.abandonedResponses() == 1));
  }

  // --- HTTP/2 --------------------------------------------------------------------------------------------------

  @Test
  void cleartextUpstreamsUseHttp11UnlessH2cIsOn() {
    assertNull(run("x").failure());
    assertEquals(0, mock.http2Requests());
    AnthropicProvider h2c = provider(new JsonObject().put("h2c", true));
    for (int i = 0; i < 3; i++) {
      assertStartsWith("Hello from the mock upstream. You said: h2 " + i, h.run(h2c, request(MODEL, "h2 " + i)).text());
    }
    assertEquals(3, mock.http2Requests(), "upgraded once, then multiplexed over HTTP/2");
  }

  @Test
  void cancelOverHttp2ResetsTheStream() {
    mock.enqueue(MockReply.text("a b c d e f g h").delayPerDelta(300));
    Session session = h.open(provider(new JsonObject().put("h2c", true)), MODEL);
    List<ChatEvent> events = Collections.synchronizedList(new ArrayList<>());
    Future<ChatEvent.Done> done = h.start(session, request(MODEL, "x"), events);
    assertTrue(eventually(2000, () -> !events.isEmpty()));
    h.onContext(session::cancel);
    assertTrue(eventually(1000, done::isComplete));
    assertTrue(eventually(1000, () -> mock.abandonedResponses() == 1));
    assertEquals(1, mock.http2Requests());
  }

  // --- live configuration -----------------------------------------------------------------------------------

  @Test
  void changedOptionsApplyFromTheNextTurnAndBadOnesAreRejected() {
    JsonObject base = new JsonObject().put("baseUrl", mock.baseUrl()).put("apiKey", KEY)
        .put("retry", new JsonObject().put("maxRetries", 0).put("baseDelayMs", 20));
    AnthropicProvider provider = h.provider(() -> new AnthropicProvider(vertx, base));
    mock.enqueue(MockReply.httpError(529, "Overloaded"));
    assertEquals(ErrorKind.UPSTREAM_OVERLOADED, h.run(provider, request(MODEL, "x")).failure().kind());

    h.onContext(() -> provider.reconfigure(base.copy().put("retry", new JsonObject().put("maxRetries", 2).put("baseDelayMs", 20))
        .put("defaultMaxTokens", 77)));
    mock.enqueue(MockReply.httpError(529, "Overloaded"));
    assertNull(h.run(provider, request(MODEL, "x")).failure(), "retried under the new settings");
    assertEquals(77, mock.lastMessageRequest().body().getInteger("max_tokens"));

    h.onContext(() -> provider.reconfigure(base.copy().put("structuredOutputs", "bogus")));
    assertNull(h.run(provider, request(MODEL, "x")).failure());
    assertEquals(77, mock.lastMessageRequest().body().getInteger("max_tokens"), "a bad change leaves the last good options");
  }

  /** The mock upstream's reply starts with this (it goes on to report the history it received). */
  static void assertStartsWith(String expected, String actual) {
    org.junit.jupiter.api.Assertions.assertTrue(actual != null && actual.startsWith(expected), () -> "expected to start with <" + expected + "> but was <" + actual + ">");
  }
}
