package dev.axon.testkit.anthropic;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the mock Anthropic server answers to one {@code POST /v1/messages}: content blocks, a stop reason and
 * usage, or a failure (an HTTP error, an error event mid-stream, a hang). The same reply renders as a
 * {@code Message} or as the SSE event sequence, depending on the request's {@code stream}.
 */
public final class MockReply {

  /**
   * One content block: {@code text}, {@code thinking}, {@code redacted_thinking} ({@code text} is its data),
   * {@code tool_use}, or {@code raw}: any other block ({@code input} is the whole block, e.g. a
   * {@code server_tool_use} or {@code web_search_tool_result}).
   */
  public record Block(String type, String text, String id, String name, JsonObject input) {
  }

  final List<Block> blocks = new ArrayList<>();
  String stopReason = "end_turn";
  String stopSequence;
  Integer inputTokens;
  Integer outputTokens;
  int cacheReadTokens;
  int cacheCreationTokens;
  int httpStatus;
  String errorType;
  String errorMessage;
  String retryAfter;
  int streamErrorAfterDeltas = -1;
  long delayPerDeltaMs;
  long delayBeforeHeadersMs;
  boolean hang;
  String model;
  final Map<String, String> headers = new LinkedHashMap<>();
  int stampedChunks;
  long stampedIntervalMs;

  public static MockReply text(String text) {
    return new MockReply().addText(text);
  }

  public static MockReply toolUse(String id, String name, JsonObject input) {
    return new MockReply().addToolUse(id, name, input).stopReason("tool_use");
  }

  /** An HTTP error with Anthropic's error body; the type follows the status as the real API does. */
  public static MockReply httpError(int status, String message) {
    MockReply r = new MockReply();
    r.httpStatus = status;
    r.errorType = errorTypeFor(status);
    r.errorMessage = message;
    return r;
  }

  public MockReply addText(String text) {
    blocks.add(new Block("text", text, null, null, null));
    return this;
  }

  public MockReply addThinking(String thinking) {
    blocks.add(new Block("thinking", thinking, null, null, null));
    return this;
  }

  /** An encrypted thinking block: it arrives whole in its {@code content_block_start}. */
  public MockReply addRedactedThinking(String data) {
    blocks.add(new Block("redacted_thinking", data, null, null, null));
    return this;
  }

  /**
   * Any other content block, as it appears in a non-streamed message. Streamed, a block with an {@code input} (a
   * {@code server_tool_use}) starts with an empty input that {@code input_json_delta}s fill; any other arrives whole
   * in its {@code content_block_start}, as {@code web_search_tool_result} does.
   */
  public MockReply addRaw(JsonObject block) {
    blocks.add(new Block("raw", null, null, null, block));
    return this;
  }

  public MockReply addToolUse(String id, String name, JsonObject input) {
    blocks.add(new Block("tool_use", null, id, name, input));
    return this;
  }

  public MockReply stopReason(String reason) {
    this.stopReason = reason;
    return this;
  }

  public MockReply stopSequence(String sequence) {
    this.stopSequence = sequence;
    this.stopReason = "stop_sequence";
    return this;
  }

  public MockReply usage(int input, int output, int cacheRead) {
    this.inputTokens = input;
    this.outputTokens = output;
    this.cacheReadTokens = cacheRead;
    return this;
  }

  /** Usage as reported: uncached input, output, cache reads and cache writes ({@code cache_creation_input_tokens}). */
  public MockReply usage(int input, int output, int cacheRead, int cacheCreation) {
    usage(input, output, cacheRead);
    this.cacheCreationTokens = cacheCreation;
    return this;
  }

  public MockReply retryAfter(String seconds) {
    this.retryAfter = seconds;
    return this;
  }

  /** An extra response header (e.g. {@code retry-after-ms}, {@code anthropic-ratelimit-*}). */
  public MockReply header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** A 200 stream that dies with an {@code overloaded_error} event after this many deltas. */
  public MockReply streamErrorAfter(int deltas) {
    this.streamErrorAfterDeltas = deltas;
    return this;
  }

  public MockReply delayPerDelta(long ms) {
    this.delayPerDeltaMs = ms;
    return this;
  }

  public MockReply delayBeforeHeaders(long ms) {
    this.delayBeforeHeadersMs = ms;
    return this;
  }

  /** Never answers; the connection stays open until the client gives up. */
  public MockReply hang() {
    this.hang = true;
    return this;
  }

  /**
   * A benchmark reply: {@code chunks} text deltas, each {@code " t=<epoch µs>"} stamped when it is written,
   * {@code intervalMs} apart, so a client can measure how long each chunk took to reach it.
   */
  public MockReply stamped(int chunks, long intervalMs) {
    this.stampedChunks = chunks;
    this.stampedIntervalMs = intervalMs;
    return this;
  }

  public MockReply model(String model) {
    this.model = model;
    return this;
  }

  boolean isError() {
    return httpStatus > 0;
  }

  static String errorTypeFor(int status) {
    switch (status) {
      case 400: return "invalid_request_error";
      case 401: return "authentication_error";
      case 403: return "permission_error";
      case 404: return "not_found_error";
      case 413: return "request_too_large";
      case 429: return "rate_limit_error";
      case 529: return "overloaded_error";
      default: return "api_error";
    }
  }
}
