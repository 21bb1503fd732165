package dev.axon.pool.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.json.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns Anthropic Messages stream events (the {@code data} of each SSE event, or the {@code event} of the CLI's
 * {@code stream_event} lines) into canonical events as they arrive: text deltas, tool-call deltas (the call's
 * id and name at its start, then argument fragments; one stable index per tool call), thinking deltas (fragments,
 * then the block's signature), whole redacted thinking blocks, whole blocks of other types (server tool use and
 * results: see {@link ChatEvent.OpaqueBlock}), and at the end the finish reason, the stop sequence and usage with
 * cache reads and writes. Thinking is never passed on as text. An {@code error} event becomes {@link #error()}.
 *
 * <p>One decoder per upstream response; not thread-safe.
 */
public final class AnthropicEventDecoder {

  private final Consumer<ChatEvent> sink;
  /** Content block index → tool call index, for tool_use blocks. */
  private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
  /** Content block index → a block of another type being assembled (its input arrives as JSON fragments). */
  private final Map<Integer, OpaqueBuilder> opaqueByBlock = new HashMap<>();
  private String model;
  private String stopReason;
  private String stopSequence;
  private JsonNode stopDetails;
  private int inputTokens;
  private int cacheReadTokens;
  private int cacheCreationTokens;
  private int outputTokens;
  private boolean emitted;
  private boolean started;
  private boolean stopped;
  private AxonException error;

  public AnthropicEventDecoder(Consumer<ChatEvent> sink) {
    this.sink = sink;
  }

  /**
   * Feeds the data of a {@code content_block_delta} event when it is a text delta, read with a streaming parser rather
   * than into a tree (most of a reply's events are text deltas, and the tree cost more than the rest of the relay).
   *
   * @return false, having consumed nothing, when the data is anything else: feed it to {@link #accept} then
   */
  public boolean acceptTextDelta(String data) {
    String text = textOfDelta(data);
    if (text == null) {
      return false;
    }
    text(text);
    return true;
  }

  /** The {@code delta.text} of a {@code text_delta}, or null when the data is not one (or not JSON). */
  static String textOfDelta(String data) {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String text = null;
      boolean textDelta = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("delta".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("type".equals(name) && v == JsonToken.VALUE_STRING) {
              textDelta = "text_delta".equals(p.getText());
            } else if ("text".equals(name) && v == JsonToken.VALUE_STRING) {
              text = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      return textDelta ? text : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Feeds one event; unknown event and delta types are ignored, as the API asks clients to. */
  public void accept(JsonNode event) {
    String type = event.path("type").asText();
    switch (type) {
      case "message_start": {
        started = true;
        JsonNode message = event.path("message");
        model = message.path("model").asText(null);
        readUsage(message.path("usage"));
        break;
      }
      case "content_block_start": {
        JsonNode block = event.path("content_block");
        String blockType = block.path("type").asText();
        if ("tool_use".equals(blockType)) {
          int toolIndex = toolIndexByBlock.size();
          toolIndexByBlock.put(event.path("index").asInt(), toolIndex);
          emit(new ChatEvent.ToolCallDelta(toolIndex, block.path("id").asText(), block.path("name").asText(), ""));
        } else if ("text".equals(blockType)) {
          text(block.path("text").asText());
        } else if ("thinking".equals(blockType)) {
          thinking(block.path("thinking").asText());
          if (!block.path("signature").asText().isEmpty()) {
            emit(ChatEvent.ThinkingDelta.signed(block.path("signature").asText()));
          }
        } else if ("redacted_thinking".equals(blockType)) {
          emit(new ChatEvent.RedactedThinking(block.path("data").asText()));
        } else if (block.isObject() && !blockType.isEmpty()) {
          opaqueByBlock.put(event.path("index").asInt(), new OpaqueBuilder((ObjectNode) block.deepCopy()));
        }
        break;
      }
      case "content_block_delta": {
        JsonNode delta = event.path("delta");
        String deltaType = delta.path("type").asText();
        int index = event.path("index").asInt();
        if ("text_delta".equals(deltaType)) {
          text(delta.path("text").asText());
        } else if ("input_json_delta".equals(deltaType)) {
          Integer toolIndex = toolIndexByBlock.get(index);
          String fragment = delta.path("partial_json").asText();
          OpaqueBuilder opaque = opaqueByBlock.get(index);
          if (toolIndex != null && !fragment.isEmpty()) {
            emit(new ChatEvent.ToolCallDelta(toolIndex, null, null, fragment));
          } else if (opaque != null) {
            opaque.input.append(fragment);
          }
        } else if ("thinking_delta".equals(deltaType)) {
          thinking(delta.path("thinking").asText());
        } else if ("signature_delta".equals(deltaType)) {
          emit(ChatEvent.ThinkingDelta.signed(delta.path("signature").asText()));
        }
        break;
      }
      case "content_block_stop": {
        OpaqueBuilder opaque = opaqueByBlock.remove(event.path("index").asInt());
        if (opaque != null) {
          emit(new ChatEvent.OpaqueBlock(opaque.build()));
        }
        break;
      }
      case "message_delta": {
        JsonNode delta = event.path("delta");
        if (delta.hasNonNull("stop_reason")) {
          stopReason = delta.path("stop_reason").asText();
        }
        if (delta.hasNonNull("stop_sequence")) {
          stopSequence = delta.path("stop_sequence").asText();
        }
        if (delta.hasNonNull("stop_details")) {
          stopDetails = delta.get("stop_details");
        }
        readUsage(event.path("usage"));
        break;
      }
      case "message_stop":
        stopped = true;
        break;
      case "error": {
        JsonNode e = event.path("error");
        error = AnthropicErrors.fromType(e.path("type").asText(null), e.path("message").asText(null));
        break;
      }
      default:
        break;
    }
  }

  /** Feeds a whole non-streaming {@code Message}, as if it had been streamed. */
  public void acceptMessage(JsonNode message) {
    started = true;
    model = message.path("model").asText(null);
    int blockIndex = 0;
    for (JsonNode block : message.path("content")) {
      String type = block.path("type").asText();
      if ("text".equals(type)) {
        text(block.path("text").asText());
      } else if ("tool_use".equals(type)) {
        int toolIndex = toolIndexByBlock.size();
        toolIndexByBlock.put(blockIndex, toolIndex);
        emit(new ChatEvent.ToolCallDelta(toolIndex, block.path("id").asText(), block.path("name").asText(), ""));
        emit(new ChatEvent.ToolCallDelta(toolIndex, null, null, block.path("input").toString()));
      } else if ("thinking".equals(type)) {
        thinking(block.path("thinking").asText());
        emit(ChatEvent.ThinkingDelta.signed(block.path("signature").asText()));
      } else if ("redacted_thinking".equals(type)) {
        emit(new ChatEvent.RedactedThinking(block.path("data").asText()));
      } else if (block.isObject() && !type.isEmpty()) {
        emit(new ChatEvent.OpaqueBlock(block.toString()));
      }
      blockIndex++;
    }
    stopReason = message.path("stop_reason").asText(null);
    stopSequence = message.path("stop_sequence").asText(null);
    if (message.hasNonNull("stop_details")) {
      stopDetails = message.get("stop_details");
    }
    readUsage(message.path("usage"));
    stopped = true;
  }

  private void text(String text) {
    if (text.isEmpty()) {
      return;
    }
    emit(new ChatEvent.TextDelta(text));
  }

  private void thinking(String text) {
    if (!text.isEmpty()) {
      emit(ChatEvent.ThinkingDelta.text(text));
    }
  }

  /** A block of a type the canonical model does not know, whole once its stop came. */
  private static final class OpaqueBuilder {
    final ObjectNode start;
    final StringBuilder input = new StringBuilder();

    OpaqueBuilder(ObjectNode start) {
      this.start = start;
    }

    /** The block as a non-streamed message would have it: the input fragments parsed into {@code input}. */
    String build() {
      if (input.length() > 0) {
        try {
          start.set("input", Json.MAPPER.readTree(input.toString()));
        } catch (JsonProcessingException e) {
          // Cut off (max_tokens): what came is all there is; the block keeps its start's input.
        }
      }
      return start.toString();
    }
  }

  private void emit(ChatEvent event) {
    emitted = true;
    sink.accept(event);
  }

  private void readUsage(JsonNode usage) {
    if (usage.isMissingNode() || usage.isNull()) {
      return;
    }
    // message_delta usage is cumulative: take the latest value of every count it carries.
    if (usage.has("input_tokens")) {
      inputTokens = usage.path("input_tokens").asInt();
    }
    if (usage.has("cache_read_input_tokens")) {
      cacheReadTokens = usage.path("cache_read_input_tokens").asInt();
    }
    if (usage.has("cache_creation_input_tokens")) {
      cacheCreationTokens = usage.path("cache_creation_input_tokens").asInt();
    }
    if (usage.has("output_tokens")) {
      outputTokens = usage.path("output_tokens").asInt();
    }
  }

  /** Whether any event (text, tool call, thinking, block) was passed on. */
  public boolean emitted() {
    return emitted;
  }

  /** Whether {@code message_start} was seen. */
  public boolean started() {
    return started;
  }

  /** Whether the message ended ({@code message_stop}, or a whole message was read). */
  public boolean stopped() {
    return stopped;
  }

  /** The error event the stream ended with, or null. */
  public AxonException error() {
    return error;
  }

  public String stopReason() {
    return stopReason;
  }

  /** The stop sequence that ended the reply, or null. */
  public String stopSequence() {
    return stopSequence;
  }

  /** The explanation of a refusal ({@code stop_details.explanation}), or null. */
  public String refusalExplanation() {
    return stopDetails == null ? null : stopDetails.path("explanation").asText(null);
  }

  /** Prompt tokens include cache reads and writes; cached tokens are the reads, cache-write tokens the writes. */
  public Usage usage() {
    return new Usage(inputTokens + cacheReadTokens + cacheCreationTokens, outputTokens, cacheReadTokens, 0, cacheCreationTokens);
  }

  /** The model the upstream says served the reply, or null. */
  public String model() {
    return model;
  }

  /** The outcome, with {@code fallbackModel} when the upstream named none; the upstream's stop reason and sequence kept. */
  public ChatEvent.Done done(String fallbackModel, String refusal) {
    return new ChatEvent.Done(finishReason(stopReason), usage(), model != null ? model : fallbackModel, refusal, null,
        "stop_sequence".equals(stopReason) ? stopSequence : null, stopReason);
  }

  /** Anthropic's stop reasons in OpenAI's closed vocabulary. */
  public static FinishReason finishReason(String stopReason) {
    if (stopReason == null) {
      return FinishReason.STOP;
    }
    switch (stopReason) {
      case "max_tokens":
      case "model_context_window_exceeded":
        return FinishReason.LENGTH;
      case "tool_use":
        return FinishReason.TOOL_CALLS;
      case "refusal":
        return FinishReason.CONTENT_FILTER;
      default:
        return FinishReason.STOP;
    }
  }
}
