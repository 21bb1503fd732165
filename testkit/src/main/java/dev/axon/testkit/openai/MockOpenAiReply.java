package dev.axon.testkit.openai;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the mock OpenAI-compatible server answers to one {@code POST /v1/chat/completions}: content, tool calls, a
 * refusal, a finish reason and usage, or a failure (an HTTP error with OpenAI's error body, an error chunk
 * mid-stream, a hang). The same reply renders as a {@code chat.completion} or as {@code data:} chunks ending with
 * {@code [DONE]}, depending on the request's {@code stream}.
 */
public final class MockOpenAiReply {

  /** One tool call: id, function name, arguments (a JSON object). */
  public record Call(String id, String name, JsonObject arguments) {
  }

  String content;
  final List<Call> calls = new ArrayList<>();
  String refusal;
  String finishReason;
  Integer promptTokens;
  Integer completionTokens;
  int cachedTokens;
  int reasoningTokens;
  String reasoning;
  int httpStatus;
  String errorType;
  String errorCode;
  String errorMessage;
  int streamErrorAfterChunks = -1;
  long delayPerChunkMs;
  long delayBeforeHeadersMs;
  boolean hang;
  String model;
  final Map<String, String> headers = new LinkedHashMap<>();

  public static MockOpenAiReply text(String content) {
    MockOpenAiReply r = new MockOpenAiReply();
    r.content = content;
    return r;
  }

  public static MockOpenAiReply toolCall(String id, String name, JsonObject arguments) {
    return new MockOpenAiReply().addToolCall(id, name, arguments);
  }

  /** An HTTP error with OpenAI's error body; type and code follow the status as OpenAI's do. */
  public static MockOpenAiReply httpError(int status, String message) {
    MockOpenAiReply r = new MockOpenAiReply();
    r.httpStatus = status;
    r.errorMessage = message;
    switch (status) {
      case 400: r.errorType = "invalid_request_error"; break;
      case 401: r.errorType = "invalid_request_error"; r.errorCode = "invalid_api_key"; break;
      case 403: r.errorType = "invalid_request_error"; r.errorCode = "unsupported_country_region_territory"; break;
      case 404: r.errorType = "invalid_request_error"; r.errorCode = "model_not_found"; break;
      case 429: r.errorType = "requests"; r.errorCode = "rate_limit_exceeded"; break;
      default: r.errorType = "server_error"; break;
    }
    return r;
  }

  public MockOpenAiReply addToolCall(String id, String name, JsonObject arguments) {
    calls.add(new Call(id, name, arguments));
    if (finishReason == null) {
      finishReason = "tool_calls";
    }
    return this;
  }

  public MockOpenAiReply content(String content) {
    this.content = content;
    return this;
  }

  public MockOpenAiReply refusal(String refusal) {
    this.refusal = refusal;
    return this;
  }

  /** Reasoning text streamed as {@code reasoning_content} (as vLLM and DeepSeek do); a gateway must not leak it. */
  public MockOpenAiReply reasoning(String reasoning) {
    this.reasoning = reasoning;
    return this;
  }

  public MockOpenAiReply finishReason(String reason) {
    this.finishReason = reason;
    return this;
  }

  public MockOpenAiReply usage(int prompt, int completion, int cached, int reasoningTokens) {
    this.promptTokens = prompt;
    this.completionTokens = completion;
    this.cachedTokens = cached;
    this.reasoningTokens = reasoningTokens;
    return this;
  }

  public MockOpenAiReply errorCode(String code) {
    this.errorCode = code;
    return this;
  }

  public MockOpenAiReply retryAfter(String seconds) {
    return header("retry-after", seconds);
  }

  public MockOpenAiReply header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** A 200 stream that ends with an error chunk after this many content chunks. */
  public MockOpenAiReply streamErrorAfter(int chunks) {
    this.streamErrorAfterChunks = chunks;
    return this;
  }

  public MockOpenAiReply delayPerChunk(long ms) {
    this.delayPerChunkMs = ms;
    return this;
  }

  public MockOpenAiReply delayBeforeHeaders(long ms) {
    this.delayBeforeHeadersMs = ms;
    return this;
  }

  /** Never answers; the connection stays open until the client gives up. */
  public MockOpenAiReply hang() {
    this.hang = true;
    return this;
  }

  public MockOpenAiReply model(String model) {
    this.model = model;
    return this;
  }

  boolean isError() {
    return httpStatus > 0;
  }
}
