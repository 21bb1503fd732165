package dev.axon.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.CacheControl;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ThinkingConfig;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.json.Json;
import java.util.List;

/**
 * Builds the canonical model's values from Anthropic's, in one place: a block's cache control, a thinking block's
 * signature, a tool result's error flag, and blocks or tools the canonical model does not describe (kept verbatim,
 * so the anthropic provider sends them back as they came).
 */
final class Canonical {

  private Canonical() {
  }

  static ContentPart text(String text, JsonNode cacheControl) {
    return new ContentPart.Text(text, cacheControl(cacheControl));
  }

  static ContentPart image(String url, JsonNode cacheControl) {
    return new ContentPart.Image(url, null, cacheControl(cacheControl));
  }

  static ContentPart thinking(String thinking, String signature) {
    return new ContentPart.Thinking(thinking, signature);
  }

  static ContentPart redactedThinking(String data) {
    return new ContentPart.RedactedThinking(data);
  }

  /** A block the canonical model does not know (document, search_result, server tool results, ...), kept verbatim. */
  static ContentPart opaque(JsonNode block, String at) {
    return new ContentPart.Opaque(Json.toString(block));
  }

  static ToolCall toolCall(String id, String name, String arguments, JsonNode cacheControl) {
    return new ToolCall(id, name, arguments, cacheControl(cacheControl));
  }

  static ChatMessage toolResult(String toolUseId, List<ContentPart> parts, boolean isError, JsonNode cacheControl) {
    return new ChatMessage(Role.TOOL, parts, null, null, toolUseId, isError, cacheControl(cacheControl));
  }

  static ToolDefinition tool(String name, String description, JsonNode schema, boolean strict, JsonNode cacheControl) {
    return new ToolDefinition(name, description, schema, strict, cacheControl(cacheControl), null);
  }

  /** One of Anthropic's own tools (server tools, versioned client tools), kept verbatim. */
  static ToolDefinition serverTool(String name, JsonNode raw) {
    return ToolDefinition.raw(raw);
  }

  static Sampling sampling(Double temperature, Double topP, Integer topK, Integer maxTokens, List<String> stop, String serviceTier) {
    return new Sampling(temperature, topP, maxTokens, stop, null, null, null, null, null, null, null, serviceTier, topK);
  }

  static ChatRequest request(String model, List<ChatMessage> messages, Sampling sampling, List<ToolDefinition> tools,
                             ToolChoice toolChoice, Boolean parallelToolCalls, ResponseFormat format, String user,
                             AnthropicRequestParser.Thinking thinking) {
    ThinkingConfig config = thinking == null ? null : new ThinkingConfig(thinking.type(), thinking.budgetTokens());
    return new ChatRequest(model, messages, sampling, tools, toolChoice, parallelToolCalls, format, user, null, config);
  }

  private static CacheControl cacheControl(JsonNode node) {
    if (node == null) {
      return null;
    }
    return new CacheControl(node.path("type").asText("ephemeral"), node.path("ttl").isTextual() ? node.path("ttl").asText() : null);
  }
}
