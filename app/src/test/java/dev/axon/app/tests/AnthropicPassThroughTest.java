package dev.axon.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ThinkingBlock;
import dev.axon.testkit.anthropic.MockAnthropicServer;
import dev.axon.testkit.anthropic.RecordedRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic clients through the {@code anthropic} provider to the mock Messages API: what the client sends reaches the
 * upstream as it was sent (cache breakpoints, thinking with its signature, redacted thinking, document and other
 * blocks, tool errors, server tools, top_k) — no lossy trip through OpenAI's shape — and what the upstream answers
 * comes back with its thinking, signatures, stop sequence and cache usage, driven by the official Anthropic Java SDK.
 */
class AnthropicPassThroughTest {

  static final String MODEL = "claude-sonnet-4-6";
  static final String THOUGHT = "The user wants the weather; I should call the lookup tool.";
  static HttpGateway gateway;
  static AnthropicClient client;

  @BeforeAll
  static void boot() {
    gateway = new HttpGateway(new JsonObject().put("breaker", new JsonObject().put("maxFailures", 1000)), new JsonObject());
    client = gateway.anthropicClient();
  }

  @AfterAll
  static void shutdown() {
    client.close();
    gateway.close();
  }

  @BeforeEach
  void clear() {
    gateway.anthropic.clear();
  }

  static final String DOCUMENT = "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\","
      + "\"data\":\"Paris is sunny.\"},\"title\":\"Forecast\",\"citations\":{\"enabled\":true}}";
  static final String PDF = "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\","
      + "\"data\":\"JVBERi0xLjQ=\"},\"title\":\"report.pdf\",\"cache_control\":{\"type\":\"ephemeral\"}}";
  static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}},\"required\":[\"q\"]}";
  static final String WEB_SEARCH = "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":2}";

  /** A request with every Anthropic-only feature an application may send (four cache breakpoints, the API's maximum). */
  static final String CLIENT_BODY = "{"
      + "\"model\":\"claude-sonnet-4-6\",\"max_tokens\":3000,"
      + "\"system\":[{\"type\":\"text\",\"text\":\"You are terse.\",\"cache_control\":{\"type\":\"ephemeral\"}},"
      + "{\"type\":\"text\",\"text\":\"Answer in English.\"}],"
      + "\"messages\":["
      + "{\"role\":\"user\",\"content\":["
      + "{\"type\":\"text\",\"text\":\"What is the weather in these?\",\"cache_control\":{\"type\":\"ephemeral\"}},"
      + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},"
      + PDF + "," + DOCUMENT + "]},"
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

  @Test
  void theUpstreamReceivesExactlyWhatTheClientSentButTheModel() {
    HttpResponse<String> r = gateway.postAnthropic("/v1/messages?beta=true", CLIENT_BODY.replace("\"claude-sonnet-4-6\"", "\"gpt-4o\""));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), r.body());
    RecordedRequest sent = gateway.anthropic.lastMessageRequest();
    JsonObject upstream = sent.body().copy();
    assertEquals(MODEL, upstream.remove("model"), "the alias the client sent became the served model");
    JsonObject client = new JsonObject(CLIENT_BODY);
    client.remove("model");
    assertEquals(client, upstream, "nothing lost or changed on the way");
    assertEquals(HttpGateway.ANTHROPIC_KEY, sent.header("x-api-key"), "the gateway's own upstream key, never the client's");
  }

  static Message accumulate(MessageCreateParams params) {
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
      stream.stream().forEach(accumulator::accumulate);
    }
    return accumulator.message();
  }

  static String text(Message m) {
    StringBuilder sb = new StringBuilder();
    m.content().forEach(b -> b.text().ifPresent(t -> sb.append(t.text())));
    return sb.toString();
  }

  @Test
  void plainAndStreamedRepliesComeFromTheUpstream() {
    Message plain = client.messages().create(MessageCreateParams.builder().model(MODEL).maxTokens(200).addUserMessage("Hello, I am Ada").build());
    assertTrue(text(plain).startsWith("Hello from the mock upstream. You said: Hello, I am Ada"), text(plain));
    assertEquals(StopReason.END_TURN, plain.stopReason().orElseThrow());
    Message streamed = accumulate(MessageCreateParams.builder().model(MODEL).maxTokens(200).addUserMessage("stream please").build());
    assertTrue(text(streamed).startsWith("Hello from the mock upstream. You said: stream please"), text(streamed));
    assertTrue(streamed.usage().inputTokens() > 0);
  }

  @Test
  void thinkingAndItsSignatureComeBackUnchangedAndGoBackAccepted() {
    MessageCreateParams first = MessageCreateParams.builder().model(MODEL).maxTokens(4000).enabledThinking(1024)
        .addUserMessage("Think about Paris.").build();
    Message reply = accumulate(first);
    ThinkingBlock thought = reply.content().get(0).asThinking();
    assertFalse(thought.thinking().isEmpty());
    assertEquals(MockAnthropicServer.signature(thought.thinking()), thought.signature(), "the upstream's signature, unchanged");
    Message next = client.messages().create(first.toBuilder().addMessage(reply).addUserMessage("And Rome?").build());
    assertTrue(text(next).contains("You said: And Rome?"), text(next));
    JsonObject sentBack = gateway.anthropic.lastMessageRequest().body().getJsonArray("messages").getJsonObject(1)
        .getJsonArray("content").getJsonObject(0);
    assertEquals(new JsonObject().put("type", "thinking").put("thinking", thought.thinking()).put("signature", thought.signature()), sentBack);
  }

  @Test
  void stopSequencesAndCacheUsageArePassedOn() {
    String longSystem = "You answer questions about the weather. ".repeat(40);
    MessageCreateParams cached = MessageCreateParams.builder().model(MODEL).maxTokens(200)
        .systemOfTextBlockParams(List.of(TextBlockParam.builder().text(longSystem).cacheControl(CacheControlEphemeral.builder().build()).build()))
        .addUserMessage("hello there").stopSequences(List.of("mock")).build();
    Message first = client.messages().create(cached);
    assertEquals(StopReason.STOP_SEQUENCE, first.stopReason().orElseThrow());
    assertEquals("mock", first.stopSequence().orElseThrow());
    assertEquals("Hello from the ", text(first));
    assertTrue(first.usage().cacheCreationInputTokens().orElseThrow() > 0, "the first request writes the cache: " + first.usage());
    Message second = accumulate(cached);
    assertTrue(second.usage().cacheReadInputTokens().orElseThrow() > 0, "the second reads it: " + second.usage());
    assertEquals(0L, second.usage().cacheCreationInputTokens().orElseThrow());
    assertEquals("mock", second.stopSequence().orElseThrow());
  }

  @Test
  void countTokensIsTheUpstreamsCount() {
    long tokens = client.messages().countTokens(MessageCountTokensParams.builder().model(MODEL)
        .addUserMessage("one two three four five").build()).inputTokens();
    List<RecordedRequest> counted = gateway.anthropic.countTokensRequests();
    assertEquals(1, counted.size(), "the upstream counted");
    assertFalse(counted.get(0).body().containsKey("max_tokens"));
    assertEquals(5, tokens, "the mock upstream counts words");
  }

  @Test
  void upstreamErrorsReachTheClientInAnthropicsShape() {
    BadRequestException bad = assertThrows(BadRequestException.class, () -> client.messages().create(
        MessageCreateParams.builder().model(MODEL).maxTokens(100).addUserMessage("UPSTREAM_ERROR 400").build()));
    assertEquals("invalid_request_error", bad.type().orElseThrow().asString());
    OverloadedException overloaded = assertThrows(OverloadedException.class, () -> client.messages().create(
        MessageCreateParams.builder().model(MODEL).maxTokens(100).addUserMessage("UPSTREAM_ERROR 529").build()));
    assertEquals(529, overloaded.statusCode());
    assertEquals("overloaded_error", overloaded.type().orElseThrow().asString());
  }

  @Test
  void aStoredTurnKeepsTheBlocksForTheNextOne() {
    HttpResponse<String> r = gateway.postAnthropic("/v1/messages", new JsonObject().put("model", MODEL).put("max_tokens", 3000)
        .put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject(DOCUMENT)).add(new JsonObject().put("type", "text").put("text", "Summarise."))))).encode());
    assertEquals(200, r.statusCode(), r.body());
    String id = r.headers().firstValue("x-axon-conversation-id").orElseThrow();
    JsonObject reply = new JsonObject(r.body());
    HttpResponse<String> next = gateway.postAnthropicWithConversation(id, new JsonObject().put("model", MODEL).put("max_tokens", 3000)
        .put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "And briefer?"))).encode());
    assertEquals(200, next.statusCode(), next.body());
    JsonArray history = gateway.anthropic.lastMessageRequest().body().getJsonArray("messages");
    assertEquals(new JsonObject(DOCUMENT), history.getJsonObject(0).getJsonArray("content").getJsonObject(0), "the document went back verbatim");
    assertEquals(reply.getJsonArray("content"), history.getJsonObject(1).getJsonArray("content"),
        "the stored reply went back exactly as the client saw it, thinking signature included");
  }
}
