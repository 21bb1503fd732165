package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.SseException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.models.ModelInfo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole gateway driven by the official Anthropic Java SDK, as an application pointed at Axon with
 * {@code ANTHROPIC_BASE_URL} would drive it, through the mock provider: plain and streamed messages (accumulated by the
 * SDK's own helper), a tool-use round trip, thinking sent back, conversations by header, token counts, models, and
 * the exception the SDK raises for each error.
 */
@ExtendWith(VertxExtension.class)
class AnthropicSdkTest {

  static final String MODEL = "claude-sonnet-4-6";
  static Gateway gateway;
  static AnthropicClient alice;
  static AnthropicClient bob;

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    Gateway.boot(vertx, new JsonObject().put("size", 2).put("max", 4)).onComplete(ctx.succeeding(g -> {
      gateway = g;
      alice = g.anthropic(KEY_A);
      bob = g.anthropic(KEY_B);
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void closeClients() {
    if (alice != null) {
      alice.close();
      bob.close();
    }
  }

  static MessageCreateParams.Builder ask(String text) {
    return MessageCreateParams.builder().model(MODEL).maxTokens(1024).addUserMessage(text);
  }

  static String text(Message message) {
    StringBuilder sb = new StringBuilder();
    for (ContentBlock block : message.content()) {
      block.text().ifPresent(t -> sb.append(t.text()));
    }
    return sb.toString();
  }

  static Message accumulate(MessageCreateParams params, List<RawMessageStreamEvent> events) {
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = alice.messages().createStreaming(params)) {
      stream.stream().forEach(event -> {
        events.add(event);
        accumulator.accumulate(event);
      });
    }
    return accumulator.message();
  }

  static final Tool WEATHER = Tool.builder().name("get_weather").description("The weather in a city")
      .inputSchema(Tool.InputSchema.builder()
          .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
          .addRequired("city").build())
      .build();

  @Test
  void plainMessage() {
    HttpResponseFor<Message> raw = alice.messages().withRawResponse().create(ask("Hello there").system("Be brief.").build());
    Message message = raw.parse();
    assertTrue(message.id().startsWith("msg_"), message.id());
    assertEquals(MODEL, message.model().asString());
    assertTrue(text(message).startsWith("You said: Hello there | I received 2 messages"), text(message));
    assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
    assertEquals(4, message.usage().inputTokens(), "the mock counts the words it received, the system prompt's too");
    assertTrue(message.usage().outputTokens() > 5);
    assertEquals(0L, message.usage().cacheReadInputTokens().orElseThrow());
    String conversation = raw.headers().values("x-axon-conversation-id").get(0);
    assertTrue(conversation.startsWith("conv-"), conversation);
    assertFalse(raw.headers().values("request-id").isEmpty(), "Anthropic's request-id header");
    message.validate();
  }

  @Test
  void streamedMessageAccumulatesToTheSameAnswer() {
    List<RawMessageStreamEvent> events = new ArrayList<>();
    // MOCK_SLOW: the mock provider spaces its words, so each leaves the pool (and reaches the client) on its own.
    Message message = accumulate(ask("Stream this please MOCK_SLOW 5").build(), events);
    assertTrue(text(message).startsWith("You said: Stream this please"), text(message));
    assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
    assertTrue(events.get(0).isMessageStart());
    assertTrue(events.get(events.size() - 1).isMessageStop());
    assertTrue(events.get(events.size() - 2).isMessageDelta());
    assertTrue(events.stream().filter(RawMessageStreamEvent::isContentBlockDelta).count() > 5, "word by word");
    assertEquals(5, message.usage().inputTokens(), "the final usage of message_delta replaced message_start's");
    assertTrue(message.usage().outputTokens() > 5);
    message.validate();
  }

  @Test
  void aToolUseRoundTrip() {
    MessageCreateParams first = ask("What is the weather? Use get_weather.").addTool(WEATHER).build();
    Message call = alice.messages().create(first);
    assertEquals(StopReason.TOOL_USE, call.stopReason().orElseThrow());
    ToolUseBlock use = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
    assertEquals("get_weather", use.name());
    Map<?, ?> input = use._input().convert(Map.class);
    assertTrue(input.get("city") instanceof String, "the input follows the schema: " + input);

    Message answer = alice.messages().create(first.toBuilder()
        .addMessage(call)
        .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
            ToolResultBlockParam.builder().toolUseId(use.id()).content("18C and sunny").build())))
        .build());
    assertTrue(text(answer).startsWith("The tool returned: 18C and sunny"), text(answer));
    assertEquals(StopReason.END_TURN, answer.stopReason().orElseThrow());
  }

  @Test
  void aStreamedToolUseAccumulatesItsInput() {
    List<RawMessageStreamEvent> events = new ArrayList<>();
    Message call = accumulate(ask("Use get_weather for Rome.").addTool(WEATHER).build(), events);
    assertEquals(StopReason.TOOL_USE, call.stopReason().orElseThrow());
    ToolUseBlock use = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
    assertEquals("get_weather", use.name());
    assertTrue(use._input().convert(Map.class).get("city") instanceof String);
  }

  @Test
  void thinkingComesWithItsSignatureAndGoesBack() {
    MessageCreateParams first = ask("Think first.").maxTokens(4096).enabledThinking(1024).build();
    List<RawMessageStreamEvent> events = new ArrayList<>();
    Message reply = accumulate(first, events);
    ContentBlock thought = reply.content().get(0);
    assertTrue(thought.isThinking(), "the thinking block comes first: " + reply.content());
    assertFalse(thought.asThinking().signature().isEmpty());
    assertFalse(thought.asThinking().thinking().isEmpty());
    assertTrue(reply.content().get(1).isText());
    // The client sends the whole reply back, thinking and signature included.
    Message next = alice.messages().create(first.toBuilder().addMessage(reply).addUserMessage("And now?").build());
    assertTrue(text(next).contains("You said: And now?"), text(next));
  }

  @Test
  void theConversationHeaderContinuesAConversationPrivateToItsKey() {
    HttpResponseFor<Message> first = alice.messages().withRawResponse().create(ask("My name is Zorblax.").build());
    String id = first.headers().values("x-axon-conversation-id").get(0);
    Message second = alice.messages().create(ask("What is my name?").putAdditionalHeader("x-axon-conversation-id", id).build());
    assertTrue(text(second).contains("I received 3 messages"), text(second));
    assertTrue(text(second).contains("The first user message was: My name is Zorblax."), text(second));

    JsonObject stored = gateway.fetch("/v1/conversations/" + id, KEY_A).bodyAsJsonObject();
    assertEquals(4, stored.getInteger("message_count"));
    JsonArray messages = stored.getJsonArray("messages");
    assertEquals("What is my name?", messages.getJsonObject(2).getString("content"));

    NotFoundException foreign = assertThrows(NotFoundException.class,
        () -> bob.messages().create(ask("What is my name?").putAdditionalHeader("x-axon-conversation-id", id).build()));
    assertEquals(404, foreign.statusCode());
  }

  @Test
  void theSdkRaisesTheExceptionOfEachError() {
    AnthropicClient stranger = gateway.anthropic("sk-nobody-knows-this-key");
    try {
      UnauthorizedException unauthorized = assertThrows(UnauthorizedException.class, () -> stranger.messages().create(ask("hi").build()));
      assertEquals(401, unauthorized.statusCode());
      assertEquals("authentication_error", unauthorized.type().orElseThrow().asString());
      assertFalse(unauthorized.getMessage().contains("sk-nobody"), "the key is never echoed");
    } finally {
      stranger.close();
    }
    BadRequestException invalid = assertThrows(BadRequestException.class,
        () -> alice.messages().create(ask("hi").putAdditionalBodyProperty("temperature", JsonValue.from(1.5)).build()));
    assertEquals("invalid_request_error", invalid.type().orElseThrow().asString());
    assertTrue(invalid.getMessage().contains("temperature"), invalid.getMessage());
    NotFoundException unknown = assertThrows(NotFoundException.class,
        () -> alice.messages().create(ask("hi").model("claude-nonexistent-1").build()));
    assertEquals("not_found_error", unknown.type().orElseThrow().asString());
    InternalServerException failed = assertThrows(InternalServerException.class, () -> alice.messages().create(ask("MOCK_FAIL now").build()));
    assertEquals(502, failed.statusCode());
    assertThrows(SseException.class, () -> accumulate(ask("MOCK_FAIL_MIDSTREAM please").build(), new ArrayList<>()));
  }

  @Test
  void messagesAreMeteredPerKeyLikeChatCompletions() throws InterruptedException {
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    String usage = "/v1/usage?from=" + today + "&to=" + today;
    long before = gateway.fetch(usage, KEY_B).bodyAsJsonObject().getJsonObject("total").getLong("requests");
    Message message = bob.messages().create(ask("one two three").build());
    long deadline = System.currentTimeMillis() + 5_000;
    JsonObject total;
    do {
      Thread.sleep(50);
      total = gateway.fetch(usage, KEY_B).bodyAsJsonObject().getJsonObject("total");
    } while (total.getLong("requests") == before && System.currentTimeMillis() < deadline);
    assertEquals(before + 1, total.getLong("requests"), "the message was metered for its key: " + total);
    assertTrue(total.getLong("completion_tokens") >= message.usage().outputTokens());
  }

  @Test
  void countTokens() {
    long tokens = alice.messages().countTokens(MessageCountTokensParams.builder().model(MODEL)
        .addUserMessage("one two three four").build()).inputTokens();
    assertEquals(4, tokens, "the mock provider counts words");
  }

  @Test
  void modelsInAnthropicsShape() {
    List<ModelInfo> models = alice.models().list().data();
    List<String> ids = models.stream().map(ModelInfo::id).toList();
    assertTrue(ids.containsAll(List.of("claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5")), ids.toString());
    ModelInfo sonnet = alice.models().retrieve("claude-sonnet-4-6");
    assertEquals("Claude Sonnet 4.6", sonnet.displayName());
    assertEquals(2026, sonnet.createdAt().getYear());
    assertThrows(NotFoundException.class, () -> alice.models().retrieve("claude-nonexistent-1"));
  }
}
