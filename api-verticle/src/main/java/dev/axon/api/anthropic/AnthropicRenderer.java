package dev.axon.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.api.chat.ChoiceAccumulator;
import dev.axon.api.http.JsonWriter;
import dev.axon.api.http.RequestIds;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.Usage;
import dev.axon.common.json.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Anthropic response bodies: a {@code message}, the token count, models; written straight to bytes. Stateless and
 * thread-safe; the event stream is {@link AnthropicSseWriter}'s.
 */
public final class AnthropicRenderer {

  /** A model of {@code /v1/models}: its id, when it was created (epoch seconds), and its display name. */
  public record ModelEntry(String id, long created, String displayName) {

    /** An entry whose display name is made from its id ({@code claude-sonnet-4-6} → {@code Claude Sonnet 4.6}). */
    public static ModelEntry of(String id, long created) {
      return new ModelEntry(id, created, AnthropicRenderer.displayName(id));
    }
  }

  private AnthropicRenderer() {
  }

  /** A new message id, as Anthropic's look: {@code msg_} and 24 letters and digits. */
  public static String messageId() {
    return RequestIds.random("msg_01", 22);
  }

  /** A tool-use id for a call that came without one. */
  static String toolUseId() {
    return RequestIds.random("toolu_01", 22);
  }

  /** A finished reply as Anthropic's {@code Message}: content blocks in order, stop reason, usage. */
  public static Buffer message(String id, String model, ChoiceAccumulator choice, Usage usage) {
    ChatMessage reply = choice.toMessage();
    ChatEvent.Done done = choice.outcome();
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("type", "message");
      g.writeStringField("role", "assistant");
      g.writeStringField("model", model);
      g.writeArrayFieldStart("content");
      for (ContentPart part : reply.content()) {
        writeBlock(g, part);
      }
      for (ToolCall call : reply.toolCalls()) {
        g.writeStartObject();
        g.writeStringField("type", "tool_use");
        g.writeStringField("id", call.id() == null ? toolUseId() : call.id());
        g.writeStringField("name", call.name());
        g.writeFieldName("input");
        g.writeTree(input(call.arguments()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("stop_reason", stopReason(done));
      JsonWriter.stringOrNull(g, "stop_sequence", stopSequence(done));
      g.writeFieldName("usage");
      writeUsage(g, usage, usage.completionTokens());
      g.writeEndObject();
    });
  }

  /** A reply's content part as a content block. */
  static void writeBlock(JsonGenerator g, ContentPart part) throws IOException {
    if (part instanceof ContentPart.Text t) {
      g.writeStartObject();
      g.writeStringField("type", "text");
      g.writeStringField("text", t.text());
      g.writeEndObject();
    } else if (part instanceof ContentPart.Thinking t) {
      g.writeStartObject();
      g.writeStringField("type", "thinking");
      g.writeStringField("thinking", t.thinking());
      g.writeStringField("signature", t.signature() == null ? "" : t.signature());
      g.writeEndObject();
    } else if (part instanceof ContentPart.RedactedThinking r) {
      g.writeStartObject();
      g.writeStringField("type", "redacted_thinking");
      g.writeStringField("data", r.data());
      g.writeEndObject();
    } else if (part instanceof ContentPart.Opaque o && o.node() != null) {
      g.writeTree(o.node());
    }
  }

  /** Tool arguments (JSON text) as the {@code input} object; {@code {}} when they are empty or not an object. */
  static JsonNode input(String arguments) {
    if (arguments != null && !arguments.isBlank()) {
      try {
        JsonNode node = Json.MAPPER.readTree(arguments);
        if (node != null && node.isObject()) {
          return node;
        }
      } catch (IOException e) {
        // Not JSON: the provider's call was cut short (a length stop inside the arguments).
      }
    }
    return Json.MAPPER.createObjectNode();
  }

  /**
   * Usage as Anthropic counts it: {@code input_tokens} are the uncached input only (the canonical prompt tokens less
   * cache reads and writes), beside {@code cache_creation_input_tokens} and {@code cache_read_input_tokens}.
   */
  static void writeUsage(JsonGenerator g, Usage usage, int outputTokens) throws IOException {
    g.writeStartObject();
    g.writeNumberField("input_tokens", inputTokens(usage));
    g.writeNumberField("cache_creation_input_tokens", cacheWrites(usage));
    g.writeNumberField("cache_read_input_tokens", usage.cachedTokens());
    g.writeNumberField("output_tokens", outputTokens);
    g.writeEndObject();
  }

  static int inputTokens(Usage usage) {
    return usage.uncachedPromptTokens();
  }

  static int cacheWrites(Usage usage) {
    return usage.cacheWriteTokens();
  }

  /**
   * Why the reply ended, in Anthropic's words: {@code stop_sequence} when a stop sequence ended it, else the upstream's
   * own reason when the provider has one ({@code pause_turn}, {@code model_context_window_exceeded}, ...), else the
   * canonical finish reason's equivalent.
   */
  static String stopReason(ChatEvent.Done done) {
    if (done.stopSequence() != null) {
      return "stop_sequence";
    }
    if (done.stopReason() != null && !done.stopReason().isEmpty()) {
      return done.stopReason();
    }
    switch (done.finishReason()) {
      case LENGTH: return "max_tokens";
      case TOOL_CALLS: return "tool_use";
      case CONTENT_FILTER: return "refusal";
      default: return "end_turn";
    }
  }

  /** The stop sequence that ended the reply, or null. */
  static String stopSequence(ChatEvent.Done done) {
    return done.stopSequence();
  }

  /** {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": n}}. */
  public static Buffer tokenCount(int inputTokens) {
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      g.writeNumberField("input_tokens", inputTokens);
      g.writeEndObject();
    });
  }

  /**
   * A page of models in Anthropic's list shape: {@code {data, has_more, first_id, last_id}}, paged like the API
   * ({@code limit}, and {@code after_id} or {@code before_id}).
   *
   * @param afterId  the page starts after this id (null: from the start)
   * @param beforeId the page ends before this id (null: no bound); used when {@code afterId} is null
   */
  public static Buffer models(List<ModelEntry> all, int limit, String afterId, String beforeId) {
    int from = 0;
    int to = all.size();
    if (afterId != null) {
      from = indexOf(all, afterId) + 1;
    } else if (beforeId != null) {
      int before = indexOf(all, beforeId);
      to = before < 0 ? all.size() : before;
      from = Math.max(0, to - limit);
    }
    int end = Math.min(to, from + limit);
    List<ModelEntry> page = all.subList(Math.min(from, end), end);
    boolean hasMore = afterId != null || beforeId == null ? end < to : from > 0;
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("data");
      for (ModelEntry m : page) {
        writeModel(g, m);
      }
      g.writeEndArray();
      g.writeBooleanField("has_more", hasMore);
      JsonWriter.stringOrNull(g, "first_id", page.isEmpty() ? null : page.get(0).id());
      JsonWriter.stringOrNull(g, "last_id", page.isEmpty() ? null : page.get(page.size() - 1).id());
      g.writeEndObject();
    });
  }

  /** One model: {@code {type: "model", id, display_name, created_at}}. */
  public static Buffer model(ModelEntry m) {
    return JsonWriter.buffer(g -> writeModel(g, m));
  }

  private static void writeModel(JsonGenerator g, ModelEntry m) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "model");
    g.writeStringField("id", m.id());
    g.writeStringField("display_name", m.displayName());
    g.writeStringField("created_at", Instant.ofEpochSecond(m.created()).toString());
    g.writeEndObject();
  }

  private static int indexOf(List<ModelEntry> all, String id) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A readable name from a model id: a Claude id's words capitalised and its version numbers joined by dots, a date
   * suffix dropped ({@code claude-3-5-haiku-20241022} → {@code Claude 3.5 Haiku}); other ids as they are.
   */
  static String displayName(String id) {
    if (!id.startsWith("claude-")) {
      return id;
    }
    StringBuilder out = new StringBuilder();
    boolean lastNumeric = false;
    for (String part : id.split("-")) {
      if (part.isEmpty() || (part.length() == 8 && part.chars().allMatch(Character::isDigit))) {
        continue;
      }
      boolean numeric = part.chars().allMatch(Character::isDigit);
      if (numeric && lastNumeric) {
        out.append('.');
      } else if (out.length() > 0) {
        out.append(' ');
      }
      out.append(numeric ? part : part.substring(0, 1).toUpperCase(Locale.ROOT) + part.substring(1));
      lastNumeric = numeric;
    }
    return out.toString();
  }
}
