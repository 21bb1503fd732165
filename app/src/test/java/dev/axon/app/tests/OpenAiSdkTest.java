package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
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
 * The whole gateway driven by the official OpenAI Java SDK, as a client application would: plain and streamed
 * chat, conversations across turns (Axon's {@code conversation_id} as an additional body property), the
 * exception type the SDK raises for each error, and failed turns that leave the stored history untouched.
 */
@ExtendWith(VertxExtension.class)
class OpenAiSdkTest {

  static Gateway gateway;
  static OpenAIClient alice;
  static OpenAIClient bob;

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    Gateway.boot(vertx, new JsonObject().put("size", 2).put("max", 4)).onComplete(ctx.succeeding(g -> {
      gateway = g;
      alice = g.openai(KEY_A);
      bob = g.openai(KEY_B);
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

  private static ChatCompletionCreateParams.Builder ask(String text) {
    return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage(text);
  }

  private static ChatCompletionCreateParams.Builder ask(String text, String conversationId) {
    return ask(text).putAdditionalBodyProperty("conversation_id", JsonValue.from(conversationId));
  }

  private static String conversationId(Map<String, JsonValue> additional) {
    JsonValue id = additional.get("conversation_id");
    assertTrue(id != null && id.asString().isPresent(), "conversation_id in " + additional);
    return id.asStringOrThrow();
  }

  private static String content(ChatCompletion completion) {
    return completion.choices().get(0).message().content().orElseThrow();
  }

  @Test
  void plainChat() {
    ChatCompletion completion = alice.chat().completions().create(ask("Hello there").build());
    assertEquals("gpt-4o", completion.model(), "the alias is echoed, as OpenAI echoes the model asked for");
    assertTrue(completion.id().startsWith("chatcmpl-"));
    assertTrue(content(completion).startsWith("You said: Hello there"), content(completion));
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
    CompletionUsage usage = completion.usage().orElseThrow();
    assertEquals(2, usage.promptTokens(), "the mock counts words");
    assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    assertTrue(conversationId(completion._additionalProperties()).startsWith("conv-"));
  }

  @Test
  void servedModelNameIsAcceptedToo() {
    ChatCompletion completion = alice.chat().completions().create(
        ChatCompletionCreateParams.builder().model("claude-haiku-4-5").addUserMessage("hi").build());
    assertEquals("claude-haiku-4-5", completion.model());
  }

  @Test
  void streamingChatWithUsage() {
    ChatCompletionCreateParams params = ask("Stream this please")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = alice.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> {
        chunks.add(chunk);
        chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
      });
    }
    assertTrue(text.toString().startsWith("You said: Stream this please"), text.toString());
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertTrue(last.choices().isEmpty(), "the usage chunk comes last, without choices");
    assertTrue(last.usage().orElseThrow().completionTokens() > 5);
    assertEquals("gpt-4o", chunks.get(0).model());
    String id = conversationId(chunks.get(0)._additionalProperties());
    chunks.forEach(c -> assertEquals(id, conversationId(c._additionalProperties())));
    assertTrue(chunks.stream().anyMatch(c -> c.choices().stream().anyMatch(ch -> ch.finishReason().isPresent())));
  }

  @Test
  void threeTurnConversationRemembersTheNameAndIsPrivateToItsKey() {
    ChatCompletion first = alice.chat().completions().create(ask("My name is Zorblax.").build());
    String id = conversationId(first._additionalProperties());
    ChatCompletion second = alice.chat().completions().create(ask("I like green tea.", id).build());
    assertEquals(id, conversationId(second._additionalProperties()));
    ChatCompletion third = alice.chat().completions().create(ask("What is my name?", id).build());
    String reply = content(third);
    assertTrue(reply.contains("Zorblax"), "the mock repeats the first user message, so the history arrived: " + reply);
    assertTrue(reply.contains("I received 5 messages"), reply);

    HttpResponse<io.vertx.core.buffer.Buffer> read = gateway.fetch("/v1/conversations/" + id, KEY_A);
    assertEquals(200, read.statusCode());
    JsonObject conversation = read.bodyAsJsonObject();
    assertEquals(6, conversation.getInteger("message_count"));
    JsonArray messages = conversation.getJsonArray("messages");
    assertEquals(6, messages.size());
    List<String> roles = new ArrayList<>();
    messages.forEach(m -> roles.add(((JsonObject) m).getString("role")));
    assertEquals(List.of("user", "assistant", "user", "assistant", "user", "assistant"), roles);
    assertEquals("My name is Zorblax.", messages.getJsonObject(0).getString("content"));
    assertEquals(reply, messages.getJsonObject(5).getString("content"));

    // Another key sees nothing: 404 on read and on continuing, and the conversation is unchanged.
    assertEquals(404, gateway.fetch("/v1/conversations/" + id, KEY_B).statusCode());
    NotFoundException foreign = assertThrows(NotFoundException.class,
        () -> bob.chat().completions().create(ask("What is my name?", id).build()));
    assertEquals("conversation_id", foreign.param().orElse(null));
    assertEquals(conversation, gateway.fetch("/v1/conversations/" + id, KEY_A).bodyAsJsonObject());
  }

  @Test
  void failedTurnsLeaveTheStoredHistoryExactlyUnchanged() {
    ChatCompletion first = alice.chat().completions().create(ask("Remember the number 42.").build());
    String id = conversationId(first._additionalProperties());
    JsonObject before = gateway.fetch("/v1/conversations/" + id, KEY_A).bodyAsJsonObject();
    assertEquals(2, before.getInteger("message_count"));

    InternalServerException failed = assertThrows(InternalServerException.class,
        () -> alice.chat().completions().create(ask("MOCK_FAIL now", id).build()));
    assertEquals(502, failed.statusCode());
    assertEquals("upstream_error", failed.code().orElse(null));

    InternalServerException failedStreamed = assertThrows(InternalServerException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = alice.chat().completions().createStreaming(ask("MOCK_FAIL again", id).build())) {
        stream.stream().forEach(chunk -> { });
      }
    });
    assertEquals(502, failedStreamed.statusCode(), "a failure before the first token keeps its HTTP status");

    StringBuilder partial = new StringBuilder();
    assertThrows(SseException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream =
               alice.chat().completions().createStreaming(ask("MOCK_FAIL_MIDSTREAM please", id).build())) {
        stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(partial::append)));
      }
    });
    assertFalse(partial.toString().isEmpty(), "some words came before the failure");

    assertEquals(before, gateway.fetch("/v1/conversations/" + id, KEY_A).bodyAsJsonObject(),
        "no failed turn changed the conversation");
    // ... and the lock was released each time: the conversation continues normally.
    ChatCompletion next = alice.chat().completions().create(ask("Which number?", id).build());
    assertTrue(content(next).contains("Remember the number 42."), content(next));
  }

  @Test
  void sdkRaisesTheExceptionTypeOfEachError() {
    OpenAIClient stranger = gateway.openai("sk-nobody-knows-this-key");
    try {
      UnauthorizedException unauthorized = assertThrows(UnauthorizedException.class,
          () -> stranger.chat().completions().create(ask("hi").build()));
      assertEquals(401, unauthorized.statusCode());
      assertEquals("invalid_api_key", unauthorized.code().orElse(null));
    } finally {
      stranger.close();
    }
    BadRequestException bad = assertThrows(BadRequestException.class,
        () -> alice.chat().completions().create(ask("hi").temperature(5.0).build()));
    assertEquals("temperature", bad.param().orElse(null));
    NotFoundException model = assertThrows(NotFoundException.class,
        () -> alice.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-unknown").addUserMessage("hi").build()));
    assertEquals("model_not_found", model.code().orElse(null));
    assertEquals("model", model.param().orElse(null));
    OpenAIServiceException midStream = assertThrows(OpenAIServiceException.class, () -> {
      try (StreamResponse<ChatCompletionChunk> stream = alice.chat().completions().createStreaming(ask("MOCK_FAIL_MIDSTREAM").build())) {
        stream.stream().forEach(chunk -> { });
      }
    });
    assertTrue(midStream instanceof SseException, "a mid-stream error surfaces from the stream: " + midStream);
    assertEquals("upstream_error", midStream.code().orElse(null));
  }

  @Test
  void jsonObjectResponseFormatGivesParseableJson() {
    ChatCompletion completion = alice.chat().completions().create(ask("Give me JSON")
        .responseFormat(ResponseFormatJsonObject.builder().build()).build());
    JsonObject parsed = new JsonObject(content(completion));
    assertTrue(parsed.getString("reply").contains("Give me JSON"), parsed.encode());
  }

  @Test
  void modelsAreListedForTheSdk() {
    List<String> ids = new ArrayList<>();
    alice.models().list().items().forEach(m -> ids.add(m.id()));
    assertTrue(ids.containsAll(List.of("gpt-4o", "claude-sonnet-4-6")), ids.toString());
  }
}
