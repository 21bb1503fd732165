package dev.axon.common.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.bus.Codecs;
import dev.axon.common.bus.JsonCodec;
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
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.RecordUsageBatch;
import dev.axon.common.tokens.CountTokens;
import dev.axon.common.tokens.TokenCount;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRejected;
import dev.axon.common.turn.TurnRequest;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The canonical model's Anthropic-rich parts survive the event bus's wire codec (what a clustered bus sends between
 * JVMs), its JSON stays compact, and JSON stored before these fields existed still reads.
 */
class CanonicalCodecTest {

  static final CacheControl HOUR = new CacheControl("ephemeral", "1h");

  /** A request using every Anthropic-only feature of the canonical model. */
  static ChatRequest richRequest() {
    JsonNode schema = Json.MAPPER.createObjectNode().put("type", "object");
    JsonNode webSearch = Json.MAPPER.createObjectNode().put("type", "web_search_20250305").put("name", "web_search").put("max_uses", 3);
    List<ChatMessage> messages = List.of(
        new ChatMessage(Role.SYSTEM, List.of(new ContentPart.Text("Be brief.", CacheControl.EPHEMERAL)), null, null, null),
        new ChatMessage(Role.USER, List.of(
            new ContentPart.Text("Look", HOUR),
            new ContentPart.Image("data:image/png;base64,iVBOR", null, CacheControl.EPHEMERAL),
            new ContentPart.File(null, "a.pdf", "JVBER", CacheControl.EPHEMERAL),
            new ContentPart.Opaque("{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"hi\"},\"citations\":{\"enabled\":true}}")),
            null, null, null),
        new ChatMessage(Role.ASSISTANT, List.of(
            new ContentPart.Thinking("Let me see.", "EqQBsig=="),
            new ContentPart.RedactedThinking("EmwKAhgBsecret"),
            new ContentPart.Text("Calling.")),
            null, List.of(new ToolCall("toolu_1", "lookup", "{\"q\":1}", CacheControl.EPHEMERAL)), null),
        new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("failed"), new ContentPart.Image("https://x.test/a.png", null)),
            null, null, "toolu_1", true, CacheControl.EPHEMERAL));
    Sampling sampling = new Sampling(null, 0.97, 4096, List.of("END"), null, null, null, null, null, null, null, null, 40);
    return new ChatRequest("claude-sonnet-4-6", messages, sampling,
        List.of(new ToolDefinition("lookup", "Looks up", schema, false, CacheControl.EPHEMERAL, null), ToolDefinition.raw(webSearch)),
        ToolChoice.AUTO, false, null, "user-7", Map.of(), ThinkingConfig.enabled(2048));
  }

  static <T> T overTheWire(T value, Class<T> type) {
    JsonCodec<T> codec = new JsonCodec<>(type);
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, value);
    return codec.decodeFromWire(0, buffer);
  }

  @Test
  void theNewContractTypesAreRegistered() {
    assertTrue(Codecs.CONTRACT_TYPES.contains(CountTokens.class));
    assertTrue(Codecs.CONTRACT_TYPES.contains(TokenCount.class));
    assertTrue(Codecs.CONTRACT_TYPES.contains(RecordUsageBatch.class));
  }

  @Test
  void aBatchOfUsageRecordsCrossesTheWireUnchanged() {
    RecordUsageBatch batch = new RecordUsageBatch(List.of(
        new RecordUsage("alice", "claude-sonnet-4-6", new KeyLimits(60, 40_000, 1_000_000, 4), 10, 5, 2),
        new RecordUsage("bob", "claude-haiku-4-5", KeyLimits.NONE, 1, 1, 0)));
    assertEquals(batch, overTheWire(batch, RecordUsageBatch.class));
  }

  @Test
  void aRequestWithEveryAnthropicFeatureCrossesTheWireUnchanged() {
    ChatRequest request = richRequest();
    assertEquals(request, overTheWire(new CountTokens(request), CountTokens.class).request());
    TurnRequest turn = new TurnRequest("t1", "reply", "req1", request);
    assertEquals(turn, overTheWire(turn, TurnRequest.class));
    assertEquals(new TokenCount(1234), overTheWire(new TokenCount(1234), TokenCount.class));
  }

  @Test
  void theNewEventsCrossTheWireUnchanged() {
    List<ChatEvent> events = List.of(
        ChatEvent.ThinkingDelta.text("Hmm"),
        ChatEvent.ThinkingDelta.signed("EqQB=="),
        new ChatEvent.RedactedThinking("EmwK"),
        new ChatEvent.OpaqueBlock("{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\",\"content\":[]}"),
        new ChatEvent.Done(FinishReason.STOP, new Usage(100, 5, 60, 0, 30), "claude-x", null, "anthropic", "END", "stop_sequence"));
    for (int i = 0; i < events.size(); i++) {
      TurnEvent event = new TurnEvent("t1", i, events.get(i), "ctl");
      assertEquals(event, overTheWire(event, TurnEvent.class));
    }
  }

  @Test
  void theTextSentWithAnEventCrossesTheWireWithIt() {
    TurnEvent event = new TurnEvent("t1", 3, "the whole reply", new ChatEvent.Done(FinishReason.STOP, Usage.of(1, 2), "m", null), "ctl");
    TurnEvent received = overTheWire(event, TurnEvent.class);
    assertEquals(event, received);
    assertEquals("the whole reply", received.precedingText());
  }

  @Test
  void theAcceptanceCrossesTheWireWithTheEventsItLeftWith() {
    TurnAccepted accepted = new TurnAccepted("t1", "ctl", "s1", "anthropic");
    TurnEvent event = new TurnEvent("t1", 0, "the whole reply", new ChatEvent.Done(FinishReason.STOP, Usage.of(1, 2), "m", null), "ctl", accepted);
    assertEquals(event, overTheWire(event, TurnEvent.class));
    assertEquals(accepted, overTheWire(accepted, TurnAccepted.class));
  }

  @Test
  void aRejectionCrossesTheWireWithEveryFieldOfItsError() {
    TurnRejected rejected = TurnRejected.of("t1", new AxonException(ErrorKind.POOL_BUSY, "busy", "model", 3));
    TurnRejected received = overTheWire(rejected, TurnRejected.class);
    assertEquals(rejected, received);
    AxonException error = received.toException();
    assertEquals(ErrorKind.POOL_BUSY, error.kind());
    assertEquals("busy", error.getMessage());
    assertEquals("model", error.param());
    assertEquals(3, error.retryAfterSeconds());
    assertTrue(Codecs.CONTRACT_TYPES.contains(TurnRejected.class));
  }

  @Test
  void theDoneOfASessionKeepsItsStopSequenceWhenThePoolNamesTheProvider() {
    ChatEvent.Done done = new ChatEvent.Done(FinishReason.STOP, Usage.of(1, 2), "m", null).withStopSequence("END").withStopReason("stop_sequence");
    ChatEvent.Done named = done.withProvider("anthropic");
    assertEquals("END", named.stopSequence());
    assertEquals("stop_sequence", named.stopReason());
    assertEquals("anthropic", named.provider());
  }

  @Test
  void jsonStaysCompactWhenTheNewFieldsAreUnset() throws Exception {
    JsonNode message = Json.MAPPER.readTree(Json.toString(new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("ok")), null, null, "c1")));
    assertEquals(Json.MAPPER.readTree("{\"role\":\"tool\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"toolCallId\":\"c1\"}"), message);
    JsonNode error = Json.MAPPER.readTree(Json.toString(ChatMessage.toolResult("c1", List.of(new ContentPart.Text("no")), true)));
    assertTrue(error.path("toolError").asBoolean());
    JsonNode usage = Json.MAPPER.readTree(Json.toString(Usage.of(3, 4)));
    assertFalse(usage.has("cacheWriteTokens"));
    assertEquals(7, Json.MAPPER.readTree(Json.toString(new Usage(10, 1, 0, 0, 7))).path("cacheWriteTokens").asInt());
    JsonNode request = Json.MAPPER.readTree(Json.toString(new ChatRequest("m", List.of(ChatMessage.user("hi")), null, null, null, null, null, null, null)));
    assertFalse(request.has("thinking"));
    assertFalse(request.path("sampling").has("topK"));
    JsonNode thinking = Json.MAPPER.readTree(Json.toString(new ContentPart.Thinking("t", "s")));
    assertEquals(Json.MAPPER.readTree("{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"s\"}"), thinking);
    assertFalse(new ContentPart.Thinking("t", "s").portable() || new ContentPart.Opaque("{}").portable());
    assertTrue(new ContentPart.Text("t").portable() && new ContentPart.Image("https://x", null).portable());
    JsonNode tool = Json.MAPPER.readTree(Json.toString(new ToolDefinition("f", null, null, false)));
    assertFalse(tool.has("cacheControl") || tool.has("rawJson"));
  }

  @Test
  void storedJsonFromBeforeTheNewFieldsStillReads() {
    ChatMessage old = Json.fromString("{\"role\":\"tool\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"toolCallId\":\"c1\"}", ChatMessage.class);
    assertFalse(old.toolError());
    assertNull(old.cacheControl());
    assertEquals(new ContentPart.Text("ok"), old.content().get(0));
    Usage usage = Json.fromString("{\"promptTokens\":5,\"completionTokens\":2,\"cachedTokens\":1,\"reasoningTokens\":0}", Usage.class);
    assertEquals(new Usage(5, 2, 1, 0), usage);
    ChatEvent.Done done = Json.fromString("{\"t\":\"done\",\"finishReason\":\"STOP\",\"usage\":{\"promptTokens\":1,\"completionTokens\":1,"
        + "\"cachedTokens\":0,\"reasoningTokens\":0},\"servedModel\":\"m\"}", ChatEvent.Done.class);
    assertNull(done.stopSequence());
    ChatRequest request = Json.fromString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],"
        + "\"sampling\":{\"stop\":[]}}", ChatRequest.class);
    assertNull(request.thinking());
    assertNull(request.sampling().topK());
  }

  @Test
  void anOpaqueBlockTellsItsTypeAndText() {
    ContentPart.Opaque doc = new ContentPart.Opaque("{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"The text.\"}}");
    assertEquals("document", doc.blockType());
    assertEquals("The text.", doc.text());
    ContentPart.Opaque search = new ContentPart.Opaque("{\"type\":\"search_result\",\"source\":\"https://x\",\"title\":\"T\","
        + "\"content\":[{\"type\":\"text\",\"text\":\"one\"},{\"type\":\"text\",\"text\":\"two\"}]}");
    assertEquals("one\n\ntwo", search.text());
    assertNull(new ContentPart.Opaque("{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}").text());
    assertNull(new ContentPart.Opaque("not json").blockType());
  }
}
