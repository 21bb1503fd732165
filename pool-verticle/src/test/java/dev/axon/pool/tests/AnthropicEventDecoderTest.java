package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import dev.axon.pool.provider.anthropic.AnthropicEventDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder against Anthropic's documented stream transcripts (shared/conformance/anthropic). */
class AnthropicEventDecoderTest {

  static List<ChatEvent> replay(String file, AnthropicEventDecoder[] decoderOut) throws IOException {
    List<ChatEvent> events = new ArrayList<>();
    AnthropicEventDecoder decoder = new AnthropicEventDecoder(events::add);
    decoderOut[0] = decoder;
    String text;
    try (InputStream in = AnthropicEventDecoderTest.class.getResourceAsStream("/anthropic/" + file)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String block : text.split("\n\n")) {
      for (String line : block.split("\n")) {
        if (line.startsWith("data:")) {
          JsonNode data = Json.MAPPER.readTree(line.substring(5).trim());
          decoder.accept(data);
        }
      }
    }
    return events;
  }

  static String text(List<ChatEvent> events) {
    StringBuilder sb = new StringBuilder();
    events.forEach(e -> {
      if (e instanceof ChatEvent.TextDelta t) {
        sb.append(t.text());
      }
    });
    return sb.toString();
  }

  @Test
  void textStreamGivesDeltasFinishAndUsage() throws IOException {
    AnthropicEventDecoder[] d = new AnthropicEventDecoder[1];
    List<ChatEvent> events = replay("stream-text.sse", d);
    assertFalse(text(events).isEmpty());
    assertTrue(events.stream().allMatch(e -> e instanceof ChatEvent.TextDelta));
    assertTrue(d[0].stopped());
    ChatEvent.Done done = d[0].done("fallback", null);
    assertEquals(FinishReason.STOP, done.finishReason());
    assertTrue(done.usage().completionTokens() > 0);
    assertTrue(done.usage().promptTokens() > 0);
    assertEquals("claude-sonnet-4-5-20250929", done.servedModel());
  }

  @Test
  void toolUseStreamsIdNameThenArgumentFragmentsThatFormTheInput() throws IOException {
    AnthropicEventDecoder[] d = new AnthropicEventDecoder[1];
    List<ChatEvent> events = replay("stream-tool-use.sse", d);
    List<ChatEvent.ToolCallDelta> calls = events.stream().filter(e -> e instanceof ChatEvent.ToolCallDelta)
        .map(e -> (ChatEvent.ToolCallDelta) e).toList();
    assertTrue(calls.size() >= 2);
    assertNotNull(calls.get(0).id());
    assertEquals("get_weather", calls.get(0).name());
    StringBuilder args = new StringBuilder();
    for (ChatEvent.ToolCallDelta c : calls) {
      assertEquals(0, c.index());
      args.append(c.arguments());
    }
    JsonNode input = Json.MAPPER.readTree(args.toString());
    assertTrue(input.isObject() && input.has("location"));
    assertEquals(FinishReason.TOOL_CALLS, d[0].done("m", null).finishReason());
  }

  @Test
  void thinkingIsNotLeakedAsContent() throws IOException {
    AnthropicEventDecoder[] d = new AnthropicEventDecoder[1];
    List<ChatEvent> events = replay("stream-thinking.sse", d);
    String text = text(events);
    assertFalse(text.contains("Euclidean"), "thinking text must not appear as content: " + text);
    assertFalse(text.isEmpty());
  }

  @Test
  void thinkingStreamsAsFragmentsThenItsSignatureBeforeTheText() throws IOException {
    AnthropicEventDecoder[] d = new AnthropicEventDecoder[1];
    List<ChatEvent> events = replay("stream-thinking.sse", d);
    assertEquals(List.of(
        ChatEvent.ThinkingDelta.text("I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147"),
        ChatEvent.ThinkingDelta.text("\n462 = 3 × 147 + 21"),
        ChatEvent.ThinkingDelta.text("\n147 = 7 × 21 + 0"),
        ChatEvent.ThinkingDelta.text("\nThe remainder is 0, so GCD(1071, 462) = 21."),
        new ChatEvent.ThinkingDelta("", "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."),
        new ChatEvent.TextDelta("The greatest common divisor of 1071 and 462 is **21**.")), events);
    ChatEvent.Done done = d[0].done("m", null);
    assertEquals(FinishReason.STOP, done.finishReason());
    assertEquals("end_turn", done.stopReason());
    assertNull(done.stopSequence());
    assertEquals(142, done.usage().completionTokens());
  }

  @Test
  void redactedThinkingSignatureOnlyBlocksTheStopSequenceAndCacheUsage() throws IOException {
    AnthropicEventDecoder[] d = new AnthropicEventDecoder[1];
    List<ChatEvent> events = replay("stream-redacted-stop-sequence.sse", d);
    assertEquals(List.of(
        ChatEvent.ThinkingDelta.text("Count to three."),
        ChatEvent.ThinkingDelta.signed("EqQBCgIYAhIMone"),
        new ChatEvent.RedactedThinking("EmwKAhgBEgy3va3pzix"),
        ChatEvent.ThinkingDelta.signed("EqQBCgIYAhIMtwo"),
        new ChatEvent.TextDelta("One, two"),
        new ChatEvent.TextDelta(", three")), events);
    ChatEvent.Done done = d[0].done("m", null);
    assertEquals(FinishReason.STOP, done.finishReason());
    assertEquals("###", done.stopSequence());
    assertEquals("stop_sequence", done.stopReason());
    assertEquals(new dev.axon.common.chat.Usage(2312, 57, 2000, 0, 300), done.usage());
    assertEquals(12, done.usage().uncachedPromptTokens());
  }

  @Test
  void toolUseTranscriptGivesTextThenTheCallThenToolUse() throws IOException {
    AnthropicEventDecoder[] d = new AnthropicEventDecoder[1];
    List<ChatEvent> events = replay("stream-tool-use.sse", d);
    assertEquals("Okay, let's check the weather for San Francisco, CA:", text(events));
    int firstCall = 0;
    while (!(events.get(firstCall) instanceof ChatEvent.ToolCallDelta)) {
      firstCall++;
    }
    assertEquals(new ChatEvent.ToolCallDelta(0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", ""), events.get(firstCall));
    assertTrue(events.subList(firstCall, events.size()).stream().allMatch(e -> e instanceof ChatEvent.ToolCallDelta));
    ChatEvent.Done done = d[0].done("m", null);
    assertEquals(FinishReason.TOOL_CALLS, done.finishReason());
    assertEquals("tool_use", done.stopReason());
    assertEquals(new dev.axon.common.chat.Usage(472, 89, 0, 0, 0), done.usage());
  }

  @Test
  void aWholeMessageWithThinkingAndServerToolsDecodesLikeAStream() throws IOException {
    List<ChatEvent> events = new ArrayList<>();
    AnthropicEventDecoder decoder = new AnthropicEventDecoder(events::add);
    decoder.acceptMessage(Json.MAPPER.readTree("{\"model\":\"claude-x\",\"content\":["
        + "{\"type\":\"thinking\",\"thinking\":\"Hmm.\",\"signature\":\"sigA\"},"
        + "{\"type\":\"redacted_thinking\",\"data\":\"secret\"},"
        + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"q\"}},"
        + "{\"type\":\"text\",\"text\":\"Hi\"}],\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\","
        + "\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":7,\"output_tokens\":3}}"));
    assertEquals(List.of(ChatEvent.ThinkingDelta.text("Hmm."), ChatEvent.ThinkingDelta.signed("sigA"),
        new ChatEvent.RedactedThinking("secret"),
        new ChatEvent.OpaqueBlock("{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"q\"}}"),
        new ChatEvent.TextDelta("Hi")), events);
    ChatEvent.Done done = decoder.done("m", null);
    assertEquals("END", done.stopSequence());
    assertEquals(new dev.axon.common.chat.Usage(17, 3, 0, 0, 7), done.usage());
  }

  @Test
  void maxTokensMapsToLength() throws IOException {
    AnthropicEventDecoder[] d = new AnthropicEventDecoder[1];
    replay("stream-max-tokens.sse", d);
    assertEquals(FinishReason.LENGTH, d[0].done("m", null).finishReason());
  }

  @Test
  void errorEventEndsWithATypedError() throws IOException {
    AnthropicEventDecoder[] d = new AnthropicEventDecoder[1];
    List<ChatEvent> events = replay("stream-error-overloaded.sse", d);
    assertFalse(events.isEmpty(), "deltas before the error were passed on");
    assertNotNull(d[0].error());
    assertEquals(ErrorKind.UPSTREAM_OVERLOADED, d[0].error().kind());
    assertFalse(d[0].stopped());
  }

  @Test
  void wholeMessageDecodesLikeAStream() throws IOException {
    List<ChatEvent> events = new ArrayList<>();
    AnthropicEventDecoder decoder = new AnthropicEventDecoder(events::add);
    decoder.acceptMessage(Json.MAPPER.readTree("{\"model\":\"claude-x\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"},"
        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{\"a\":1}}],\"stop_reason\":\"tool_use\","
        + "\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":5,\"output_tokens\":3}}"));
    assertEquals("Hi", text(events));
    ChatEvent.Done done = decoder.done("m", null);
    assertEquals(FinishReason.TOOL_CALLS, done.finishReason());
    assertEquals(15, done.usage().promptTokens());
    assertEquals(5, done.usage().cachedTokens());
    assertEquals(3, done.usage().completionTokens());
    assertNull(decoder.error());
  }

  @Test
  void textDeltasTakeTheStreamingPathAndEverythingElseTheTree() {
    List<ChatEvent> events = new ArrayList<>();
    AnthropicEventDecoder decoder = new AnthropicEventDecoder(events::add);
    assertTrue(decoder.acceptTextDelta(
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Caf\\u00e9 \\\"x\\\"\\n\"}}"));
    // Field order is not fixed, and unknown fields (objects included) are skipped.
    assertTrue(decoder.acceptTextDelta("{\"delta\":{\"text\":\"ok\",\"extra\":{\"a\":[1]},\"type\":\"text_delta\"},\"index\":0}"));
    assertFalse(decoder.acceptTextDelta("{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\"}}"));
    assertFalse(decoder.acceptTextDelta("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}"));
    assertFalse(decoder.acceptTextDelta("not json"));
    assertEquals(List.of(new ChatEvent.TextDelta("Caf\u00e9 \"x\"\n"), new ChatEvent.TextDelta("ok")), events);
  }
}
