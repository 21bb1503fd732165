package dev.axon.api.openai;

import dev.axon.api.http.JsonWriter;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events of one streamed completion. The parts every chunk shares (id, created, model,
 * fingerprint, conversation id) are encoded once per stream; a chunk is then one small JSON write between them.
 */
public final class OpenAiChunkWriter {

  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final byte[] prefix;
  private final byte[] suffix;
  private final byte[] usageSuffixHead;

  public OpenAiChunkWriter(String id, long created, String model, String fingerprint, boolean includeUsage, String conversationId) {
    byte[] head = JsonWriter.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("object", "chat.completion.chunk");
      g.writeNumberField("created", created);
      g.writeStringField("model", model);
      g.writeStringField("system_fingerprint", fingerprint);
      g.writeStringField("service_tier", "default");
      g.writeEndObject();
    });
    // head is {...}: drop the closing brace, then open the choices array.
    prefix = concat(DATA, slice(head, 0, head.length - 1), ",\"choices\":[".getBytes(StandardCharsets.UTF_8));
    String conv = conversationId == null ? "" : ",\"conversation_id\":" + quote(conversationId);
    suffix = ("]" + (includeUsage ? ",\"usage\":null" : "") + conv + "}\n\n").getBytes(StandardCharsets.UTF_8);
    usageSuffixHead = ("]" + conv + ",\"usage\":").getBytes(StandardCharsets.UTF_8);
  }

  /** The first chunk of a choice: the assistant role with empty content. */
  public Buffer role(int index) {
    return chunk(g -> {
      g.writeStartObject();
      g.writeNumberField("index", index);
      g.writeObjectFieldStart("delta");
      g.writeStringField("role", "assistant");
      g.writeStringField("content", "");
      g.writeNullField("refusal");
      g.writeEndObject();
      g.writeNullField("logprobs");
      g.writeNullField("finish_reason");
      g.writeEndObject();
    });
  }

  public Buffer content(int index, String text) {
    return chunk(g -> {
      g.writeStartObject();
      g.writeNumberField("index", index);
      g.writeObjectFieldStart("delta");
      g.writeStringField("content", text);
      g.writeEndObject();
      g.writeNullField("logprobs");
      g.writeNullField("finish_reason");
      g.writeEndObject();
    });
  }

  /** A tool-call fragment; the first fragment of a call carries its id, type and name. */
  public Buffer toolCall(int index, int callIndex, String id, String name, String arguments) {
    return chunk(g -> {
      g.writeStartObject();
      g.writeNumberField("index", index);
      g.writeObjectFieldStart("delta");
      g.writeArrayFieldStart("tool_calls");
      g.writeStartObject();
      g.writeNumberField("index", callIndex);
      if (id != null) {
        g.writeStringField("id", id);
        g.writeStringField("type", "function");
      }
      g.writeObjectFieldStart("function");
      if (name != null) {
        g.writeStringField("name", name);
      }
      g.writeStringField("arguments", arguments == null ? "" : arguments);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeNullField("logprobs");
      g.writeNullField("finish_reason");
      g.writeEndObject();
    });
  }

  public Buffer finish(int index, FinishReason reason, String refusal) {
    return finish(index, reason, refusal, ServedBy.UNKNOWN);
  }

  /** The last chunk of a choice; it also says which provider and model served it, when known. */
  public Buffer finish(int index, FinishReason reason, String refusal, ServedBy servedBy) {
    if (servedBy.provider() == null && servedBy.model() == null) {
      return chunk(finishChoice(index, reason, refusal));
    }
    byte[] body = JsonWriter.bytes(finishChoice(index, reason, refusal));
    byte[] served = JsonWriter.bytes(g -> {
      g.writeStartObject();
      OpenAiRenderer.writeServedBy(g, servedBy);
      g.writeEndObject();
    });
    // The shared suffix ends with "}\n\n": put the served-by fields just before that brace.
    Buffer out = Buffer.buffer(prefix.length + body.length + suffix.length + served.length)
        .appendBytes(prefix).appendBytes(body).appendBytes(suffix, 0, suffix.length - 3)
        .appendString(",").appendBytes(served, 1, served.length - 2).appendString("}\n\n");
    return out;
  }

  private static JsonWriter.Body finishChoice(int index, FinishReason reason, String refusal) {
    return g -> {
      g.writeStartObject();
      g.writeNumberField("index", index);
      g.writeObjectFieldStart("delta");
      if (refusal != null) {
        g.writeStringField("refusal", refusal);
      }
      g.writeEndObject();
      g.writeNullField("logprobs");
      g.writeStringField("finish_reason", OpenAiRenderer.finishReason(reason));
      g.writeEndObject();
    };
  }

  /** The extra last chunk of {@code include_usage}: no choices, the totals. */
  public Buffer usage(Usage usage) {
    byte[] body = OpenAiRenderer.usage(usage);
    return Buffer.buffer(prefix.length + usageSuffixHead.length + body.length + 3)
        .appendBytes(prefix).appendBytes(usageSuffixHead).appendBytes(body).appendString("}\n\n");
  }

  /** An error after the stream started, as OpenAI sends it, followed by the end marker. */
  public static Buffer error(AxonException e) {
    byte[] body = JsonWriter.bytes(g -> {
      g.writeStartObject();
      OpenAiErrors.writeError(g, e);
      g.writeEndObject();
    });
    return Buffer.buffer(body.length + 24).appendBytes(DATA).appendBytes(body).appendBytes(END).appendBuffer(DONE);
  }

  public static Buffer done() {
    return DONE.copy();
  }

  private Buffer chunk(JsonWriter.Body choice) {
    byte[] body = JsonWriter.bytes(choice);
    return Buffer.buffer(prefix.length + body.length + suffix.length).appendBytes(prefix).appendBytes(body).appendBytes(suffix);
  }

  private static String quote(String s) {
    return JsonWriter.string(g -> g.writeString(s));
  }

  private static byte[] slice(byte[] a, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(a, from, out, 0, out.length);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

}
