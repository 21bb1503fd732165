package dev.axon.api.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads OpenAI's {@code CreateChatCompletionRequest} into the canonical model. Every field of the request is
 * accepted; a null counts as absent; unknown fields are ignored. Anything malformed fails with
 * {@code INVALID_REQUEST} naming the parameter, in OpenAI's words where OpenAI has them.
 *
 * <p>Stateless and thread-safe.
 */
public final class OpenAiRequestParser {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Pattern CONVERSATION_ID = Pattern.compile("conv-[A-Za-z0-9_-]{1,128}");
  private static final int MAX_STOP_SEQUENCES = 4;
  /** The longest model name accepted; longer is a 400, never echoed back whole. */
  static final int MAX_MODEL_LENGTH = 256;
  /** OpenAI's bounds on {@code metadata}: pairs, key length, value length. */
  static final int MAX_METADATA_PAIRS = 16;
  static final int MAX_METADATA_KEY = 64;
  static final int MAX_METADATA_VALUE = 512;
  /** Values quoted back in error messages are cut to this many characters. */
  private static final int ECHO_LIMIT = 64;
  /** OpenAI's own bound on {@code tools}. */
  public static final int DEFAULT_MAX_TOOLS = 128;

  private final ModelCatalog catalog;
  private final int maxChoices;
  private final int maxTools;

  public OpenAiRequestParser(ModelCatalog catalog, int maxChoices) {
    this(catalog, maxChoices, DEFAULT_MAX_TOOLS);
  }

  public OpenAiRequestParser(ModelCatalog catalog, int maxChoices, int maxTools) {
    this.catalog = catalog;
    this.maxChoices = maxChoices;
    this.maxTools = maxTools;
  }

  public OpenAiChatCall parse(Buffer body) {
    byte[] bytes = body.getBytes();
    if (!isUtf8(bytes)) {
      throw AxonException.invalid(null, "The request body is not valid UTF-8.");
    }
    JsonNode root;
    try {
      root = JsonInput.readTree(bytes);
    } catch (JsonProcessingException e) {
      String duplicate = JsonInput.duplicateField(e);
      throw new AxonException(ErrorKind.INVALID_REQUEST, "We could not parse the JSON body of your request. "
          + "(HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
          + "but what was sent was not valid JSON.)" + (duplicate != null ? " " + duplicate : ""), null, null);
    } catch (IOException e) {
      throw AxonException.invalid(null, "We could not read the body of your request.");
    }
    if (root == null || !root.isObject()) {
      throw AxonException.invalid(null, "The request body must be a JSON object.");
    }
    if (JsonInput.hasSurrogateEscape(bytes) && JsonInput.anyLoneSurrogate(root)) {
      // The pass that names where: run only for the request that fails.
      checkStrings(root, "");
    }
    return parse(root);
  }

  OpenAiChatCall parse(JsonNode root) {
    String clientModel = requiredString(root, "model");
    if (clientModel.length() > MAX_MODEL_LENGTH) {
      throw AxonException.invalid("model", "Invalid 'model': string too long. Expected a string with maximum length "
          + MAX_MODEL_LENGTH + ", but got a string with length " + clientModel.length() + " instead.");
    }
    String model = catalog.resolve(clientModel);
    if (model == null) {
      throw modelNotFound(clientModel);
    }
    List<ChatMessage> messages = messages(root);
    List<ToolDefinition> tools = tools(root);
    ToolChoice toolChoice = toolChoice(root, tools);
    Sampling sampling = new Sampling(
        number(root, "temperature", 0, 2),
        number(root, "top_p", 0, 1),
        maxTokens(root),
        stop(root),
        longValue(root, "seed"),
        number(root, "presence_penalty", -2, 2),
        number(root, "frequency_penalty", -2, 2),
        logitBias(root),
        bool(root, "logprobs"),
        integer(root, "top_logprobs", 0, 20),
        reasoningEffort(root),
        string(root, "service_tier"));
    Integer n = integer(root, "n", 1, maxChoices);
    boolean stream = Boolean.TRUE.equals(bool(root, "stream"));
    boolean includeUsage = false;
    JsonNode streamOptions = optionalObject(root, "stream_options");
    if (streamOptions != null) {
      includeUsage = Boolean.TRUE.equals(bool(streamOptions, "include_usage", "stream_options.include_usage"));
    }
    Boolean store = bool(root, "store");
    String conversationId = string(root, "conversation_id");
    if (conversationId != null && !CONVERSATION_ID.matcher(conversationId).matches()) {
      throw AxonException.invalid("conversation_id", "Invalid 'conversation_id': expected 'conv-' followed by letters, digits, '_' or '-'.");
    }
    ChatRequest request = new ChatRequest(model, messages, sampling, tools, toolChoice, bool(root, "parallel_tool_calls"),
        responseFormat(root), string(root, "user"), metadata(root));
    return new OpenAiChatCall(request, clientModel, stream, includeUsage, n == null ? 1 : n, conversationId, store == null || store);
  }

  // --- messages ----------------------------------------------------------------------------------------------

  private List<ChatMessage> messages(JsonNode root) {
    JsonNode node = root.get("messages");
    if (node == null || node.isNull()) {
      throw AxonException.invalid("messages", "Missing required parameter: 'messages'.");
    }
    if (!node.isArray()) {
      throw typeError("messages", "an array", node);
    }
    if (node.isEmpty()) {
      throw AxonException.invalid("messages",
          "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");
    }
    List<ChatMessage> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(message(node.get(i), "messages[" + i + "]"));
    }
    return out;
  }

  private ChatMessage message(JsonNode m, String path) {
    if (!m.isObject()) {
      throw typeError(path, "an object", m);
    }
    JsonNode roleNode = m.get("role");
    if (roleNode == null || roleNode.isNull()) {
      throw AxonException.invalid(path + ".role", "Missing required parameter: '" + path + ".role'.");
    }
    if (!roleNode.isTextual()) {
      throw typeError(path + ".role", "a string", roleNode);
    }
    String roleName = roleNode.asText();
    Role role = "function".equals(roleName) ? Role.TOOL : Role.fromWire(roleName);
    if (role == null) {
      throw AxonException.invalid(path + ".role", "Invalid value: '" + clip(roleName)
          + "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.");
    }
    String name = string(m, "name", path + ".name");
    List<ToolCall> toolCalls = role == Role.ASSISTANT ? toolCalls(m, path) : List.of();
    JsonNode content = m.get("content");
    List<ContentPart> parts;
    if (content == null || content.isNull()) {
      boolean mayBeEmpty = role == Role.ASSISTANT && (!toolCalls.isEmpty() || m.hasNonNull("refusal") || m.hasNonNull("audio"));
      if (!mayBeEmpty) {
        throw AxonException.invalid(path + ".content", "Missing required parameter: '" + path + ".content'.");
      }
      parts = m.hasNonNull("refusal") ? List.of(new ContentPart.Text(textOf(m.get("refusal"), path + ".refusal"))) : List.of();
    } else if (content.isTextual()) {
      parts = List.of(new ContentPart.Text(content.asText()));
    } else if (content.isArray()) {
      parts = parts(content, path + ".content", role);
    } else {
      throw typeError(path + ".content", "a string or an array", content);
    }
    String toolCallId = null;
    if ("function".equals(roleName)) {
      toolCallId = name;
      if (name == null) {
        throw AxonException.invalid(path + ".name", "Missing required parameter: '" + path + ".name'.");
      }
    } else if (role == Role.TOOL) {
      toolCallId = string(m, "tool_call_id", path + ".tool_call_id");
      if (toolCallId == null) {
        throw AxonException.invalid(path + ".tool_call_id", "Missing required parameter: '" + path + ".tool_call_id'.");
      }
    }
    return new ChatMessage(role, parts, name, toolCalls, toolCallId);
  }

  private List<ContentPart> parts(JsonNode array, String path, Role role) {
    List<ContentPart> parts = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode p = array.get(i);
      String at = path + "[" + i + "]";
      if (p.isTextual()) {
        parts.add(new ContentPart.Text(p.asText()));
        continue;
      }
      if (!p.isObject()) {
        throw typeError(at, "an object", p);
      }
      String type = string(p, "type", at + ".type");
      if (type == null) {
        throw AxonException.invalid(at + ".type", "Missing required parameter: '" + at + ".type'.");
      }
      switch (type) {
        case "text":
          parts.add(new ContentPart.Text(textOf(p.get("text"), at + ".text")));
          break;
        case "refusal":
          parts.add(new ContentPart.Text(textOf(p.get("refusal"), at + ".refusal")));
          break;
        case "image_url": {
          if (role != Role.USER) {
            throw AxonException.invalid(at + ".type", "Image content is only allowed in user messages.");
          }
          JsonNode image = p.get("image_url");
          String url = image != null && image.isObject() ? string(image, "url", at + ".image_url.url")
              : image != null && image.isTextual() ? image.asText() : null;
          if (url == null || url.isEmpty()) {
            throw AxonException.invalid(at + ".image_url.url", "Missing required parameter: '" + at + ".image_url.url'.");
          }
          String detail = image.isObject() ? string(image, "detail", at + ".image_url.detail") : null;
          parts.add(new ContentPart.Image(url, detail));
          break;
        }
        case "input_audio": {
          JsonNode audio = p.get("input_audio");
          if (audio == null || !audio.isObject()) {
            throw AxonException.invalid(at + ".input_audio", "Missing required parameter: '" + at + ".input_audio'.");
          }
          parts.add(new ContentPart.Audio(string(audio, "data", at + ".input_audio.data"), string(audio, "format", at + ".input_audio.format")));
          break;
        }
        case "file": {
          JsonNode file = p.get("file");
          if (file == null || !file.isObject()) {
            throw AxonException.invalid(at + ".file", "Missing required parameter: '" + at + ".file'.");
          }
          parts.add(new ContentPart.File(string(file, "file_id", at + ".file.file_id"), string(file, "filename", at + ".file.filename"),
              string(file, "file_data", at + ".file.file_data")));
          break;
        }
        default:
          throw AxonException.invalid(at + ".type", "Invalid value: '" + clip(type)
              + "'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and 'file'.");
      }
    }
    return parts;
  }

  private List<ToolCall> toolCalls(JsonNode m, String path) {
    List<ToolCall> calls = new ArrayList<>();
    JsonNode node = m.get("tool_calls");
    if (node != null && !node.isNull()) {
      if (!node.isArray()) {
        throw typeError(path + ".tool_calls", "an array", node);
      }
      for (int i = 0; i < node.size(); i++) {
        JsonNode call = node.get(i);
        String at = path + ".tool_calls[" + i + "]";
        if (!call.isObject()) {
          throw typeError(at, "an object", call);
        }
        JsonNode fn = call.get("function");
        if (fn == null || !fn.isObject()) {
          fn = call.get("custom");
        }
        if (fn == null || !fn.isObject()) {
          throw AxonException.invalid(at + ".function", "Missing required parameter: '" + at + ".function'.");
        }
        String id = string(call, "id", at + ".id");
        if (id == null) {
          throw AxonException.invalid(at + ".id", "Missing required parameter: '" + at + ".id'.");
        }
        String name = string(fn, "name", at + ".function.name");
        if (name == null) {
          throw AxonException.invalid(at + ".function.name", "Missing required parameter: '" + at + ".function.name'.");
        }
        String arguments = fn.has("arguments") ? string(fn, "arguments", at + ".function.arguments") : string(fn, "input", at + ".custom.input");
        calls.add(new ToolCall(id, name, arguments == null ? "{}" : arguments));
      }
    }
    JsonNode legacy = m.get("function_call");
    if (legacy != null && legacy.isObject() && calls.isEmpty()) {
      String name = string(legacy, "name", path + ".function_call.name");
      if (name != null) {
        String args = string(legacy, "arguments", path + ".function_call.arguments");
        calls.add(new ToolCall(name, name, args == null ? "{}" : args));
      }
    }
    return calls;
  }

  private static String textOf(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      throw AxonException.invalid(path, "Missing required parameter: '" + path + "'.");
    }
    if (!node.isTextual()) {
      throw typeError(path, "a string", node);
    }
    return node.asText();
  }

  // --- tools -------------------------------------------------------------------------------------------------

  private List<ToolDefinition> tools(JsonNode root) {
    List<ToolDefinition> out = new ArrayList<>();
    JsonNode node = root.get("tools");
    if (node != null && !node.isNull()) {
      if (!node.isArray()) {
        throw typeError("tools", "an array", node);
      }
      tooMany("tools", node);
      for (int i = 0; i < node.size(); i++) {
        out.add(tool(node.get(i), "tools[" + i + "]"));
      }
    }
    JsonNode functions = root.get("functions");
    if (out.isEmpty() && functions != null && functions.isArray()) {
      tooMany("functions", functions);
      for (int i = 0; i < functions.size(); i++) {
        out.add(function(functions.get(i), "functions[" + i + "]"));
      }
    }
    return out;
  }

  private ToolDefinition tool(JsonNode t, String path) {
    if (!t.isObject()) {
      throw typeError(path, "an object", t);
    }
    String type = string(t, "type", path + ".type");
    if (type == null) {
      type = "function";
    }
    switch (type) {
      case "function": {
        JsonNode fn = t.get("function");
        if (fn == null || !fn.isObject()) {
          throw AxonException.invalid(path + ".function", "Missing required parameter: '" + path + ".function'.");
        }
        return function(fn, path + ".function");
      }
      case "custom": {
        JsonNode custom = t.get("custom");
        if (custom == null || !custom.isObject()) {
          throw AxonException.invalid(path + ".custom", "Missing required parameter: '" + path + ".custom'.");
        }
        String name = toolName(custom, path + ".custom.name");
        return new ToolDefinition(name, string(custom, "description", path + ".custom.description"), null, false);
      }
      default:
        throw AxonException.invalid(path + ".type", "Invalid value: '" + clip(type) + "'. Supported values are: 'function' and 'custom'.");
    }
  }

  private ToolDefinition function(JsonNode fn, String path) {
    if (!fn.isObject()) {
      throw typeError(path, "an object", fn);
    }
    String name = toolName(fn, path + ".name");
    JsonNode parameters = fn.get("parameters");
    if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
      throw typeError(path + ".parameters", "an object", parameters);
    }
    Boolean strict = bool(fn, "strict", path + ".strict");
    return new ToolDefinition(name, string(fn, "description", path + ".description"),
        parameters == null || parameters.isNull() ? null : parameters, Boolean.TRUE.equals(strict));
  }

  private static String toolName(JsonNode fn, String path) {
    String name = string(fn, "name", path);
    if (name == null) {
      throw AxonException.invalid(path, "Missing required parameter: '" + path + "'.");
    }
    if (!NAME.matcher(name).matches()) {
      throw AxonException.invalid(path, "Invalid '" + path + "': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.");
    }
    return name;
  }

  private ToolChoice toolChoice(JsonNode root, List<ToolDefinition> tools) {
    JsonNode node = root.get("tool_choice");
    String param = "tool_choice";
    if (node == null || node.isNull()) {
      node = root.get("function_call");
      param = "function_call";
      if (node == null || node.isNull()) {
        return null;
      }
    }
    ToolChoice choice;
    if (node.isTextual()) {
      switch (node.asText()) {
        case "none": choice = ToolChoice.NONE; break;
        case "auto": choice = ToolChoice.AUTO; break;
        case "required": choice = ToolChoice.REQUIRED; break;
        default:
          throw AxonException.invalid(param, "Invalid value: '" + clip(node.asText()) + "'. Supported values are: 'none', 'auto', and 'required'.");
      }
    } else if (node.isObject()) {
      String type = string(node, "type", param + ".type");
      JsonNode fn = node.get("function");
      if (fn == null) {
        fn = node.get("custom");
      }
      if ("allowed_tools".equals(type)) {
        JsonNode allowed = node.get("allowed_tools");
        String mode = allowed != null ? string(allowed, "mode", param + ".allowed_tools.mode") : null;
        choice = "required".equals(mode) ? ToolChoice.REQUIRED : ToolChoice.AUTO;
      } else {
        String name = fn != null && fn.isObject() ? string(fn, "name", param + ".function.name") : string(node, "name", param + ".name");
        if (name == null) {
          throw AxonException.invalid(param + ".function.name", "Missing required parameter: '" + param + ".function.name'.");
        }
        choice = ToolChoice.function(name);
      }
    } else {
      throw typeError(param, "a string or an object", node);
    }
    if (choice.mode() == ToolChoice.Mode.FUNCTION && tools.stream().noneMatch(t -> t.name().equals(choice.functionName()))) {
      throw AxonException.invalid(param, "Invalid value for '" + param + "': function '" + clip(choice.functionName()) + "' is not one of the provided tools.");
    }
    if (choice.mode() == ToolChoice.Mode.REQUIRED && tools.isEmpty()) {
      throw AxonException.invalid(param, "Invalid value for '" + param + "': 'required' needs at least one tool in 'tools'.");
    }
    return choice;
  }

  // --- other parameters --------------------------------------------------------------------------------------

  private ResponseFormat responseFormat(JsonNode root) {
    JsonNode node = optionalObject(root, "response_format");
    if (node == null) {
      return ResponseFormat.TEXT;
    }
    String type = string(node, "type", "response_format.type");
    if (type == null) {
      throw AxonException.invalid("response_format.type", "Missing required parameter: 'response_format.type'.");
    }
    switch (type) {
      case "text":
        return ResponseFormat.TEXT;
      case "json_object":
        return ResponseFormat.JSON_OBJECT;
      case "json_schema": {
        JsonNode js = optionalObject(node, "json_schema", "response_format.json_schema");
        if (js == null) {
          throw AxonException.invalid("response_format.json_schema", "Missing required parameter: 'response_format.json_schema'.");
        }
        String name = string(js, "name", "response_format.json_schema.name");
        if (name == null) {
          throw AxonException.invalid("response_format.json_schema.name", "Missing required parameter: 'response_format.json_schema.name'.");
        }
        if (!NAME.matcher(name).matches()) {
          throw AxonException.invalid("response_format.json_schema.name",
              "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.");
        }
        JsonNode schema = js.get("schema");
        if (schema != null && !schema.isNull() && !schema.isObject()) {
          throw typeError("response_format.json_schema.schema", "an object", schema);
        }
        return new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, name, schema == null || schema.isNull() ? null : schema,
            Boolean.TRUE.equals(bool(js, "strict", "response_format.json_schema.strict")));
      }
      default:
        throw AxonException.invalid("response_format.type", "Invalid value: '" + clip(type)
            + "'. Supported values are: 'text', 'json_object', and 'json_schema'.");
    }
  }

  private Integer maxTokens(JsonNode root) {
    Integer completion = integer(root, "max_completion_tokens", 1, Integer.MAX_VALUE);
    Integer legacy = integer(root, "max_tokens", 1, Integer.MAX_VALUE);
    return completion != null ? completion : legacy;
  }

  private List<String> stop(JsonNode root) {
    JsonNode node = root.get("stop");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isTextual()) {
      return node.asText().isEmpty() ? List.of() : List.of(node.asText());
    }
    if (!node.isArray()) {
      throw typeError("stop", "a string or an array of strings", node);
    }
    if (node.size() > MAX_STOP_SEQUENCES) {
      throw AxonException.invalid("stop", "Invalid 'stop': array too long. Expected an array with maximum length "
          + MAX_STOP_SEQUENCES + ", but got an array with length " + node.size() + " instead.");
    }
    List<String> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode s = node.get(i);
      if (!s.isTextual()) {
        throw typeError("stop[" + i + "]", "a string", s);
      }
      if (!s.asText().isEmpty()) {
        out.add(s.asText());
      }
    }
    return out;
  }

  private Map<String, Integer> logitBias(JsonNode root) {
    JsonNode node = optionalObject(root, "logit_bias");
    if (node == null) {
      return null;
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.isNumber() || v.asDouble() < -100 || v.asDouble() > 100) {
        throw AxonException.invalid("logit_bias", "Invalid 'logit_bias': values must be numbers between -100 and 100.");
      }
      out.put(e.getKey(), v.asInt());
    }
    return out;
  }

  private Map<String, String> metadata(JsonNode root) {
    JsonNode node = optionalObject(root, "metadata");
    if (node == null) {
      return null;
    }
    if (node.size() > MAX_METADATA_PAIRS) {
      throw AxonException.invalid("metadata", "Invalid 'metadata': too many keys. Expected at most " + MAX_METADATA_PAIRS
          + " key-value pairs, but got " + node.size() + " instead.");
    }
    Map<String, String> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().length() > MAX_METADATA_KEY) {
        throw AxonException.invalid("metadata", "Invalid 'metadata': keys must be at most " + MAX_METADATA_KEY + " characters.");
      }
      if (!e.getValue().isTextual()) {
        throw typeError("metadata." + clip(e.getKey()), "a string", e.getValue());
      }
      if (e.getValue().asText().length() > MAX_METADATA_VALUE) {
        throw AxonException.invalid("metadata." + clip(e.getKey()), "Invalid 'metadata': values must be at most "
            + MAX_METADATA_VALUE + " characters.");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private String reasoningEffort(JsonNode root) {
    String effort = string(root, "reasoning_effort");
    if (effort != null && !List.of("none", "minimal", "low", "medium", "high", "xhigh").contains(effort)) {
      throw AxonException.invalid("reasoning_effort", "Invalid value: '" + clip(effort)
          + "'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', and 'xhigh'.");
    }
    return effort;
  }

  // --- bounds ------------------------------------------------------------------------------------------------

  /** Strict UTF-8 (see {@link JsonInput#isUtf8}). */
  static boolean isUtf8(byte[] bytes) {
    return JsonInput.isUtf8(bytes);
  }

  /** 404 {@code model_not_found}, the same words for a model that does not exist and one a key may not use. */
  public static AxonException modelNotFound(String clientModel) {
    return new AxonException(ErrorKind.MODEL_NOT_FOUND,
        "The model `" + clip(clientModel) + "` does not exist or you do not have access to it.", "model", null);
  }

  private void tooMany(String param, JsonNode array) {
    if (array.size() > maxTools) {
      throw AxonException.invalid(param, "Invalid '" + param + "': array too long. Expected an array with maximum length "
          + maxTools + ", but got an array with length " + array.size() + " instead.");
    }
  }

  /** A value as quoted in an error message: at most {@value #ECHO_LIMIT} characters, so a huge string never comes back. */
  static String clip(String value) {
    if (value == null || value.length() <= ECHO_LIMIT) {
      return value;
    }
    return value.substring(0, ECHO_LIMIT) + "…";
  }

  /**
   * Every string of the request, names included, must be valid Unicode: a lone surrogate (legal as a JSON escape)
   * could not be stored or relayed faithfully, so it is a 400 naming where it is.
   */
  private static void checkStrings(JsonNode node, String path) {
    if (node.isTextual()) {
      if (hasLoneSurrogate(node.textValue())) {
        throw AxonException.invalid(path.isEmpty() ? null : path, "Invalid string" + (path.isEmpty() ? "" : " in '" + path + "'")
            + ": it contains an unpaired UTF-16 surrogate escape, which is not valid Unicode.");
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkStrings(node.get(i), path + "[" + i + "]");
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = path.isEmpty() ? clip(e.getKey()) : path + "." + clip(e.getKey());
        if (hasLoneSurrogate(e.getKey())) {
          throw AxonException.invalid(null, "Invalid field name: it contains an unpaired UTF-16 surrogate escape, which is not valid Unicode.");
        }
        checkStrings(e.getValue(), at);
      }
    }
  }

  private static boolean hasLoneSurrogate(String s) {
    return JsonInput.hasLoneSurrogate(s);
  }

  // --- typed reads ---------------------------------------------------------------------------------------------

  private static String requiredString(JsonNode node, String field) {
    String value = string(node, field);
    if (value == null) {
      throw AxonException.invalid(field, "Missing required parameter: '" + field + "'.");
    }
    return value;
  }

  private static String string(JsonNode node, String field) {
    return string(node, field, field);
  }

  private static String string(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw typeError(path, "a string", v);
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
      throw typeError(path, "a boolean", v);
    }
    return v.asBoolean();
  }

  private static Double number(JsonNode node, String field, double min, double max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw typeError(field, "a decimal", v);
    }
    double d = v.asDouble();
    if (!(d >= min && d <= max)) {
      throw AxonException.invalid(field, "Invalid '" + field + "': decimal out of range. Expected a value between "
          + fmt(min) + " and " + fmt(max) + ", but got " + v.asText() + " instead.");
    }
    return d;
  }

  private static Integer integer(JsonNode node, String field, int min, int max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw typeError(field, "an integer", v);
    }
    if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw AxonException.invalid(field, "Invalid '" + field + "': integer out of range. Expected a value between "
          + min + " and " + max + ", but got " + v.asText() + " instead.");
    }
    return (int) v.asLong();
  }

  private static Long longValue(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw typeError(field, "an integer", v);
    }
    return v.asLong();
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
      throw typeError(path, "an object", v);
    }
    return v;
  }

  private static AxonException typeError(String path, String expected, JsonNode got) {
    return AxonException.invalid(path, "Invalid type for '" + path + "': expected " + expected + ", but got " + describe(got) + " instead.");
  }

  private static String describe(JsonNode v) {
    if (v.isTextual()) return "a string";
    if (v.isBoolean()) return "a boolean";
    if (v.isIntegralNumber()) return "an integer";
    if (v.isNumber()) return "a decimal";
    if (v.isArray()) return "an array";
    if (v.isObject()) return "an object";
    return "null";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
