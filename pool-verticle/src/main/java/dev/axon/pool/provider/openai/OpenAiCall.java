package dev.axon.pool.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import dev.axon.pool.provider.anthropic.AnthropicErrors;
import dev.axon.pool.provider.http.ResponseDecoder;
import dev.axon.pool.provider.http.UpstreamCall;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One turn's {@code POST /chat/completions} to an OpenAI-compatible upstream, and the reading of its response —
 * {@code data:} chunks up to {@code [DONE]}, or a whole completion — into canonical events: content deltas, tool-call
 * deltas by the upstream's own index (id and name first), the refusal, the finish reason ({@code tool_calls}
 * whenever tools were called, even if the upstream says {@code stop}) and the usage with cached and reasoning
 * tokens. Reasoning text some upstreams stream ({@code reasoning_content}) is not passed on. An error chunk
 * ({@code data: {"error": …}}) fails the turn.
 */
final class OpenAiCall implements UpstreamCall {

  private final OpenAiOptions options;
  private final String model;
  private final Buffer body;
  private final boolean stream;

  OpenAiCall(OpenAiOptions options, String model, Buffer body, boolean stream) {
    this.options = options;
    this.model = model;
    this.body = body;
    this.stream = stream;
  }

  @Override
  public String path() {
    return "/chat/completions";
  }

  @Override
  public void headers(MultiMap headers) {
    if (options.http().apiKey() != null) {
      headers.set("authorization", "Bearer " + options.http().apiKey());
    }
    headers.set("accept", stream ? "text/event-stream" : "application/json");
  }

  @Override
  public Buffer body() {
    return body;
  }

  @Override
  public boolean streamed() {
    return stream;
  }

  @Override
  public ResponseDecoder decoder(Consumer<ChatEvent> sink) {
    return new Decoder(sink);
  }

  @Override
  public AxonException error(int status, Buffer errorBody, MultiMap headers) {
    JsonNode json = null;
    try {
      json = Json.MAPPER.readTree(errorBody.getBytes());
    } catch (IOException | RuntimeException e) {
      // not JSON: the status says enough
    }
    if (status == 429 && json != null && "insufficient_quota".equals(json.path("error").path("code").asText())) {
      return new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream account's quota is used up; this is a gateway "
          + "configuration problem.", null, null);
    }
    return AnthropicErrors.fromStatus(status, message(json), headers.get("retry-after"));
  }

  /** The explanation in an error body: OpenAI's {@code error.message}, Ollama's {@code error}, FastAPI's {@code detail}. */
  static String message(JsonNode json) {
    if (json == null) {
      return null;
    }
    JsonNode error = json.get("error");
    if (error != null && error.isObject()) {
      return error.path("message").asText(null);
    }
    if (error != null && error.isTextual()) {
      return error.asText();
    }
    JsonNode detail = json.get("detail");
    if (detail != null && detail.isTextual()) {
      return detail.asText();
    }
    return json.path("message").asText(null);
  }

  /** An error chunk inside a 200 stream, by its type or code. */
  static AxonException streamError(JsonNode error) {
    String type = (error.path("type").asText("") + " " + error.path("code").asText("")).toLowerCase();
    String message = error.path("message").asText(null);
    if (type.contains("rate_limit")) {
      return AnthropicErrors.fromStatus(429, message, null);
    }
    if (type.contains("overloaded") || type.contains("unavailable")) {
      return AnthropicErrors.fromStatus(529, message, null);
    }
    if (type.contains("timeout")) {
      return AnthropicErrors.fromStatus(504, message, null);
    }
    if (type.contains("invalid_request")) {
      return AnthropicErrors.fromStatus(400, message, null);
    }
    return new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream failed in the middle of the reply.", null, null);
  }

  /** Reads one attempt's response. */
  private final class Decoder implements ResponseDecoder {
    private final Consumer<ChatEvent> sink;
    private final Set<Integer> startedCalls = new HashSet<>();
    private final StringBuilder refusal = new StringBuilder();
    private FinishReason finish;
    private Usage usage = Usage.ZERO;
    private String servedModel;
    private boolean toolCalls;
    private boolean doneMarker;
    private AxonException failure;

    Decoder(Consumer<ChatEvent> sink) {
      this.sink = sink;
    }

    @Override
    public void onEvent(String event, String data) {
      String trimmed = data.trim();
      if (trimmed.equals("[DONE]")) {
        doneMarker = true;
        return;
      }
      if (trimmed.isEmpty()) {
        return;
      }
      JsonNode chunk;
      try {
        chunk = Json.MAPPER.readTree(trimmed);
      } catch (IOException e) {
        failure = new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream sent a chunk that is not JSON.", null, null);
        return;
      }
      if (chunk.has("error") && !chunk.get("error").isNull()) {
        JsonNode error = chunk.get("error");
        failure = error.isObject() ? streamError(error)
            : new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream failed in the middle of the reply.", null, null);
        return;
      }
      read(chunk, false);
    }

    @Override
    public void onBody(Buffer whole) {
      JsonNode completion;
      try {
        completion = Json.MAPPER.readTree(whole.getBytes());
      } catch (IOException e) {
        failure = new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream's reply is not JSON.", null, null);
        return;
      }
      if (completion == null || !completion.isObject()) {
        failure = new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream's reply is not a chat completion.", null, null);
        return;
      }
      if (completion.hasNonNull("error")) {
        JsonNode error = completion.get("error");
        failure = error.isObject() ? streamError(error) : new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream failed.", null, null);
        return;
      }
      read(completion, true);
      doneMarker = true;
    }

    private void read(JsonNode chunk, boolean whole) {
      if (chunk.hasNonNull("model")) {
        servedModel = chunk.get("model").asText();
      }
      if (chunk.hasNonNull("usage")) {
        usage = usage(chunk.get("usage"));
      }
      for (JsonNode choice : chunk.path("choices")) {
        if (choice.path("index").asInt(0) != 0) {
          continue;
        }
        JsonNode delta = whole ? choice.path("message") : choice.path("delta");
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual() && !content.asText().isEmpty()) {
          sink.accept(new ChatEvent.TextDelta(content.asText()));
        }
        JsonNode refusalText = delta.get("refusal");
        if (refusalText != null && refusalText.isTextual()) {
          refusal.append(refusalText.asText());
        }
        JsonNode calls = delta.get("tool_calls");
        if (calls != null && calls.isArray()) {
          int position = 0;
          for (JsonNode call : calls) {
            int index = call.has("index") ? call.path("index").asInt() : position;
            position++;
            toolCall(index, call.path("id").asText(null), call.path("function").path("name").asText(null),
                call.path("function").path("arguments").asText(""));
          }
        }
        JsonNode legacy = delta.get("function_call");
        if (legacy != null && legacy.isObject()) {
          toolCall(0, null, legacy.path("name").asText(null), legacy.path("arguments").asText(""));
        }
        JsonNode reason = choice.get("finish_reason");
        if (reason != null && reason.isTextual()) {
          finish = finishReason(reason.asText());
        }
      }
    }

    private void toolCall(int index, String id, String name, String arguments) {
      toolCalls = true;
      if (startedCalls.add(index)) {
        sink.accept(new ChatEvent.ToolCallDelta(index, id != null ? id : "call_" + index, name, arguments));
      } else if (!arguments.isEmpty()) {
        sink.accept(new ChatEvent.ToolCallDelta(index, null, null, arguments));
      }
    }

    @Override
    public Outcome outcome() {
      if (failure != null) {
        return Outcome.failed(failure);
      }
      return doneMarker ? Outcome.done(done()) : null;
    }

    @Override
    public Outcome end() {
      Outcome outcome = outcome();
      if (outcome != null) {
        return outcome;
      }
      if (finish != null) {
        return Outcome.done(done());
      }
      return Outcome.failed(new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream ended the reply before it was complete.", null, null));
    }

    private ChatEvent.Done done() {
      FinishReason f = finish == null ? FinishReason.STOP : finish;
      if (toolCalls && f == FinishReason.STOP) {
        f = FinishReason.TOOL_CALLS;
      }
      return new ChatEvent.Done(f, usage, servedModel != null ? servedModel : model, refusal.length() > 0 ? refusal.toString() : null);
    }
  }

  static FinishReason finishReason(String reason) {
    switch (reason) {
      case "length":
        return FinishReason.LENGTH;
      case "tool_calls":
      case "function_call":
        return FinishReason.TOOL_CALLS;
      case "content_filter":
        return FinishReason.CONTENT_FILTER;
      default:
        return FinishReason.STOP;
    }
  }

  static Usage usage(JsonNode u) {
    int prompt = u.path("prompt_tokens").asInt(0);
    int completion = u.path("completion_tokens").asInt(0);
    int cached = u.path("prompt_tokens_details").path("cached_tokens").asInt(0);
    int reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asInt(0);
    return new Usage(prompt, completion, cached, reasoning);
  }
}
