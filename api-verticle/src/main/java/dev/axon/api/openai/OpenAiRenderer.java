package dev.axon.api.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.axon.api.http.JsonBytes;
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

  // A chat completion, in the order written: its constant runs and the names before its values.
  private static final byte[] ID = JsonBytes.firstName("id");
  private static final byte[] OBJECT_CREATED = JsonBytes.constant(",\"object\":\"chat.completion\",\"created\":");
  private static final byte[] MODEL = JsonBytes.name("model");
  private static final byte[] SYSTEM_FINGERPRINT = JsonBytes.name("system_fingerprint");
  private static final byte[] CHOICES = JsonBytes.constant(",\"choices\":[");
  private static final byte[] INDEX = JsonBytes.firstName("index");
  private static final byte[] NEXT_INDEX = JsonBytes.constant(",{\"index\":");
  private static final byte[] MESSAGE_CONTENT = JsonBytes.constant(",\"message\":{\"role\":\"assistant\",\"content\":");
  private static final byte[] REFUSAL = JsonBytes.name("refusal");
  private static final byte[] TOOL_CALLS = JsonBytes.constant(",\"tool_calls\":[");
  private static final byte[] COMMA = JsonBytes.constant(",");
  private static final byte[] END_TOOL_CALLS = JsonBytes.constant("]");
  private static final byte[] ANNOTATIONS_LOGPROBS_FINISH = JsonBytes.constant(",\"annotations\":[]},\"logprobs\":null,\"finish_reason\":");
  private static final byte[] END_CHOICE = JsonBytes.constant("}");
  private static final byte[] END_CHOICES_USAGE = JsonBytes.constant("],\"usage\":");
  private static final byte[] SERVICE_TIER = JsonBytes.constant(",\"service_tier\":\"default\"");
  private static final byte[] CONVERSATION_ID = JsonBytes.name("conversation_id");
  private static final byte[] PROVIDER = JsonBytes.name("provider");
  private static final byte[] SERVED_MODEL = JsonBytes.name("served_model");
  private static final byte[] END = JsonBytes.constant("}");
  // The usage object: three counts, then the details with the two the gateway knows (the others are always 0).
  private static final byte[] PROMPT_TOKENS = JsonBytes.firstName("prompt_tokens");
  private static final byte[] COMPLETION_TOKENS = JsonBytes.name("completion_tokens");
  private static final byte[] TOTAL_TOKENS = JsonBytes.name("total_tokens");
  private static final byte[] CACHED_TOKENS = JsonBytes.constant(",\"prompt_tokens_details\":{\"cached_tokens\":");
  private static final byte[] REASONING_TOKENS = JsonBytes.constant(",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":");
  private static final byte[] END_USAGE = JsonBytes.constant(
      ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}");

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
    JsonBytes out = JsonBytes.pooled();
    out.raw(ID).string(id).raw(OBJECT_CREATED).number(created).raw(MODEL).string(model)
        .raw(SYSTEM_FINGERPRINT).string(fingerprint).raw(CHOICES);
    boolean first = true;
    for (ChoiceResult c : choices) {
      out.raw(first ? INDEX : NEXT_INDEX).number(c.index()).raw(MESSAGE_CONTENT);
      first = false;
      boolean hasTools = !c.toolCalls().isEmpty();
      out.stringOrNull((hasTools || c.refusal() != null) && c.content().isEmpty() ? null : c.content());
      out.raw(REFUSAL).stringOrNull(c.refusal());
      if (hasTools) {
        out.raw(TOOL_CALLS);
        for (int i = 0; i < c.toolCalls().size(); i++) {
          ToolCall call = c.toolCalls().get(i);
          // Replies with tool calls are the fewer: their calls are written by the generator the conversations use.
          if (i > 0) {
            out.raw(COMMA);
          }
          out.raw(JsonWriter.bytes(g -> writeToolCall(g, call)));
        }
        out.raw(END_TOOL_CALLS);
      }
      out.raw(ANNOTATIONS_LOGPROBS_FINISH).string(finishReason(c.finishReason())).raw(END_CHOICE);
    }
    out.raw(END_CHOICES_USAGE);
    writeUsage(out, usage);
    out.raw(SERVICE_TIER);
    if (conversationId != null) {
      out.raw(CONVERSATION_ID).string(conversationId);
    }
    if (servedBy.provider() != null) {
      out.raw(PROVIDER).string(servedBy.provider());
    }
    if (servedBy.model() != null) {
      out.raw(SERVED_MODEL).string(servedBy.model());
    }
    return out.raw(END).buffer();
  }

  static void writeServedBy(JsonGenerator g, ServedBy servedBy) throws IOException {
    if (servedBy.provider() != null) {
      g.writeStringField("provider", servedBy.provider());
    }
    if (servedBy.model() != null) {
      g.writeStringField("served_model", servedBy.model());
    }
  }

  /** The usage object OpenAI sends, with its details. */
  static byte[] usage(Usage usage) {
    return writeUsage(JsonBytes.pooled(), usage).toByteArray();
  }

  private static JsonBytes writeUsage(JsonBytes out, Usage usage) {
    return out.raw(PROMPT_TOKENS).number(usage.promptTokens()).raw(COMPLETION_TOKENS).number(usage.completionTokens())
        .raw(TOTAL_TOKENS).number(usage.totalTokens()).raw(CACHED_TOKENS).number(usage.cachedTokens())
        .raw(REASONING_TOKENS).number(usage.reasoningTokens()).raw(END_USAGE);
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
