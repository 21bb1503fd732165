package dev.axon.api.anthropic;

import dev.axon.api.http.JsonWriter;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The event stream of one streamed message, as Anthropic's API sends it: {@code message_start}; per content block
 * {@code content_block_start}, its deltas ({@code text_delta}, {@code thinking_delta} then {@code signature_delta},
 * {@code input_json_delta}) and {@code content_block_stop}, with indexes counting the blocks; then
 * {@code message_delta} (stop reason, stop sequence, final usage) and {@code message_stop}. {@code ping} keeps a
 * silent stream alive; a failure ends it with an {@code error} event. Each event is
 * {@code event: <type>\ndata: <json>\n\n}.
 *
 * <p>The canonical events come in the order the model produced them; a block opens when an event of another kind
 * (or another tool call, or a thinking block after its signature) arrives, and the block before it closes.
 * Stateful: one per stream, on the exchange's context.
 */
final class AnthropicSseWriter {

  private static final Buffer PING = event("ping", "{\"type\":\"ping\"}");

  private enum Block { NONE, TEXT, THINKING, TOOL, WHOLE }

  private final String messageId;
  private final String model;
  private Block open = Block.NONE;
  /** The index of the open (or last) block; -1 before the first. */
  private int index = -1;
  /** The canonical index of the tool call whose block is open. */
  private int toolCall = -1;
  /** Whether the open thinking block has its signature (a later thinking delta starts a new block). */
  private boolean signed;
  private boolean anyText;

  AnthropicSseWriter(String messageId, String model) {
    this.messageId = messageId;
    this.model = model;
  }

  /** {@code message_start}: the message with no content yet; its usage is what is known before the reply. */
  Buffer start() {
    return event("message_start", JsonWriter.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("type", "message_start");
      g.writeObjectFieldStart("message");
      g.writeStringField("id", messageId);
      g.writeStringField("type", "message");
      g.writeStringField("role", "assistant");
      g.writeStringField("model", model);
      g.writeArrayFieldStart("content");
      g.writeEndArray();
      g.writeNullField("stop_reason");
      g.writeNullField("stop_sequence");
      g.writeFieldName("usage");
      AnthropicRenderer.writeUsage(g, Usage.ZERO, 1);
      g.writeEndObject();
      g.writeEndObject();
    }));
  }

  /** The events one canonical event makes, or null when it shows nothing. */
  Buffer add(ChatEvent event) {
    if (event instanceof ChatEvent.TextDelta t) {
      if (t.text() == null || t.text().isEmpty()) {
        return null;
      }
      Buffer out = Buffer.buffer();
      if (open != Block.TEXT) {
        startBlock(out, Block.TEXT, "{\"type\":\"text\",\"text\":\"\"}");
      }
      anyText = true;
      return out.appendBuffer(delta("text_delta", "text", t.text()));
    }
    if (event instanceof ChatEvent.ThinkingDelta t) {
      Buffer out = Buffer.buffer();
      if (open != Block.THINKING || signed) {
        startBlock(out, Block.THINKING, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
      }
      if (t.thinking() != null && !t.thinking().isEmpty()) {
        out.appendBuffer(delta("thinking_delta", "thinking", t.thinking()));
      }
      if (t.signature() != null) {
        out.appendBuffer(delta("signature_delta", "signature", t.signature()));
        signed = true;
      }
      return out;
    }
    if (event instanceof ChatEvent.RedactedThinking r) {
      // Whole blocks arrive complete in their content_block_start, as the API sends them.
      return whole(JsonWriter.string(g -> {
        g.writeStartObject();
        g.writeStringField("type", "redacted_thinking");
        g.writeStringField("data", r.data());
        g.writeEndObject();
      }));
    }
    if (event instanceof ChatEvent.OpaqueBlock o) {
      return whole(o.json());
    }
    if (event instanceof ChatEvent.ToolCallDelta d) {
      Buffer out = Buffer.buffer();
      if (open != Block.TOOL || toolCall != d.index() || d.id() != null) {
        String id = d.id() == null ? AnthropicRenderer.toolUseId() : d.id();
        String name = d.name() == null ? "" : d.name();
        startBlock(out, Block.TOOL, JsonWriter.string(g -> {
          g.writeStartObject();
          g.writeStringField("type", "tool_use");
          g.writeStringField("id", id);
          g.writeStringField("name", name);
          g.writeObjectFieldStart("input");
          g.writeEndObject();
          g.writeEndObject();
        }));
        toolCall = d.index();
      }
      if (d.arguments() != null) {
        out.appendBuffer(delta("input_json_delta", "partial_json", d.arguments()));
      }
      return out;
    }
    return null;
  }

  /** The end of a message that succeeded: the last block closed, {@code message_delta}, {@code message_stop}. */
  Buffer finish(ChatEvent.Done done, Usage usage) {
    Buffer out = Buffer.buffer();
    if (!anyText && done.refusal() != null && !done.refusal().isEmpty() && open != Block.TOOL) {
      // A refusal without text still says why, as the text of the message.
      out.appendBuffer(add(new ChatEvent.TextDelta(done.refusal())));
    }
    closeBlock(out);
    out.appendBuffer(event("message_delta", JsonWriter.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("type", "message_delta");
      g.writeObjectFieldStart("delta");
      g.writeStringField("stop_reason", AnthropicRenderer.stopReason(done));
      JsonWriter.stringOrNull(g, "stop_sequence", AnthropicRenderer.stopSequence(done));
      g.writeEndObject();
      g.writeFieldName("usage");
      AnthropicRenderer.writeUsage(g, usage, usage.completionTokens());
      g.writeEndObject();
    })));
    return out.appendBuffer(event("message_stop", "{\"type\":\"message_stop\"}"));
  }

  static Buffer ping() {
    return PING.copy();
  }

  /** An {@code error} event: the stream failed after it started (the API sends nothing after it). */
  static Buffer error(AxonException e) {
    return event("error", JsonWriter.bytes(g -> AnthropicErrors.write(g, e, null)));
  }

  /** A block that comes whole: started with its content and stopped at once. */
  private Buffer whole(String contentBlock) {
    Buffer out = Buffer.buffer();
    startBlock(out, Block.WHOLE, contentBlock);
    closeBlock(out);
    return out;
  }

  private void startBlock(Buffer out, Block kind, String contentBlock) {
    closeBlock(out);
    index++;
    open = kind;
    signed = false;
    out.appendBuffer(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
        + ",\"content_block\":" + contentBlock + "}"));
  }

  private void closeBlock(Buffer out) {
    if (open == Block.NONE) {
      return;
    }
    out.appendBuffer(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}"));
    open = Block.NONE;
    toolCall = -1;
  }

  private Buffer delta(String type, String field, String value) {
    int at = index;
    return event("content_block_delta", JsonWriter.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("type", "content_block_delta");
      g.writeNumberField("index", at);
      g.writeObjectFieldStart("delta");
      g.writeStringField("type", type);
      g.writeStringField(field, value);
      g.writeEndObject();
      g.writeEndObject();
    }));
  }

  private static Buffer event(String type, String json) {
    return event(type, json.getBytes(StandardCharsets.UTF_8));
  }

  private static Buffer event(String type, byte[] json) {
    return Buffer.buffer(json.length + type.length() + 16)
        .appendString("event: ").appendString(type).appendString("\ndata: ").appendBytes(json).appendString("\n\n");
  }
}
