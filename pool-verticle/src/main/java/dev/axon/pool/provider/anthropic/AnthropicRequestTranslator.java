package dev.axon.pool.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.axon.common.error.AxonException;
import dev.axon.common.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates a canonical (OpenAI-shaped) chat request into a Messages API request body, plus what the gateway must
 * enforce itself because the API cannot. The mapping, parameter by parameter, is the README's table:
 *
 * <ul>
 *   <li>{@code system} and {@code developer} messages, wherever they stand, become {@code system} (joined by blank
 *   lines); the other messages alternate user/assistant, adjacent same-role messages merged into one turn.</li>
 *   <li>Text parts → {@code text} blocks (empty ones dropped); {@code image_url} data URLs → {@code image} blocks
 *   with a base64 source, http(s) URLs → a url source; PDF {@code file} data → {@code document} blocks;
 *   {@code input_audio} and file ids → 400.</li>
 *   <li>Assistant {@code tool_calls} → {@code tool_use} blocks (ids kept, arguments parsed); {@code tool} messages →
 *   {@code tool_result} blocks in a user turn, placed before any text of that turn.</li>
 *   <li>{@code tools} → {@code name}/{@code description}/{@code input_schema} ({@code strict} kept, its schema put in
 *   the constrained subset); {@code tool_choice} none/auto/required/named → {@code none}/{@code auto}/{@code any}/
 *   {@code tool}; {@code parallel_tool_calls: false} → {@code disable_parallel_tool_use: true}.</li>
 *   <li>{@code stop} → {@code stop_sequences}, except whitespace-only sequences, which the API rejects: those are
 *   enforced in the gateway.</li>
 *   <li>{@code max_tokens}/{@code max_completion_tokens} → {@code max_tokens} (a per-model default when absent);
 *   {@code temperature} clamped into [0, 1]; {@code top_p} passed on (only when no temperature is given: current
 *   models refuse both); {@code user} → {@code metadata.user_id}; {@code service_tier} auto/priority → auto,
 *   default → standard_only.</li>
 *   <li>{@code reasoning_effort} → {@code thinking} with the effort's budget (below {@code max_tokens}); with
 *   thinking on, temperature is not sent and {@code top_p} is raised to at least 0.95 (the API's rule). Thinking is
 *   left off when the client forces a tool, or continues a tool call (the API would want the earlier turn's
 *   thinking blocks, which an OpenAI client does not have).</li>
 *   <li>{@code response_format}: see {@link AnthropicOptions.StructuredOutputs}: native structured outputs
 *   ({@code output_config.format}, or {@code output_format} with the beta header), which work with thinking; or a
 *   forced tool whose input schema is the schema, returned as the message content (only without thinking and
 *   without client tools). {@code json_object} uses a forced tool, or with thinking an instruction plus the
 *   gateway's JSON-object filter.</li>
 *   <li>What only an Anthropic client can say goes through as it came: {@code cache_control} on text, image,
 *   document, tool use, tool result and system blocks and on tools (a system prompt with breakpoints is sent as
 *   blocks); {@code thinking} and {@code redacted_thinking} blocks of earlier assistant turns with their signatures;
 *   blocks the canonical model keeps verbatim ({@link ContentPart.Opaque}); tool results with {@code is_error} and
 *   content blocks; server tools ({@link ToolDefinition#rawJson()}); {@code top_k}; and an explicit {@code thinking}
 *   configuration, which wins over {@code reasoning_effort} and is sent as given (the upstream judges it with the
 *   sampling parameters).</li>
 *   <li>Not supported by Claude and not sent: {@code seed}, {@code logit_bias}, {@code logprobs},
 *   {@code top_logprobs}, {@code presence_penalty}, {@code frequency_penalty}, {@code metadata} (other than the
 *   user id), message {@code name}s, image {@code detail}.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class AnthropicRequestTranslator {

  /**
   * What the gateway enforces for one turn, beside the request.
   *
   * @param relayThinking whether the reply's thinking is passed on: only when the client asked for thinking itself
   *                      (an explicit {@link ThinkingConfig}); thinking the gateway turns on for
   *                      {@code reasoning_effort} stays hidden, as OpenAI's reasoning does
   */
  public record TurnPlan(
      List<String> gatewayStops,
      String jsonTool,
      boolean jsonObjectFilter,
      boolean thinking,
      int maxTokens,
      boolean relayThinking) {
  }

  /** The request body, the beta names it needs, and the turn's plan. */
  public record Translation(ObjectNode body, List<String> betas, TurnPlan plan) {
  }

  static final String JSON_OBJECT_TOOL = "json_object";
  static final String JSON_OBJECT_INSTRUCTION = "Respond with exactly one JSON object and nothing else: no prose before or "
      + "after it, no code fences.";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+)((?:;[^;,]+)*),(.*)", Pattern.DOTALL);
  private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
  private static final double THINKING_MIN_TOP_P = 0.95;

  private final AnthropicOptions options;

  public AnthropicRequestTranslator(AnthropicOptions options) {
    this.options = options;
  }

  /** Translates; fails with {@code INVALID_REQUEST} (naming the parameter) for what Claude cannot take. */
  public Translation translate(ChatRequest request) {
    Sampling s = request.sampling();
    List<String> betas = new ArrayList<>(options.betas());

    // Thinking and the token cap.
    ThinkingConfig explicit = request.thinking();
    int maxTokens;
    int budget;
    boolean thinking;
    if (explicit != null) {
      // The client chose: sent as given, the upstream judges it (e.g. a budget not below max_tokens).
      budget = explicit.budgetTokens() == null ? 0 : explicit.budgetTokens();
      maxTokens = s.maxTokens() != null ? s.maxTokens() : options.maxTokensFor(request.model()) + Math.max(0, budget);
      thinking = explicit.on();
    } else {
      budget = options.thinkingBudget(s.reasoningEffort());
      boolean forcedTool = request.toolsEnabled() && request.toolChoice() != null
          && (request.toolChoice().mode() == ToolChoice.Mode.REQUIRED || request.toolChoice().mode() == ToolChoice.Mode.FUNCTION);
      if (budget > 0 && (forcedTool || continuesToolCall(request.messages()))) {
        budget = 0;
      }
      if (s.maxTokens() != null) {
        maxTokens = s.maxTokens();
        budget = Math.min(budget, maxTokens - 1);
      } else {
        maxTokens = options.maxTokensFor(request.model()) + Math.max(0, budget);
      }
      thinking = budget >= AnthropicOptions.MIN_THINKING_BUDGET;
    }

    // How a JSON response is guaranteed.
    ResponseFormat format = request.responseFormat();
    String jsonTool = null;
    ObjectNode jsonToolSchema = null;
    boolean jsonToolStrict = false;
    ObjectNode nativeSchema = null;
    boolean jsonObjectFilter = false;
    boolean toolAllowed = !thinking && !request.toolsEnabled();
    AnthropicOptions.StructuredOutputs mode = options.structuredOutputs();
    if (format.type() == ResponseFormat.Type.JSON_SCHEMA && format.schema() != null) {
      boolean wantTool = mode == AnthropicOptions.StructuredOutputs.TOOL
          || (mode == AnthropicOptions.StructuredOutputs.AUTO && !format.strict());
      if (wantTool && toolAllowed && AnthropicSchemas.isObjectSchema(format.schema())) {
        jsonTool = format.name();
        jsonToolStrict = format.strict();
        jsonToolSchema = format.strict() ? AnthropicSchemas.constrained(format.schema()) : AnthropicSchemas.inputSchema(format.schema());
      } else {
        nativeSchema = AnthropicSchemas.constrained(format.schema());
      }
    } else if (format.isJson()) {
      if (toolAllowed) {
        jsonTool = JSON_OBJECT_TOOL;
        jsonToolSchema = F.objectNode().put("type", "object");
      } else {
        jsonObjectFilter = true;
      }
    }

    // Messages.
    List<String> system = new ArrayList<>();
    List<ObjectNode> systemBlocks = new ArrayList<>();
    boolean systemCached = false;
    List<Turn> turns = new ArrayList<>();
    List<ChatMessage> messages = request.messages();
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      String at = "messages[" + i + "]";
      switch (m.role()) {
        case SYSTEM:
        case DEVELOPER: {
          String text = m.text();
          if (!text.isBlank()) {
            system.add(text);
          }
          for (ContentPart part : m.content()) {
            if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
              systemBlocks.add(text(t.text(), t.cacheControl()));
              systemCached |= t.cacheControl() != null;
            }
          }
          break;
        }
        case USER:
          append(turns, "user", userBlocks(m, at));
          break;
        case ASSISTANT:
          append(turns, "assistant", assistantBlocks(m, at));
          break;
        case TOOL:
          append(turns, "user", List.of(toolResult(m, at)));
          break;
        default:
          break;
      }
    }
    trimFinalAssistant(turns);
    if (turns.isEmpty()) {
      throw AxonException.invalid("messages", "Claude needs at least one user or assistant message with content besides "
          + "system and developer messages.");
    }
    if (jsonObjectFilter) {
      system.add(JSON_OBJECT_INSTRUCTION);
      systemBlocks.add(text(JSON_OBJECT_INSTRUCTION, null));
    }

    ObjectNode body = F.objectNode();
    body.put("model", options.upstreamModel(request.model()));
    body.put("max_tokens", maxTokens);
    if (systemCached) {
      // Breakpoints live on blocks: the prompt goes as the blocks it came in.
      ArrayNode blocks = body.putArray("system");
      systemBlocks.forEach(blocks::add);
    } else if (!system.isEmpty()) {
      body.put("system", String.join("\n\n", system));
    }
    ArrayNode out = body.putArray("messages");
    for (Turn t : turns) {
      out.add(t.toJson());
    }

    // Tools.
    if (jsonTool != null) {
      ArrayNode tools = body.putArray("tools");
      ObjectNode tool = tools.addObject();
      tool.put("name", jsonTool);
      tool.put("description", format.type() == ResponseFormat.Type.JSON_SCHEMA
          ? "Give the response as this tool's input: it must match the schema exactly."
          : "Give the response as this tool's input: a JSON object.");
      tool.set("input_schema", jsonToolSchema);
      if (jsonToolStrict) {
        tool.put("strict", true);
      }
      body.putObject("tool_choice").put("type", "tool").put("name", jsonTool);
    } else if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolDefinition d : request.tools()) {
        if (!d.isFunction()) {
          tools.add(d.rawJson().deepCopy());
          continue;
        }
        ObjectNode tool = tools.addObject();
        tool.put("name", d.name());
        if (d.description() != null && !d.description().isEmpty()) {
          tool.put("description", d.description());
        }
        tool.set("input_schema", d.strict() ? AnthropicSchemas.constrained(AnthropicSchemas.inputSchema(d.parameters()))
            : AnthropicSchemas.inputSchema(d.parameters()));
        if (d.strict()) {
          tool.put("strict", true);
        }
        cacheControl(tool, d.cacheControl());
      }
      ObjectNode choice = toolChoice(request.toolChoice(), request.parallelToolCalls());
      if (choice != null) {
        body.set("tool_choice", choice);
      }
    }

    // Sampling.
    List<String> gatewayStops = new ArrayList<>();
    List<String> stops = new ArrayList<>();
    for (String stop : s.stop()) {
      if (stop.isBlank()) {
        gatewayStops.add(stop);
      } else {
        stops.add(stop);
      }
    }
    if (!stops.isEmpty()) {
      ArrayNode seq = body.putArray("stop_sequences");
      stops.forEach(seq::add);
    }
    if (explicit != null) {
      samplingAsGiven(body, s);
      ObjectNode config = body.putObject("thinking").put("type", explicit.type());
      if (explicit.budgetTokens() != null) {
        config.put("budget_tokens", explicit.budgetTokens());
      }
    } else if (thinking) {
      // Thinking the gateway chose for reasoning_effort: only what the API allows with it.
      if (s.topP() != null) {
        body.put("top_p", Math.max(THINKING_MIN_TOP_P, s.topP()));
      }
      body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    } else {
      samplingAsGiven(body, s);
    }
    if (nativeSchema != null) {
      ObjectNode jsonFormat = F.objectNode().put("type", "json_schema");
      jsonFormat.set("schema", nativeSchema);
      if (mode == AnthropicOptions.StructuredOutputs.BETA) {
        body.set("output_format", jsonFormat);
        if (!betas.contains(AnthropicOptions.STRUCTURED_OUTPUTS_BETA)) {
          betas.add(AnthropicOptions.STRUCTURED_OUTPUTS_BETA);
        }
      } else {
        body.putObject("output_config").set("format", jsonFormat);
      }
    }
    if (request.user() != null && !request.user().isEmpty()) {
      body.putObject("metadata").put("user_id", request.user());
    }
    String tier = serviceTier(s.serviceTier());
    if (tier != null) {
      body.put("service_tier", tier);
    }
    return new Translation(body, List.copyOf(betas),
        new TurnPlan(List.copyOf(gatewayStops), jsonTool, jsonObjectFilter, thinking, maxTokens, explicit != null && explicit.on()));
  }

  /** Temperature (clamped into the API's range), else top_p (current models refuse both), and top_k. */
  private static void samplingAsGiven(ObjectNode body, Sampling s) {
    if (s.temperature() != null) {
      body.put("temperature", Math.min(1.0, Math.max(0.0, s.temperature())));
    } else if (s.topP() != null) {
      body.put("top_p", s.topP());
    }
    if (s.topK() != null) {
      body.put("top_k", s.topK());
    }
  }

  // --- messages ------------------------------------------------------------------------------------------------

  /** One Messages API turn being built. */
  private static final class Turn {
    final String role;
    final List<ObjectNode> blocks = new ArrayList<>();

    Turn(String role) {
      this.role = role;
    }

    ObjectNode toJson() {
      ObjectNode m = F.objectNode();
      m.put("role", role);
      if ("user".equals(role)) {
        // tool_result blocks must open the user turn that answers the calls.
        List<ObjectNode> ordered = new ArrayList<>(blocks.size());
        blocks.stream().filter(b -> "tool_result".equals(b.path("type").asText())).forEach(ordered::add);
        blocks.stream().filter(b -> !"tool_result".equals(b.path("type").asText())).forEach(ordered::add);
        blocks.clear();
        blocks.addAll(ordered);
      }
      if (blocks.size() == 1 && "text".equals(blocks.get(0).path("type").asText()) && blocks.get(0).size() == 2) {
        m.put("content", blocks.get(0).path("text").asText());
      } else {
        ArrayNode content = m.putArray("content");
        blocks.forEach(content::add);
      }
      return m;
    }
  }

  private static void append(List<Turn> turns, String role, List<ObjectNode> blocks) {
    if (blocks.isEmpty()) {
      return;
    }
    Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
    if (last == null || !last.role.equals(role)) {
      last = new Turn(role);
      turns.add(last);
    }
    last.blocks.addAll(blocks);
  }

  /** The API refuses a final assistant turn that ends in whitespace (it would be a prefill). */
  private static void trimFinalAssistant(List<Turn> turns) {
    if (turns.isEmpty()) {
      return;
    }
    Turn last = turns.get(turns.size() - 1);
    if (!"assistant".equals(last.role) || last.blocks.isEmpty()) {
      return;
    }
    ObjectNode block = last.blocks.get(last.blocks.size() - 1);
    if ("text".equals(block.path("type").asText())) {
      String trimmed = block.path("text").asText().stripTrailing();
      if (trimmed.isEmpty()) {
        last.blocks.remove(last.blocks.size() - 1);
        if (last.blocks.isEmpty()) {
          turns.remove(turns.size() - 1);
        }
      } else {
        block.put("text", trimmed);
      }
    }
  }

  private List<ObjectNode> userBlocks(ChatMessage m, String at) {
    List<ObjectNode> blocks = new ArrayList<>();
    List<ContentPart> parts = m.content();
    for (int j = 0; j < parts.size(); j++) {
      ContentPart part = parts.get(j);
      String partAt = at + ".content[" + j + "]";
      if (part instanceof ContentPart.Text t) {
        if (!t.text().isEmpty()) {
          blocks.add(text(t.text(), t.cacheControl()));
        }
      } else if (part instanceof ContentPart.Image image) {
        blocks.add(cacheControl(image(image.url(), partAt + ".image_url.url"), image.cacheControl()));
      } else if (part instanceof ContentPart.Opaque opaque) {
        blocks.add(opaque(opaque, partAt));
      } else if (part instanceof ContentPart.Audio) {
        throw AxonException.invalid(partAt, "Audio input (input_audio) is not supported by Claude models; send the text "
            + "(e.g. a transcript) instead.");
      } else if (part instanceof ContentPart.File file) {
        blocks.add(document(file, partAt));
      }
      // Thinking belongs to assistant turns only: none in a user turn.
    }
    return blocks;
  }

  private static List<ObjectNode> assistantBlocks(ChatMessage m, String at) {
    List<ObjectNode> blocks = new ArrayList<>();
    List<ContentPart> parts = m.content();
    for (int j = 0; j < parts.size(); j++) {
      ContentPart part = parts.get(j);
      if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
        blocks.add(text(t.text(), t.cacheControl()));
      } else if (part instanceof ContentPart.Thinking t) {
        // Text and signature exactly as the upstream gave them: it checks the signature.
        ObjectNode block = F.objectNode();
        block.put("type", "thinking");
        block.put("thinking", t.thinking() == null ? "" : t.thinking());
        block.put("signature", t.signature() == null ? "" : t.signature());
        blocks.add(block);
      } else if (part instanceof ContentPart.RedactedThinking r) {
        ObjectNode block = F.objectNode();
        block.put("type", "redacted_thinking");
        block.put("data", r.data());
        blocks.add(block);
      } else if (part instanceof ContentPart.Opaque opaque) {
        blocks.add(opaque(opaque, at + ".content[" + j + "]"));
      }
    }
    List<ToolCall> calls = m.toolCalls();
    for (int j = 0; j < calls.size(); j++) {
      ToolCall call = calls.get(j);
      ObjectNode block = F.objectNode();
      block.put("type", "tool_use");
      block.put("id", call.id());
      block.put("name", call.name());
      block.set("input", arguments(call.arguments(), at + ".tool_calls[" + j + "].function.arguments"));
      blocks.add(cacheControl(block, call.cacheControl()));
    }
    return blocks;
  }

  private static ObjectNode toolResult(ChatMessage m, String at) {
    ObjectNode block = F.objectNode();
    block.put("type", "tool_result");
    block.put("tool_use_id", m.toolCallId());
    // One plain text part is the string form; several parts stay blocks, as they came.
    if (m.isTextOnly() && m.content().size() <= 1 && !hasCacheControl(m.content())) {
      String text = m.text();
      if (!text.isEmpty()) {
        block.put("content", text);
      }
    } else {
      ArrayNode content = block.putArray("content");
      List<ContentPart> parts = m.content();
      for (int j = 0; j < parts.size(); j++) {
        ContentPart part = parts.get(j);
        String partAt = at + ".content[" + j + "]";
        if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
          content.add(text(t.text(), t.cacheControl()));
        } else if (part instanceof ContentPart.Image image) {
          content.add(cacheControl(imageBlock(image.url(), partAt + ".image_url.url"), image.cacheControl()));
        } else if (part instanceof ContentPart.File file) {
          content.add(document(file, partAt));
        } else if (part instanceof ContentPart.Opaque opaque) {
          content.add(opaque(opaque, partAt));
        }
      }
    }
    if (m.toolError()) {
      block.put("is_error", true);
    }
    return cacheControl(block, m.cacheControl());
  }

  private static boolean hasCacheControl(List<ContentPart> parts) {
    for (ContentPart part : parts) {
      if (part instanceof ContentPart.Text t && t.cacheControl() != null) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode text(String text, CacheControl cache) {
    ObjectNode block = F.objectNode();
    block.put("type", "text");
    block.put("text", text);
    return cacheControl(block, cache);
  }

  /** Adds {@code cache_control} to a block when the part has a breakpoint. */
  private static ObjectNode cacheControl(ObjectNode block, CacheControl cache) {
    if (cache != null) {
      ObjectNode c = block.putObject("cache_control");
      c.put("type", cache.type() == null ? "ephemeral" : cache.type());
      if (cache.ttl() != null) {
        c.put("ttl", cache.ttl());
      }
    }
    return block;
  }

  /** A block kept verbatim; it must at least be a JSON object with a type. */
  private static ObjectNode opaque(ContentPart.Opaque part, String at) {
    JsonNode node = part.node();
    if (node == null || !node.path("type").isTextual()) {
      throw AxonException.invalid(at, "Invalid content block: expected a JSON object with a 'type'.");
    }
    return (ObjectNode) node;
  }

  private ObjectNode image(String url, String param) {
    return imageBlock(url, param);
  }

  private static ObjectNode imageBlock(String url, String param) {
    ObjectNode block = F.objectNode();
    block.put("type", "image");
    ObjectNode source = block.putObject("source");
    if (url.startsWith("data:")) {
      Matcher m = DATA_URL.matcher(url);
      if (!m.matches() || !m.group(2).contains(";base64")) {
        throw AxonException.invalid(param, "Invalid image data URL: expected data:<type>;base64,<data>.");
      }
      String type = m.group(1).toLowerCase(java.util.Locale.ROOT);
      if (!IMAGE_TYPES.contains(type)) {
        throw AxonException.invalid(param, "Unsupported image type '" + type + "': Claude takes image/jpeg, image/png, image/gif and image/webp.");
      }
      source.put("type", "base64");
      source.put("media_type", type);
      source.put("data", m.group(3));
    } else if (url.startsWith("https://") || url.startsWith("http://")) {
      source.put("type", "url");
      source.put("url", url);
    } else {
      throw AxonException.invalid(param, "Invalid image URL: expected an http(s) URL or a base64 data URL.");
    }
    return block;
  }

  private static ObjectNode document(ContentPart.File file, String at) {
    if (file.data() == null || file.data().isEmpty()) {
      throw AxonException.invalid(at + ".file.file_id", "Files by id are not supported by the anthropic provider; send the "
          + "file inline as file_data (a base64 PDF).");
    }
    String data = file.data();
    String type = "application/pdf";
    if (data.startsWith("data:")) {
      Matcher m = DATA_URL.matcher(data);
      if (!m.matches() || !m.group(2).contains(";base64")) {
        throw AxonException.invalid(at + ".file.file_data", "Invalid file data URL: expected data:<type>;base64,<data>.");
      }
      type = m.group(1).toLowerCase(java.util.Locale.ROOT);
      data = m.group(3);
    }
    if (!"application/pdf".equals(type)) {
      throw AxonException.invalid(at + ".file.file_data", "Unsupported file type '" + type + "': Claude takes PDF documents.");
    }
    ObjectNode block = F.objectNode();
    block.put("type", "document");
    ObjectNode source = block.putObject("source");
    source.put("type", "base64");
    source.put("media_type", type);
    source.put("data", data);
    if (file.filename() != null && !file.filename().isEmpty()) {
      block.put("title", file.filename());
    }
    return cacheControl(block, file.cacheControl());
  }

  private static JsonNode arguments(String arguments, String param) {
    if (arguments == null || arguments.isBlank()) {
      return F.objectNode();
    }
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(arguments);
    } catch (JsonProcessingException e) {
      throw AxonException.invalid(param, "Invalid '" + param + "': the tool call's arguments must be a JSON object, to be "
          + "sent back to Claude as the call's input.");
    }
    if (parsed == null || !parsed.isObject()) {
      throw AxonException.invalid(param, "Invalid '" + param + "': the tool call's arguments must be a JSON object.");
    }
    return parsed;
  }

  /**
   * Whether the turn continues a tool call without the thinking that led to it: the last assistant message called
   * tools and carries no thinking block (the API wants that turn's thinking back when thinking is on).
   */
  private static boolean continuesToolCall(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      ChatMessage m = messages.get(i);
      if (m.role() == Role.ASSISTANT) {
        return !m.toolCalls().isEmpty() && m.content().stream()
            .noneMatch(p -> p instanceof ContentPart.Thinking || p instanceof ContentPart.RedactedThinking);
      }
    }
    return false;
  }

  // --- parameters ----------------------------------------------------------------------------------------------

  private static ObjectNode toolChoice(ToolChoice choice, Boolean parallel) {
    boolean noParallel = Boolean.FALSE.equals(parallel);
    if (choice == null) {
      return noParallel ? F.objectNode().put("type", "auto").put("disable_parallel_tool_use", true) : null;
    }
    ObjectNode out = F.objectNode();
    switch (choice.mode()) {
      case NONE:
        return out.put("type", "none");
      case REQUIRED:
        out.put("type", "any");
        break;
      case FUNCTION:
        out.put("type", "tool").put("name", choice.functionName());
        break;
      default:
        out.put("type", "auto");
        break;
    }
    if (noParallel) {
      out.put("disable_parallel_tool_use", true);
    }
    return out;
  }

  private static String serviceTier(String tier) {
    if (tier == null) {
      return null;
    }
    switch (tier) {
      case "auto":
      case "priority":
        return "auto";
      case "default":
      case "standard_only":
        return "standard_only";
      default:
        return null;
    }
  }
}
