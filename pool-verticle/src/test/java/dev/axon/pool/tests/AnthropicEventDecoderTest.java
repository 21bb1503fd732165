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
}
