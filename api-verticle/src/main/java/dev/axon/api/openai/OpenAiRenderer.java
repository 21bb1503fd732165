package dev.axon.api.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.axon.api.http.JsonField;
import dev.axon.api.http.JsonWriter;
import dev.axon.common.catalog.ListedModel;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.Usage;
import dev.axon.common.config.ModelCatalog;
import dev.axon.common.conversation.Conversation;
import dev.axon.common.conversation.ConversationPage;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * OpenAI response bodies: chat completions, models, conversations and errors, written straight to bytes.
 * Stateless and thread-safe; streaming chunks are in {@link OpenAiChunkWriter}.
 */
public final class OpenAiRenderer {

  /** Stable model creation times, so {@code /v1/models} answers the same every time. */
  public static final long MODELS_CREATED = 1_767_225_600L;

  // A chat completion's field names, in the order written.
  private static final JsonField ID = JsonField.of("id");
  private static final JsonField OBJECT = JsonField.of("object");
  private static final JsonField CREATED = JsonField.of("created");
  private static final JsonField MODEL = JsonField.of("model");
  private static final JsonField SYSTEM_FINGERPRINT = JsonField.of("system_fingerprint");
  private static final JsonField CHOICES = JsonField.of("choices");
  private static final JsonField INDEX = JsonField.of("index");
  private static final JsonField MESSAGE = JsonField.of("message");
  private static final JsonField ROLE = JsonField.of("role");
  private static final JsonField CONTENT = JsonField.of("content");
  private static final JsonField REFUSAL = JsonField.of("refusal");
  private static final JsonField TOOL_CALLS = JsonField.of("tool_calls");
  private static final JsonField ANNOTATIONS = JsonField.of("annotations");
  private static final JsonField LOGPROBS = JsonField.of("logprobs");
  private static final JsonField FINISH_REASON = JsonField.of("finish_reason");
  private static final JsonField USAGE = JsonField.of("usage");
  private static final JsonField PROMPT_TOKENS = JsonField.of("prompt_tokens");
  private static final JsonField COMPLETION_TOKENS = JsonField.of("completion_tokens");
  private static final JsonField TOTAL_TOKENS = JsonField.of("total_tokens");
  private static final JsonField PROMPT_TOKENS_DETAILS = JsonField.of("prompt_tokens_details");
  private static final JsonField CACHED_TOKENS = JsonField.of("cached_tokens");
  private static final JsonField AUDIO_TOKENS = JsonField.of("audio_tokens");
  private static final JsonField COMPLETION_TOKENS_DETAILS = JsonField.of("completion_tokens_details");
  private static final JsonField REASONING_TOKENS = JsonField.of("reasoning_tokens");
  private static final JsonField ACCEPTED_PREDICTION_TOKENS = JsonField.of("accepted_prediction_tokens");
  private static final JsonField REJECTED_PREDICTION_TOKENS = JsonField.of("rejected_prediction_tokens");
  private static final JsonField SERVICE_TIER = JsonField.of("service_tier");
  private static final JsonField CONVERSATION_ID = JsonField.of("conversation_id");
  private static final JsonField PROVIDER = JsonField.of("provider");
  private static final JsonField SERVED_MODEL = JsonField.of("served_model");

  private OpenAiRenderer() {
  }

  public static String finishReason(FinishReason reason) {
    switch (reason) {
      case LENGTH: return "length";
      case TOOL_CALLS: return "tool_calls";
      case CONTENT_FILTER: return "content_filter";
      default: return "stop";
    }
  }

  public static Buffer completion(String id, long created, String model, String fingerprint, List<ChoiceResult> choices,
                                  Usage usage, String conversationId) {
    return completion(id, created, model, fingerprint, choices, usage, conversationId, ServedBy.UNKNOWN);
  }

  public static Buffer completion(String id, long created, String model, String fingerprint, List<ChoiceResult> choices,
                                  Usage usage, String conversationId, ServedBy servedBy) {
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      ID.string(g, id);
      OBJECT.string(g, "chat.completion");
      CREATED.number(g, created);
      MODEL.string(g, model);
      SYSTEM_FINGERPRINT.string(g, fingerprint);
      CHOICES.startArray(g);
      for (ChoiceResult c : choices) {
        g.writeStartObject();
        INDEX.number(g, c.index());
        MESSAGE.startObject(g);
        ROLE.string(g, "assistant");
        boolean hasTools = !c.toolCalls().isEmpty();
        CONTENT.stringOrNull(g, (hasTools || c.refusal() != null) && c.content().isEmpty() ? null : c.content());
        REFUSAL.stringOrNull(g, c.refusal());
        if (hasTools) {
          TOOL_CALLS.startArray(g);
          for (ToolCall call : c.toolCalls()) {
            writeToolCall(g, call);
          }
          g.writeEndArray();
        }
        ANNOTATIONS.startArray(g);
        g.writeEndArray();
        g.writeEndObject();
        LOGPROBS.nullValue(g);
        FINISH_REASON.string(g, finishReason(c.finishReason()));
        g.writeEndObject();
      }
      g.writeEndArray();
      USAGE.name(g);
      writeUsage(g, usage);
      SERVICE_TIER.string(g, "default");
      if (conversationId != null) {
        CONVERSATION_ID.string(g, conversationId);
      }
      writeServedBy(g, servedBy);
      g.writeEndObject();
    });
  }

  static void writeServedBy(JsonGenerator g, ServedBy servedBy) throws IOException {
    if (servedBy.provider() != null) {
      PROVIDER.string(g, servedBy.provider());
    }
    if (servedBy.model() != null) {
      SERVED_MODEL.string(g, servedBy.model());
    }
  }

  static void writeUsage(JsonGenerator g, Usage usage) throws IOException {
    g.writeStartObject();
    PROMPT_TOKENS.number(g, usage.promptTokens());
    COMPLETION_TOKENS.number(g, usage.completionTokens());
    TOTAL_TOKENS.number(g, usage.totalTokens());
    PROMPT_TOKENS_DETAILS.startObject(g);
    CACHED_TOKENS.number(g, usage.cachedTokens());
    AUDIO_TOKENS.number(g, 0);
    g.writeEndObject();
    COMPLETION_TOKENS_DETAILS.startObject(g);
    REASONING_TOKENS.number(g, usage.reasoningTokens());
    AUDIO_TOKENS.number(g, 0);
    ACCEPTED_PREDICTION_TOKENS.number(g, 0);
    REJECTED_PREDICTION_TOKENS.number(g, 0);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeToolCall(JsonGenerator g, ToolCall call) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", call.id());
    g.writeStringField("type", "function");
    g.writeObjectFieldStart("function");
    g.writeStringField("name", call.name());
    g.writeStringField("arguments", call.arguments());
    g.writeEndObject();
    g.writeEndObject();
  }

  public static Buffer error(AxonException e) {
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      OpenAiErrors.writeError(g, e);
      g.writeEndObject();
    });
  }

  public static Buffer models(ModelCatalog catalog) {
    return models(catalog, List.of(), id -> true);
  }

  /**
   * The served models and aliases, then the models upstreams listed ({@code extra}, already filtered), each only when
   * {@code visible} (the caller's key may use it).
   */
  public static Buffer models(ModelCatalog catalog, List<ListedModel> extra, Predicate<String> visible) {
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (String id : catalog.served()) {
        if (visible.test(id)) {
          writeModel(g, id, "anthropic", MODELS_CREATED);
        }
      }
      for (Map.Entry<String, String> alias : catalog.aliases().entrySet()) {
        if (visible.test(alias.getKey())) {
          writeModel(g, alias.getKey(), "axon", MODELS_CREATED);
        }
      }
      for (ListedModel m : extra) {
        if (visible.test(m.id())) {
          writeModel(g, m.id(), m.ownedBy() == null ? m.provider() : m.ownedBy(), m.created() > 0 ? m.created() : MODELS_CREATED);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /** One model, as {@code GET /v1/models/:id} answers: {@code {id, object: "model", created, owned_by}}. */
  public static Buffer model(String id, String owner, long created) {
    return JsonWriter.buffer(g -> writeModel(g, id, owner, created));
  }

  private static void writeModel(JsonGenerator g, String id, String owner, long created) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("object", "model");
    g.writeNumberField("created", created);
    g.writeStringField("owned_by", owner);
    g.writeEndObject();
  }

  public static Buffer conversation(Conversation c) {
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      g.writeStringField("id", c.id());
      g.writeStringField("object", "conversation");
      JsonWriter.stringOrNull(g, "model", c.model());
      g.writeNumberField("created", c.createdAt());
      g.writeNumberField("updated", c.updatedAt());
      g.writeNumberField("message_count", c.messageCount());
      g.writeArrayFieldStart("messages");
      for (ChatMessage m : c.messages()) {
        writeMessage(g, m);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /**
   * A page of the caller's conversations in OpenAI's list shape: {@code {object: "list", data, first_id, last_id,
   * has_more}}, each item the conversation without its messages.
   */
  public static Buffer conversationList(ConversationPage page) {
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (Conversation c : page.data()) {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("object", "conversation");
        JsonWriter.stringOrNull(g, "model", c.model());
        g.writeNumberField("created", c.createdAt());
        g.writeNumberField("updated", c.updatedAt());
        g.writeNumberField("message_count", c.messageCount());
        g.writeEndObject();
      }
      g.writeEndArray();
      List<Conversation> data = page.data();
      JsonWriter.stringOrNull(g, "first_id", data.isEmpty() ? null : data.get(0).id());
      JsonWriter.stringOrNull(g, "last_id", data.isEmpty() ? null : data.get(data.size() - 1).id());
      g.writeBooleanField("has_more", page.hasMore());
      g.writeEndObject();
    });
  }

  /** OpenAI's deletion shape: {@code {id, object: "conversation.deleted", deleted: true}}. */
  public static Buffer conversationDeleted(String id) {
    return JsonWriter.buffer(g -> {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("object", "conversation.deleted");
      g.writeBooleanField("deleted", true);
      g.writeEndObject();
    });
  }

  /**
   * A stored message in OpenAI's request-message shape, so a client can send it back as history. Parts OpenAI has no
   * words for (thinking, blocks kept verbatim for Anthropic) are left out.
   */
  static void writeMessage(JsonGenerator g, ChatMessage m) throws IOException {
    g.writeStartObject();
    g.writeStringField("role", m.role().wire());
    List<ContentPart> shown = openAiParts(m.content());
    if (shown.isEmpty() && !m.toolCalls().isEmpty()) {
      g.writeNullField("content");
    } else if (shown.stream().allMatch(p -> p instanceof ContentPart.Text)) {
      g.writeStringField("content", shown.size() == m.content().size() ? m.text() : new ChatMessage(m.role(), shown, null, null, null).text());
    } else {
      g.writeArrayFieldStart("content");
      for (ContentPart part : shown) {
        writePart(g, part);
      }
      g.writeEndArray();
    }
    if (m.name() != null) {
      g.writeStringField("name", m.name());
    }
    if (!m.toolCalls().isEmpty()) {
      g.writeArrayFieldStart("tool_calls");
      for (ToolCall call : m.toolCalls()) {
        writeToolCall(g, call);
      }
      g.writeEndArray();
    }
    if (m.toolCallId() != null) {
      g.writeStringField("tool_call_id", m.toolCallId());
    }
    g.writeEndObject();
  }

  private static List<ContentPart> openAiParts(List<ContentPart> parts) {
    for (ContentPart p : parts) {
      if (!p.portable()) {
        return parts.stream().filter(ContentPart::portable).toList();
      }
    }
    return parts;
  }

  private static void writePart(JsonGenerator g, ContentPart part) throws IOException {
    g.writeStartObject();
    if (part instanceof ContentPart.Text t) {
      g.writeStringField("type", "text");
      g.writeStringField("text", t.text());
    } else if (part instanceof ContentPart.Image i) {
      g.writeStringField("type", "image_url");
      g.writeObjectFieldStart("image_url");
      g.writeStringField("url", i.url());
      if (i.detail() != null) {
        g.writeStringField("detail", i.detail());
      }
      g.writeEndObject();
    } else if (part instanceof ContentPart.Audio a) {
      g.writeStringField("type", "input_audio");
      g.writeObjectFieldStart("input_audio");
      JsonWriter.stringOrNull(g, "data", a.data());
      JsonWriter.stringOrNull(g, "format", a.format());
      g.writeEndObject();
    } else if (part instanceof ContentPart.File f) {
      g.writeStringField("type", "file");
      g.writeObjectFieldStart("file");
      if (f.fileId() != null) {
        g.writeStringField("file_id", f.fileId());
      }
      if (f.filename() != null) {
        g.writeStringField("filename", f.filename());
      }
      if (f.data() != null) {
        g.writeStringField("file_data", f.data());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}
