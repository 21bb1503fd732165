package dev.axon.api.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.api.conversation.ConversationHandler;
import dev.axon.api.http.JsonInput;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.config.ModelCatalog;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Anthropic's {@code MessageCreateParams} into the canonical model: {@code model}, {@code max_tokens},
 * {@code messages} (string or block content: text, image, document and other blocks, tool_use, tool_result,
 * thinking, redacted_thinking), {@code system} (string or text blocks), {@code tools} (client tools with
 * {@code input_schema}, and Anthropic's server tools), {@code tool_choice}, {@code stop_sequences},
 * {@code temperature}, {@code top_p}, {@code top_k}, {@code metadata.user_id}, {@code thinking},
 * {@code service_tier}, {@code output_config.format} / {@code output_format}, {@code stream}. A null counts as
 * absent; unknown fields are accepted and ignored (Anthropic adds fields often: {@code container},
 * {@code mcp_servers}, {@code context_management}, ...). Consecutive messages of one role are accepted, as the API
 * accepts them (it merges them). Anything malformed fails with {@code INVALID_REQUEST} whose message names the
 * field the way Anthropic does ({@code messages.0.content.1.text: Field required}).
 *
 * <p>Canonical mapping: {@code system} becomes one system message (a part per block); a user turn's
 * {@code tool_result} blocks become tool messages, in place, its other blocks user messages around them; an
 * assistant turn becomes one assistant message whose {@code tool_use} blocks are its tool calls.
 *
 * <p>Stateless and thread-safe.
 */
public final class AnthropicRequestParser {

  /** Tool names as the Messages API takes them. */
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");
  /** The longest model name accepted; longer is a 400, never echoed back whole. */
  static final int MAX_MODEL_LENGTH = 256;
  /** Values quoted back in error messages are cut to this many characters. */
  private static final int ECHO_LIMIT = 64;
  /** The header that continues a stored conversation. */
  public static final String CONVERSATION_HEADER = "x-axon-conversation-id";
  /** The header that keeps a turn out of the store ({@code false}). */
  public static final String STORE_HEADER = "x-axon-store";

  private final ModelCatalog catalog;
  private final int maxTools;

  public AnthropicRequestParser(ModelCatalog catalog, int maxTools) {
    this.catalog = catalog;
    this.maxTools = maxTools;
  }

  /**
   * A {@code POST /v1/messages}.
   *
   * @param conversationHeader the {@code x-axon-conversation-id} header, or null
   * @param storeHeader        the {@code x-axon-store} header, or null
   */
  public AnthropicCall parse(Buffer body, String conversationHeader, String storeHeader) {
    JsonNode root = read(body);
    String clientModel = model(root);
    String model = resolve(clientModel);
    Integer maxTokens = integer(root, "max_tokens", 1, Integer.MAX_VALUE);
    if (maxTokens == null) {
      throw invalid("max_tokens: Field required");
    }
    ChatRequest request = request(root, model, maxTokens);
    boolean stream = Boolean.TRUE.equals(bool(root, "stream"));
    String conversationId = conversationId(conversationHeader);
    boolean store = storeHeader == null || !storeHeader.trim().equalsIgnoreCase("false");
    return new AnthropicCall(request, clientModel, stream, conversationId, store);
  }

  /** A {@code POST /v1/messages/count_tokens}: the canonical request and the model name as the client sent it. */
  public record CountCall(ChatRequest request, String clientModel) {
  }

  /** A {@code POST /v1/messages/count_tokens}: the same body without {@code max_tokens}. */
  public CountCall parseCount(Buffer body) {
    JsonNode root = read(body);
    String clientModel = model(root);
    return new CountCall(request(root, resolve(clientModel), integer(root, "max_tokens", 1, Integer.MAX_VALUE)), clientModel);
  }

  /** The conversation an {@code x-axon-conversation-id} header names, or null; 400 when it is malformed. */
  public static String conversationId(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String id = header.trim();
    if (!ConversationHandler.ID.matcher(id).matches()) {
      throw new AxonException(ErrorKind.INVALID_REQUEST, CONVERSATION_HEADER
          + ": expected 'conv-' followed by 1 to 128 letters, digits, '_' or '-'.", "conversation_id", null);
    }
    return id;
  }

  /** 404 {@code not_found_error}, the same words for a model that does not exist and one a key may not use. */
  public static AxonException modelNotFound(String clientModel) {
    return new AxonException(ErrorKind.MODEL_NOT_FOUND, "model: " + clip(clientModel), "model", null);
  }

  // --- the body ----------------------------------------------------------------------------------------------

  private static JsonNode read(Buffer body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    if (!JsonInput.isUtf8(bytes)) {
      throw invalid("The request body is not valid UTF-8.");
    }
    JsonNode root;
    try {
      root = JsonInput.readTree(bytes);
    } catch (JsonProcessingException e) {
      String duplicate = JsonInput.duplicateField(e);
      throw invalid("The request body is not valid JSON" + (duplicate != null ? ": " + duplicate : "."));
    } catch (IOException e) {
      throw invalid("The request body could not be read.");
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw invalid("The request body must be a JSON object.");
    }
    String surrogate = JsonInput.hasSurrogateEscape(bytes) ? JsonInput.loneSurrogate(root) : null;
    if (surrogate != null) {
      throw invalid((surrogate.isEmpty() ? "" : surrogate + ": ")
          + "the string contains an unpaired UTF-16 surrogate escape, which is not valid Unicode.");
    }
    return root;
  }

  private static String model(JsonNode root) {
    String clientModel = string(root, "model", "model");
    if (clientModel == null) {
      throw invalid("model: Field required");
    }
    if (clientModel.length() > MAX_MODEL_LENGTH) {
      throw invalid("model: String should have at most " + MAX_MODEL_LENGTH + " characters");
    }
    return clientModel;
  }

  private String resolve(String clientModel) {
    String model = catalog.resolve(clientModel);
    if (model == null) {
      throw modelNotFound(clientModel);
    }
    return model;
  }

  private ChatRequest request(JsonNode root, String model, Integer maxTokens) {
    List<ChatMessage> messages = new ArrayList<>();
    ChatMessage system = system(root);
    if (system != null) {
      messages.add(system);
    }
    messages(root, messages);
    List<ToolDefinition> tools = tools(root);
    ToolChoice toolChoice = null;
    Boolean parallel = null;
    JsonNode choice = optionalObject(root, "tool_choice");
    if (choice != null) {
      toolChoice = toolChoice(choice, tools);
      Boolean disable = bool(choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use");
      parallel = disable == null ? null : !disable;
    }
    Thinking thinking = thinking(root, maxTokens);
    Sampling sampling = Canonical.sampling(
        number(root, "temperature", 0, 1),
        number(root, "top_p", 0, 1),
        integer(root, "top_k", 0, Integer.MAX_VALUE),
        maxTokens,
        stopSequences(root),
        serviceTier(root));
    return Canonical.request(model, messages, sampling, tools, toolChoice, parallel, responseFormat(root), user(root), thinking);
  }

  // --- messages ----------------------------------------------------------------------------------------------

  private static ChatMessage system(JsonNode root) {
    JsonNode node = root.get("system");
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText().isEmpty() ? null : new ChatMessage(Role.SYSTEM, List.of(Canonical.text(node.asText(), null)), null, null, null);
    }
    if (!node.isArray()) {
      throw invalid("system: Input should be a valid string or a list of text blocks");
    }
    ChatMessage system = systemBlocks(node, "system");
    return system.content().isEmpty() ? null : system;
  }

  /** System text blocks as one system message, a part per block (each keeps its cache breakpoint). */
  private static ChatMessage systemBlocks(JsonNode node, String path) {
    List<ContentPart> parts = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode block = node.get(i);
      String at = path + "." + i;
      if (!block.isObject()) {
        throw invalid(at + ": Input should be a valid dictionary");
      }
      String type = string(block, "type", at + ".type");
      if (type != null && !type.equals("text")) {
        throw invalid(at + ".type: Input should be 'text'");
      }
      parts.add(Canonical.text(requiredString(block, "text", at + ".text"), cacheControl(block, at)));
    }
    return new ChatMessage(Role.SYSTEM, parts, null, null, null);
  }

  private void messages(JsonNode root, List<ChatMessage> out) {
    JsonNode node = root.get("messages");
    if (node == null || node.isNull()) {
      throw invalid("messages: Field required");
    }
    if (!node.isArray()) {
      throw invalid("messages: Input should be a valid list");
    }
    if (node.isEmpty()) {
      throw invalid("messages: at least one message is required");
    }
    for (int i = 0; i < node.size(); i++) {
      message(node.get(i), "messages." + i, out, i == node.size() - 1);
    }
  }

  private static void message(JsonNode m, String path, List<ChatMessage> out, boolean last) {
    if (!m.isObject()) {
      throw invalid(path + ": Input should be a valid dictionary");
    }
    String roleName = string(m, "role", path + ".role");
    if (roleName == null) {
      throw invalid(path + ".role: Field required");
    }
    Role role = switch (roleName) {
      case "user" -> Role.USER;
      case "assistant" -> Role.ASSISTANT;
      // Newer models take system prompts between the turns too (Claude Code sends them with model aliases).
      case "system" -> Role.SYSTEM;
      default -> throw invalid(path + ".role: Input should be 'user', 'assistant' or 'system'");
    };
    JsonNode content = m.get("content");
    if (content == null || content.isNull()) {
      throw invalid(path + ".content: Field required");
    }
    if (content.isTextual()) {
      out.add(new ChatMessage(role, List.of(Canonical.text(content.asText(), null)), null, null, null));
      return;
    }
    if (!content.isArray()) {
      throw invalid(path + ".content: Input should be a valid string or a list of content blocks");
    }
    if (content.isEmpty() && !(last && role == Role.ASSISTANT)) {
      throw invalid(path + ".content: all messages must have non-empty content except for the optional final assistant message");
    }
    if (role == Role.ASSISTANT) {
      out.add(assistant(content, path + ".content"));
    } else if (role == Role.SYSTEM) {
      out.add(systemBlocks(content, path + ".content"));
    } else {
      user(content, path + ".content", out);
    }
  }

  /** A user turn: tool results become tool messages in place, the blocks between them user messages. */
  private static void user(JsonNode blocks, String path, List<ChatMessage> out) {
    List<ContentPart> parts = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      JsonNode block = blocks.get(i);
      String at = path + "." + i;
      String type = blockType(block, at);
      switch (type) {
        case "text" -> parts.add(Canonical.text(requiredString(block, "text", at + ".text"), cacheControl(block, at)));
        case "image" -> parts.add(image(block, at));
        case "tool_result" -> {
          if (!parts.isEmpty()) {
            out.add(new ChatMessage(Role.USER, parts, null, null, null));
            parts = new ArrayList<>();
          }
          out.add(toolResult(block, at));
        }
        case "tool_use", "thinking", "redacted_thinking" ->
            throw invalid(at + ".type: '" + type + "' blocks are only allowed in assistant messages");
        default -> parts.add(Canonical.opaque(block, at));
      }
    }
    if (!parts.isEmpty()) {
      out.add(new ChatMessage(Role.USER, parts, null, null, null));
    }
  }

  private static ChatMessage assistant(JsonNode blocks, String path) {
    List<ContentPart> parts = new ArrayList<>();
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      JsonNode block = blocks.get(i);
      String at = path + "." + i;
      String type = blockType(block, at);
      switch (type) {
        case "text" -> parts.add(Canonical.text(requiredString(block, "text", at + ".text"), cacheControl(block, at)));
        case "thinking" -> parts.add(Canonical.thinking(requiredString(block, "thinking", at + ".thinking"),
            requiredString(block, "signature", at + ".signature")));
        case "redacted_thinking" -> parts.add(Canonical.redactedThinking(requiredString(block, "data", at + ".data")));
        case "tool_use" -> {
          String id = requiredString(block, "id", at + ".id");
          String name = requiredString(block, "name", at + ".name");
          JsonNode input = block.get("input");
          if (input == null || input.isNull()) {
            throw invalid(at + ".input: Field required");
          }
          if (!input.isObject()) {
            throw invalid(at + ".input: Input should be a valid dictionary");
          }
          calls.add(Canonical.toolCall(id, name, Json.toString(input), cacheControl(block, at)));
        }
        case "image", "tool_result" -> throw invalid(at + ".type: '" + type + "' blocks are only allowed in user messages");
        default -> parts.add(Canonical.opaque(block, at));
      }
    }
    return new ChatMessage(Role.ASSISTANT, parts, null, calls, null);
  }

  private static ChatMessage toolResult(JsonNode block, String at) {
    String id = requiredString(block, "tool_use_id", at + ".tool_use_id");
    JsonNode content = block.get("content");
    List<ContentPart> parts = new ArrayList<>();
    if (content == null || content.isNull()) {
      // An empty result is legal (a tool that returned nothing).
    } else if (content.isTextual()) {
      parts.add(Canonical.text(content.asText(), null));
    } else if (content.isArray()) {
      for (int i = 0; i < content.size(); i++) {
        JsonNode inner = content.get(i);
        String innerAt = at + ".content." + i;
        String type = blockType(inner, innerAt);
        switch (type) {
          case "text" -> parts.add(Canonical.text(requiredString(inner, "text", innerAt + ".text"), cacheControl(inner, innerAt)));
          case "image" -> parts.add(image(inner, innerAt));
          default -> parts.add(Canonical.opaque(inner, innerAt));
        }
      }
    } else {
      throw invalid(at + ".content: Input should be a valid string or a list of content blocks");
    }
    Boolean isError = bool(block, "is_error", at + ".is_error");
    return Canonical.toolResult(id, parts, Boolean.TRUE.equals(isError), cacheControl(block, at));
  }

  /** An image block as a canonical image: a base64 source as a {@code data:} URL, a url source as its URL. */
  private static ContentPart image(JsonNode block, String at) {
    JsonNode source = block.get("source");
    if (source == null || source.isNull()) {
      throw invalid(at + ".source: Field required");
    }
    if (!source.isObject()) {
      throw invalid(at + ".source: Input should be a valid dictionary");
    }
    String type = requiredString(source, "type", at + ".source.type");
    switch (type) {
      case "base64": {
        String media = requiredString(source, "media_type", at + ".source.media_type");
        if (!List.of("image/jpeg", "image/png", "image/gif", "image/webp").contains(media)) {
          throw invalid(at + ".source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
        }
        String data = requiredString(source, "data", at + ".source.data");
        return Canonical.image("data:" + media + ";base64," + data, cacheControl(block, at));
      }
      case "url": {
        String url = requiredString(source, "url", at + ".source.url");
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
          throw invalid(at + ".source.url: expected an http(s) URL");
        }
        return Canonical.image(url, cacheControl(block, at));
      }
      default:
        // A file id or another source kind the canonical image does not carry: kept verbatim.
        return Canonical.opaque(block, at);
    }
  }

  private static String blockType(JsonNode block, String at) {
    if (!block.isObject()) {
      throw invalid(at + ": Input should be a valid dictionary");
    }
    String type = string(block, "type", at + ".type");
    if (type == null) {
      throw invalid(at + ".type: Field required");
    }
    return type;
  }

  private static JsonNode cacheControl(JsonNode block, String at) {
    JsonNode node = block.get("cache_control");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw invalid(at + ".cache_control: Input should be a valid dictionary");
    }
    requiredString(node, "type", at + ".cache_control.type");
    string(node, "ttl", at + ".cache_control.ttl");
    return node;
  }

  // --- tools -------------------------------------------------------------------------------------------------

  private List<ToolDefinition> tools(JsonNode root) {
    JsonNode node = root.get("tools");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid("tools: Input should be a valid list");
    }
    if (node.size() > maxTools) {
      throw invalid("tools: List should have at most " + maxTools + " items after validation, not " + node.size());
    }
    List<ToolDefinition> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode t = node.get(i);
      String at = "tools." + i;
      if (!t.isObject()) {
        throw invalid(at + ": Input should be a valid dictionary");
      }
      String type = string(t, "type", at + ".type");
      String name = requiredString(t, "name", at + ".name");
      if (type != null && !type.equals("custom")) {
        // One of Anthropic's server or client-defined tools (web search, bash, text editor, ...): kept verbatim.
        out.add(Canonical.serverTool(name, t));
        continue;
      }
      if (!TOOL_NAME.matcher(name).matches()) {
        throw invalid(at + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
      }
      JsonNode schema = t.get("input_schema");
      if (schema == null || schema.isNull()) {
        throw invalid(at + ".input_schema: Field required");
      }
      if (!schema.isObject()) {
        throw invalid(at + ".input_schema: Input should be a valid dictionary");
      }
      out.add(Canonical.tool(name, string(t, "description", at + ".description"), schema,
          Boolean.TRUE.equals(bool(t, "strict", at + ".strict")), cacheControl(t, at)));
    }
    return out;
  }

  private static ToolChoice toolChoice(JsonNode node, List<ToolDefinition> tools) {
    String type = requiredString(node, "type", "tool_choice.type");
    switch (type) {
      case "auto":
        return ToolChoice.AUTO;
      case "none":
        return ToolChoice.NONE;
      case "any":
        if (tools.isEmpty()) {
          throw invalid("tool_choice: 'any' needs at least one tool in 'tools'");
        }
        return ToolChoice.REQUIRED;
      case "tool": {
        String name = requiredString(node, "name", "tool_choice.name");
        if (tools.stream().noneMatch(t -> name.equals(t.name()))) {
          throw invalid("tool_choice.name: '" + clip(name) + "' is not one of the provided tools");
        }
        return ToolChoice.function(name);
      }
      default:
        throw invalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
    }
  }

  // --- other parameters --------------------------------------------------------------------------------------

  /** Extended thinking as asked, checked as the API checks it. */
  record Thinking(String type, Integer budgetTokens) {
  }

  private static Thinking thinking(JsonNode root, Integer maxTokens) {
    JsonNode node = optionalObject(root, "thinking");
    if (node == null) {
      return null;
    }
    String type = requiredString(node, "type", "thinking.type");
    switch (type) {
      case "enabled": {
        Integer budget = integer(node, "budget_tokens", 1024, Integer.MAX_VALUE, "thinking.budget_tokens");
        if (budget == null) {
          throw invalid("thinking.enabled.budget_tokens: Field required");
        }
        if (maxTokens != null && budget >= maxTokens) {
          throw invalid("max_tokens: must be greater than thinking.budget_tokens (" + budget + ")");
        }
        return new Thinking(type, budget);
      }
      default:
        // disabled, adaptive, and kinds newer than this gateway: passed on as they are.
        return new Thinking(type, integer(node, "budget_tokens", 1, Integer.MAX_VALUE, "thinking.budget_tokens"));
    }
  }

  private static List<String> stopSequences(JsonNode root) {
    JsonNode node = root.get("stop_sequences");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid("stop_sequences: Input should be a valid list");
    }
    List<String> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode s = node.get(i);
      if (!s.isTextual()) {
        throw invalid("stop_sequences." + i + ": Input should be a valid string");
      }
      if (!s.asText().isEmpty()) {
        out.add(s.asText());
      }
    }
    return out;
  }

  /** Anthropic's tiers in the canonical (OpenAI) words the providers read: {@code auto}, {@code standard_only} as {@code default}. */
  private static String serviceTier(JsonNode root) {
    String tier = string(root, "service_tier", "service_tier");
    if (tier == null) {
      return null;
    }
    return switch (tier) {
      case "auto" -> "auto";
      case "standard_only" -> "default";
      default -> throw invalid("service_tier: Input should be 'auto' or 'standard_only'");
    };
  }

  private static String user(JsonNode root) {
    JsonNode metadata = optionalObject(root, "metadata");
    return metadata == null ? null : string(metadata, "user_id", "metadata.user_id");
  }

  /**
   * Structured outputs: {@code output_config.format} (or the older beta {@code output_format}) with a
   * {@code json_schema} is a strict JSON schema response format.
   */
  private static ResponseFormat responseFormat(JsonNode root) {
    JsonNode config = optionalObject(root, "output_config");
    JsonNode format = config == null ? null : optionalObject(config, "format", "output_config.format");
    String path = "output_config.format";
    if (format == null) {
      format = optionalObject(root, "output_format");
      path = "output_format";
    }
    if (format == null) {
      return ResponseFormat.TEXT;
    }
    String type = requiredString(format, "type", path + ".type");
    if (!type.equals("json_schema")) {
      throw invalid(path + ".type: Input should be 'json_schema'");
    }
    JsonNode schema = format.get("schema");
    if (schema == null || !schema.isObject()) {
      throw invalid(path + ".schema: Field required");
    }
    return new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "output", schema, true);
  }

  // --- typed reads ---------------------------------------------------------------------------------------------

  static AxonException invalid(String message) {
    return new AxonException(ErrorKind.INVALID_REQUEST, message, null, null);
  }

  /** A value as quoted in an error message: at most {@value #ECHO_LIMIT} characters, so a huge string never comes back. */
  static String clip(String value) {
    if (value == null || value.length() <= ECHO_LIMIT) {
      return value;
    }
    return value.substring(0, ECHO_LIMIT) + "…";
  }

  private static String requiredString(JsonNode node, String field, String path) {
    String value = string(node, field, path);
    if (value == null) {
      throw invalid(path + ": Field required");
    }
    return value;
  }

  private static String string(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(path + ": Input should be a valid string");
    }
    return v.asText();
  }

  private static Boolean bool(JsonNode node, String field) {
    return bool(node, field, field);
  }

  private static Boolean bool(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw invalid(path + ": Input should be a valid boolean");
    }
    return v.asBoolean();
  }

  private static Double number(JsonNode node, String field, double min, double max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw invalid(field + ": Input should be a valid number");
    }
    double d = v.asDouble();
    if (!(d >= min)) {
      throw invalid(field + ": Input should be greater than or equal to " + fmt(min));
    }
    if (!(d <= max)) {
      throw invalid(field + ": Input should be less than or equal to " + fmt(max));
    }
    return d;
  }

  private static Integer integer(JsonNode node, String field, int min, int max) {
    return integer(node, field, min, max, field);
  }

  private static Integer integer(JsonNode node, String field, int min, int max, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw invalid(path + ": Input should be a valid integer");
    }
    if (!v.canConvertToLong() || v.asLong() < min) {
      throw invalid(path + ": Input should be greater than or equal to " + min);
    }
    if (v.asLong() > max) {
      throw invalid(path + ": Input should be less than or equal to " + max);
    }
    return (int) v.asLong();
  }

  private static JsonNode optionalObject(JsonNode node, String field) {
    return optionalObject(node, field, field);
  }

  private static JsonNode optionalObject(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw invalid(path + ": Input should be a valid dictionary");
    }
    return v;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
