package dev.axon.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import java.util.List;

/**
 * Builds the canonical model's values from Anthropic's, in one place: what the canonical model can carry of a block
 * (its cache control, a thinking signature, a block it does not know kept verbatim) is decided here.
 */
final class Canonical {

  private Canonical() {
  }

  static ContentPart text(String text, JsonNode cacheControl) {
    return new ContentPart.Text(text);
  }

  static ContentPart image(String url, JsonNode cacheControl) {
    return new ContentPart.Image(url, null);
  }

  static ContentPart thinking(String thinking, String signature) {
    throw AnthropicRequestParser.invalid("thinking blocks are not supported yet");
  }

  static ContentPart redactedThinking(String data) {
    throw AnthropicRequestParser.invalid("redacted_thinking blocks are not supported yet");
  }

  /** A block the canonical model does not know (document, search_result, server tool results, ...), kept verbatim. */
  static ContentPart opaque(JsonNode block, String at) {
    throw AnthropicRequestParser.invalid(at + ".type: '" + AnthropicRequestParser.clip(block.path("type").asText()) + "' blocks are not supported yet");
  }

  static ToolCall toolCall(String id, String name, String arguments, JsonNode cacheControl) {
    return new ToolCall(id, name, arguments);
  }

  static ChatMessage toolResult(String toolUseId, List<ContentPart> parts, boolean isError, JsonNode cacheControl) {
    return new ChatMessage(Role.TOOL, parts, null, null, toolUseId);
  }

  static ToolDefinition tool(String name, String description, JsonNode schema, boolean strict, JsonNode cacheControl) {
    return new ToolDefinition(name, description, schema, strict);
  }

  /** One of Anthropic's own tools (server tools, versioned client tools), kept verbatim. */
  static ToolDefinition serverTool(String name, JsonNode raw) {
    return new ToolDefinition(name, null, null, false);
  }

  static Sampling sampling(Double temperature, Double topP, Integer topK, Integer maxTokens, List<String> stop, String serviceTier) {
    return new Sampling(temperature, topP, maxTokens, stop, null, null, null, null, null, null, null, serviceTier);
  }

  static ChatRequest request(String model, List<ChatMessage> messages, Sampling sampling, List<ToolDefinition> tools,
                             ToolChoice toolChoice, Boolean parallelToolCalls, ResponseFormat format, String user,
                             AnthropicRequestParser.Thinking thinking) {
    return new ChatRequest(model, messages, sampling, tools, toolChoice, parallelToolCalls, format, user, null);
  }
}
