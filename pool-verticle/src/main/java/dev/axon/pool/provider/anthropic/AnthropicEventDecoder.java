package dev.axon.pool.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns Anthropic Messages stream events (the {@code data} of each SSE event, or the {@code event} of the CLI's
 * {@code stream_event} lines) into canonical events as they arrive: text deltas, tool-call deltas (the call's
 * id and name at its start, then argument fragments; one stable index per tool call), and at the end the finish
 * reason and usage. Thinking is not passed on as content. An {@code error} event becomes {@link #error()}.
 *
 * <p>One decoder per upstream response; not thread-safe.
 */
public final class AnthropicEventDecoder {

  private final Consumer<ChatEvent> sink;
  /** Content block index → tool call index, for tool_use blocks. */
  private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
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
        if ("tool_use".equals(block.path("type").asText())) {
          int toolIndex = toolIndexByBlock.size();
          toolIndexByBlock.put(event.path("index").asInt(), toolIndex);
          emit(new ChatEvent.ToolCallDelta(toolIndex, block.path("id").asText(), block.path("name").asText(), ""));
        } else if ("text".equals(block.path("type").asText()) && !block.path("text").asText().isEmpty()) {
          text(block.path("text").asText());
        }
        break;
      }
      case "content_block_delta": {
        JsonNode delta = event.path("delta");
        String deltaType = delta.path("type").asText();
        if ("text_delta".equals(deltaType)) {
          text(delta.path("text").asText());
        } else if ("input_json_delta".equals(deltaType)) {
          Integer toolIndex = toolIndexByBlock.get(event.path("index").asInt());
          String fragment = delta.path("partial_json").asText();
          if (toolIndex != null && !fragment.isEmpty()) {
            emit(new ChatEvent.ToolCallDelta(toolIndex, null, null, fragment));
          }
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

  /** Whether any text or tool call was passed on. */
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

  /** Prompt tokens include cache reads and writes; cached tokens are the reads. */
  public Usage usage() {
    return new Usage(inputTokens + cacheReadTokens + cacheCreationTokens, outputTokens, cacheReadTokens, 0);
  }

  /** The model the upstream says served the reply, or null. */
  public String model() {
    return model;
  }

  /** The outcome, with {@code fallbackModel} when the upstream named none. */
  public ChatEvent.Done done(String fallbackModel, String refusal) {
    return new ChatEvent.Done(finishReason(stopReason), usage(), model != null ? model : fallbackModel, refusal);
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
