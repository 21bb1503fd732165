package dev.axon.app.tests;

import static dev.axon.app.tests.HttpGateway.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartInputAudio;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.StructuredChatCompletion;
import dev.axon.testkit.anthropic.MockReply;
import dev.axon.testkit.anthropic.RecordedRequest;
import dev.axon.testkit.openai.MockOpenAiReply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP providers end to end: the official openai-java SDK talks to the whole gateway (API, pool, Valkey store),
 * which talks to the mock Anthropic and OpenAI-compatible upstreams over HTTP.
 */
class HttpProvidersEndToEndTest {

  static final String CLAUDE = "claude-sonnet-4-6";
  static final String LLAMA = "llama-3-8b";

  static HttpGateway gateway;
  static OpenAIClient client;

  @BeforeAll
  static void boot() {
    // A breaker that never opens here (its own test has its own gateway), a short headers timeout for the 504.
    gateway = new HttpGateway(new JsonObject().put("breaker", new JsonObject().put("maxFailures", 1000)), new JsonObject());
    client = gateway.client();
  }

  @AfterAll
  static void shutdown() {
    gateway.close();
  }

  @BeforeEach
  void clearMocks() {
    gateway.anthropic.clear();
    gateway.openai.clear();
  }

  static ChatCompletionCreateParams.Builder chat(String model, String user) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage(user);
  }

  static String text(StreamResponse<ChatCompletionChunk> stream, List<ChatCompletionChunk> chunks) {
    StringBuilder sb = new StringBuilder();
    stream.stream().forEach(c -> {
      chunks.add(c);
      c.choices().forEach(ch -> ch.delta().content().ifPresent(sb::append));
    });
    return sb.toString();
  }

  static RecordedRequest lastAnthropic() {
    return gateway.anthropic.lastMessageRequest();
  }

  // --- chat ----------------------------------------------------------------------------------------------------

  @Test
  void plainChatGoesToTheAnthropicUpstream() {
    ChatCompletion completion = client.chat().completions().create(chat(CLAUDE, "Hello, I am Ada").build());
    assertStartsWith("Hello from the mock upstream. You said: Hello, I am Ada", completion.choices().get(0).message().content().orElseThrow());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
    assertEquals(CLAUDE, completion.model());
    assertTrue(completion.usage().orElseThrow().promptTokens() > 0);
    assertTrue(completion._additionalProperties().containsKey("conversation_id"));
    JsonObject body = lastAnthropic().body();
    assertEquals(CLAUDE, body.getString("model"));
    assertEquals(HttpGateway.ANTHROPIC_KEY, lastAnthropic().header("x-api-key"));
    assertFalse(body.encode().contains("conversation_id"));
  }

  @Test
  void streamedChatRelaysDeltasAndEndsWithUsage() {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    String text;
    // UPSTREAM_SLOW: the upstream spaces its deltas, so each arrives in its own read and must be relayed on its own.
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("gpt-4o", "stream please UPSTREAM_SLOW 5")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      text = text(stream, chunks);
    }
    assertStartsWith("Hello from the mock upstream. You said: stream please", text);
    assertTrue(chunks.size() > 5, "word by word as the upstream sends them, not one blob");
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertTrue(last.choices().isEmpty());
    assertTrue(last.usage().orElseThrow().totalTokens() > 0, "usage in the last chunk");
    assertTrue(chunks.stream().anyMatch(c -> !c.choices().isEmpty()
        && c.choices().get(0).finishReason().map(ChatCompletionChunk.Choice.FinishReason.STOP::equals).orElse(false)));
    assertEquals(CLAUDE, lastAnthropic().body().getString("model"), "the alias gpt-4o reached the upstream as its model");
  }

  @Test
  void routedModelsGoToTheOpenAiCompatibleUpstreamPlainAndStreamed() {
    ChatCompletion completion = client.chat().completions().create(chat(LLAMA, "hi llama").temperature(0.4).build());
    assertEquals("Hello from the mock OpenAI upstream. You said: hi llama", completion.choices().get(0).message().content().orElseThrow());
    assertEquals(LLAMA, completion.model());
    JsonObject sent = gateway.openai.lastChatRequest().body();
    assertEquals(LLAMA, sent.getString("model"));
    assertEquals(0.4, sent.getDouble("temperature"));
    assertFalse(sent.containsKey("conversation_id"));
    assertEquals("Bearer " + HttpGateway.OPENAI_KEY, gateway.openai.lastChatRequest().header("authorization"));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(LLAMA, "stream llama").build())) {
      assertEquals("Hello from the mock OpenAI upstream. You said: stream llama", text(stream, chunks));
    }
    assertTrue(gateway.anthropic.messageRequests().isEmpty());
  }

  @Test
  void anUnroutedUnservedModelIsNotFound() {
    NotFoundException e = assertThrows(NotFoundException.class, () -> client.chat().completions().create(chat("mistral-7b", "x").build()));
    assertEquals("model_not_found", e.code().orElseThrow());
  }

  // --- tools ---------------------------------------------------------------------------------------------------

  static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
      .name("get_weather").description("The weather in a city")
      .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
          .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
          .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
      .build()).build();

  @Test
  void aToolCallRoundTrip() {
    ChatCompletionCreateParams first = chat(CLAUDE, "UPSTREAM_TOOL get_weather {\"city\":\"Paris\"}").addTool(WEATHER).build();
    ChatCompletion call = client.chat().completions().create(first);
    ChatCompletion.Choice choice = call.choices().get(0);
    assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
    ChatCompletionMessageFunctionToolCall tool = choice.message().toolCalls().orElseThrow().get(0).asFunction();
    assertEquals("get_weather", tool.function().name());
    assertEquals(new JsonObject().put("city", "Paris"), new JsonObject(tool.function().arguments()));
    assertTrue(tool.id().startsWith("toolu_"), "the upstream's id is kept");

    ChatCompletion answer = client.chat().completions().create(first.toBuilder().addMessage(choice.message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(tool.id()).content("18C and sunny").build()).build());
    assertStartsWith("The tool returned: 18C and sunny", answer.choices().get(0).message().content().orElseThrow());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
    JsonArray messages = lastAnthropic().body().getJsonArray("messages");
    assertEquals("tool_use", messages.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("type"));
    assertEquals(tool.id(), messages.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("id"));
    assertEquals(new JsonObject().put("type", "tool_result").put("tool_use_id", tool.id()).put("content", "18C and sunny"),
        messages.getJsonObject(2).getJsonArray("content").getJsonObject(0));
  }

  @Test
  void aStreamedToolCallRoundTrip() {
    ChatCompletionCreateParams first = chat(CLAUDE, "UPSTREAM_TOOL get_weather {\"city\":\"Rome\"}").addTool(WEATHER).build();
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first)) {
      stream.stream().forEach(c -> {
        chunks.add(c);
        accumulator.accumulate(c);
      });
    }
    assertTrue(chunks.stream().filter(c -> !c.choices().isEmpty()).allMatch(c -> c.choices().get(0).index() == 0));
    long argumentChunks = chunks.stream().filter(c -> !c.choices().isEmpty() && c.choices().get(0).delta().toolCalls().isPresent()).count();
    assertTrue(argumentChunks >= 2, "the call's id and name first, then argument fragments");
    ChatCompletionMessage message = accumulator.chatCompletion().choices().get(0).message();
    assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, accumulator.chatCompletion().choices().get(0).finishReason());
    ChatCompletionMessageFunctionToolCall tool = message.toolCalls().orElseThrow().get(0).asFunction();
    assertEquals(new JsonObject().put("city", "Rome"), new JsonObject(tool.function().arguments()));

    List<ChatCompletionChunk> second = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(first.toBuilder().addMessage(message)
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(tool.id()).content("21C").build()).build())) {
      assertStartsWith("The tool returned: 21C", text(stream, second));
    }
  }

  // --- parameters ------------------------------------------------------------------------------------------------

  public static class Person {
    public String name;
    public long age;
  }

  @Test
  void structuredOutputsParseIntoAClass() {
    StructuredChatCompletion<Person> completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(CLAUDE).addUserMessage("Ada Lovelace, 36").responseFormat(Person.class).build());
    Person person = completion.choices().get(0).message().content().orElseThrow();
    assertEquals("mock name", person.name);
    assertEquals(1, person.age);
    JsonObject format = lastAnthropic().body().getJsonObject("output_config").getJsonObject("format");
    assertEquals("json_schema", format.getString("type"));
    assertEquals(false, format.getJsonObject("schema").getBoolean("additionalProperties"));
  }

  @Test
  void structuredOutputsWithReasoningUseAMechanismThatWorksWithThinking() {
    StructuredChatCompletion<Person> completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(CLAUDE).addUserMessage("Ada Lovelace, 36").reasoningEffort(ReasoningEffort.LOW).responseFormat(Person.class).build());
    assertEquals("mock name", completion.choices().get(0).message().content().orElseThrow().name);
    JsonObject body = lastAnthropic().body();
    assertNotNull(body.getJsonObject("thinking"));
    assertNotNull(body.getJsonObject("output_config"));
    assertFalse(body.containsKey("tool_choice"));
  }

  @Test
  void stopAndMaxTokensGiveTheirFinishReasons() {
    ChatCompletion stopped = client.chat().completions().create(chat(CLAUDE, "one two three").stop("two").build());
    assertEquals("Hello from the mock upstream. You said: one ", stopped.choices().get(0).message().content().orElseThrow());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, stopped.choices().get(0).finishReason());
    assertEquals(new JsonArray().add("two"), lastAnthropic().body().getJsonArray("stop_sequences"));

    gateway.anthropic.enqueue(MockReply.text("first line\nsecond line"));
    ChatCompletion newline = client.chat().completions().create(chat(CLAUDE, "x").stop("\n").build());
    assertEquals("first line", newline.choices().get(0).message().content().orElseThrow());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, newline.choices().get(0).finishReason());
    assertFalse(lastAnthropic().body().containsKey("stop_sequences"), "whitespace-only stops are enforced by the gateway");

    ChatCompletion capped = client.chat().completions().create(chat(CLAUDE, "a b c d e f").maxCompletionTokens(3).build());
    assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, capped.choices().get(0).finishReason());
    assertEquals(3, lastAnthropic().body().getInteger("max_tokens"));
  }

  @Test
  void nTwoRunsTwoUpstreamCallsWithIndexedChoices() {
    ChatCompletion completion = client.chat().completions().create(chat(CLAUDE, "twice").n(2).build());
    assertEquals(List.of(0L, 1L), completion.choices().stream().map(ChatCompletion.Choice::index).collect(Collectors.toList()));
    completion.choices().forEach(c -> assertStartsWith("Hello from the mock upstream. You said: twice", c.message().content().orElseThrow()));
    assertEquals(2, gateway.anthropic.messageRequests().size());
  }

  @Test
  void imagesReachTheUpstreamAsImageBlocks() {
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder().model(CLAUDE)
        .addUserMessageOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is in this image?").build()),
            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64,iVBORw0KGgo=").build()).build())))
        .build());
    assertTrue(completion.choices().get(0).message().content().orElseThrow().contains("What is in this image?"));
    JsonObject image = lastAnthropic().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(1);
    assertEquals(new JsonObject("{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}"), image);
  }

  // --- errors --------------------------------------------------------------------------------------------------

  @Test
  void upstreamErrorsBecomeTheMatchingSdkExceptions() {
    BadRequestException bad = assertThrows(BadRequestException.class,
        () -> client.chat().completions().create(chat(CLAUDE, "UPSTREAM_ERROR 400").build()));
    assertTrue(bad.getMessage().contains("Mock upstream error 400"));

    InternalServerException auth = assertThrows(InternalServerException.class,
        () -> client.chat().completions().create(chat(CLAUDE, "UPSTREAM_ERROR 401").build()));
    assertEquals(502, auth.statusCode());
    assertTrue(auth.getMessage().contains("upstream credentials"));
    assertFalse(auth.getMessage().contains(HttpGateway.ANTHROPIC_KEY));
    assertEquals(502, assertThrows(InternalServerException.class,
        () -> client.chat().completions().create(chat(CLAUDE, "UPSTREAM_ERROR 403").build())).statusCode());

    NotFoundException notFound = assertThrows(NotFoundException.class,
        () -> client.chat().completions().create(chat(CLAUDE, "UPSTREAM_ERROR 404").build()));
    assertEquals("model_not_found", notFound.code().orElseThrow());

    UnexpectedStatusCodeException tooLarge = assertThrows(UnexpectedStatusCodeException.class,
        () -> client.chat().completions().create(chat(CLAUDE, "UPSTREAM_ERROR 413").build()));
    assertEquals(413, tooLarge.statusCode());

    gateway.anthropic.enqueue(MockReply.httpError(429, "Number of request tokens has exceeded your per-minute rate limit").retryAfter("30"));
    RateLimitException limited = assertThrows(RateLimitException.class, () -> client.chat().completions().create(chat(CLAUDE, "x").build()));
    assertEquals(List.of("30"), limited.headers().values("Retry-After"));

    assertEquals(502, assertThrows(InternalServerException.class,
        () -> client.chat().completions().create(chat(CLAUDE, "UPSTREAM_ERROR 500").build())).statusCode());
    InternalServerException overloaded = assertThrows(InternalServerException.class,
        () -> client.chat().completions().create(chat(CLAUDE, "UPSTREAM_ERROR 529").build()));
    assertEquals(503, overloaded.statusCode());
    assertFalse(overloaded.headers().values("Retry-After").isEmpty());
  }

  @Test
  void anUpstreamTimeoutIs504() {
    InternalServerException timeout = assertThrows(InternalServerException.class,
        () -> client.chat().completions().create(chat(CLAUDE, "UPSTREAM_HANG").build()));
    assertEquals(504, timeout.statusCode());
  }

  @Test
  void audioInputIsABadRequest() {
    BadRequestException e = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
        ChatCompletionCreateParams.builder().model(CLAUDE).addUserMessageOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofInputAudio(ChatCompletionContentPartInputAudio.builder().inputAudio(
                ChatCompletionContentPartInputAudio.InputAudio.builder().data("UklGRg==")
                    .format(ChatCompletionContentPartInputAudio.InputAudio.Format.WAV).build()).build()))).build()));
    assertTrue(e.getMessage().contains("Audio input"));
    assertTrue(gateway.anthropic.messageRequests().isEmpty());
  }

  @Test
  void aStreamedRequestThatFailsBeforeTheFirstByteKeepsItsStatus() {
    gateway.anthropic.enqueue(MockReply.httpError(429, "slow down").retryAfter("30"));
    assertThrows(RateLimitException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(CLAUDE, "x").build())) {
        stream.stream().forEach(c -> { });
      }
    });
  }

  @Test
  void anErrorMidStreamIsRaisedByTheSdk() {
    OpenAIException e = assertThrows(OpenAIException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(CLAUDE, "UPSTREAM_STREAM_ERROR now").build())) {
        stream.stream().forEach(c -> { });
      }
    });
    assertTrue(e.getMessage().contains("overloaded"), e.getMessage());
  }

  // --- retries and cancel ----------------------------------------------------------------------------------------

  @Test
  void anOverloadIsRetriedAndTheClientSeesTheSuccess() {
    gateway.anthropic.enqueue(MockReply.httpError(529, "Overloaded"));
    ChatCompletion completion = client.chat().completions().create(chat(CLAUDE, "retry me").build());
    assertStartsWith("Hello from the mock upstream. You said: retry me", completion.choices().get(0).message().content().orElseThrow());
    assertEquals(2, gateway.anthropic.messageRequests().size());
  }

  @Test
  void retriesAreBounded() {
    for (int i = 0; i < 5; i++) {
      gateway.anthropic.enqueue(MockReply.httpError(529, "Overloaded"));
    }
    assertEquals(503, assertThrows(InternalServerException.class, () -> client.chat().completions().create(chat(CLAUDE, "x").build())).statusCode());
    assertEquals(3, gateway.anthropic.messageRequests().size());
  }

  @Test
  void aClientThatHangsUpCancelsTheUpstreamRequestStreamingOrNot() {
    int before = gateway.anthropic.abandonedResponses();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(CLAUDE, "UPSTREAM_SLOW 400 go").build())) {
      assertTrue(stream.stream().findFirst().isPresent());
    }
    assertTrue(eventually(2000, () -> gateway.anthropic.abandonedResponses() == before + 1), "the streamed request was cancelled upstream");

    OpenAIClient impatient = gateway.client(Duration.ofMillis(700));
    assertThrows(OpenAIException.class, () -> impatient.chat().completions().create(chat(CLAUDE, "UPSTREAM_SLOW 400 slow").build()));
    assertTrue(eventually(2000, () -> gateway.anthropic.abandonedResponses() == before + 2), "the plain request was cancelled upstream");
    assertTrue(eventually(3000, () -> gateway.get("/stats").getJsonObject("sessions").getInteger("busy") == 0), "the slots are free");
  }

  // --- operations ----------------------------------------------------------------------------------------------

  @Test
  void statsShowTheBreakersAndTheUpstreams() {
    client.chat().completions().create(chat(CLAUDE, "warm").build());
    client.chat().completions().create(chat(LLAMA, "warm").build());
    JsonObject pool = gateway.get("/stats").getJsonObject("pool");
    JsonArray upstreams = pool.getJsonArray("upstreams");
    assertEquals(2, upstreams.size());
    for (Object u : upstreams) {
      assertEquals("closed", ((JsonObject) u).getJsonObject("breaker").getString("state"));
      assertFalse(((JsonObject) u).encode().contains("secret"), "no keys in stats");
    }
    JsonObject claude = pool.getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("model").equals(CLAUDE)).findFirst().orElseThrow();
    assertEquals("anthropic", claude.getString("provider"));
    assertEquals("closed", claude.getString("breaker"));
  }

  @Test
  void modelsListsTheUpstreamsRoutedModels() {
    List<String> ids = gateway.get("/v1/models").getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList();
    assertTrue(ids.containsAll(List.of(CLAUDE, "gpt-4o", "llama-3-8b", "llama-3-70b")), ids.toString());
    assertFalse(ids.contains("qwen-2.5-7b"), "no route sends it anywhere");
  }

  /** The mock upstream's reply starts with this (it goes on to report the history it received). */
  static void assertStartsWith(String expected, String actual) {
    org.junit.jupiter.api.Assertions.assertTrue(actual != null && actual.startsWith(expected), () -> "expected to start with <" + expected + "> but was <" + actual + ">");
  }
}
