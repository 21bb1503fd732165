package dev.axon.testkit.anthropic;

import dev.axon.testkit.RequestLog;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mock of Anthropic's Messages API ({@code POST /v1/messages}, streaming and not, {@code count_tokens},
 * {@code GET /v1/models}) that speaks the real wire protocol: headers, {@code event:}+{@code data:} SSE, the
 * event order, error bodies and statuses (see shared/conformance/anthropic). It records every request so tests
 * can assert exactly what an upstream received, and notices clients that hang up mid-response.
 *
 * <p>Replies: an {@linkplain #enqueue enqueued} {@link MockReply} when there is one, else one computed from the
 * request: {@code "Hello from the mock upstream. You said: <last user text>"} (after a tool result: what the
 * tool returned), honouring {@code max_tokens} (in words), {@code stop_sequences}, a forced tool choice and
 * extended thinking, and answering structured outputs ({@code output_config.format} / {@code output_format}) with a
 * JSON value that fits the schema. The last user text can script it: {@code UPSTREAM_ERROR <status>},
 * {@code UPSTREAM_STREAM_ERROR}, {@code UPSTREAM_SLOW <ms>}, {@code UPSTREAM_HANG}, {@code UPSTREAM_REFUSAL},
 * {@code UPSTREAM_TOOL <name> <json>}, {@code UPSTREAM_TOOL_BASH} (a {@code Bash} tool call that would touch
 * {@code /tmp/axon-pwned}), {@code UPSTREAM_BENCH <chunks> <ms>} (a benchmark reply of time-stamped chunks, see
 * {@link MockReply#stamped}). The {@code mock} provider's script words mean the same here, so one end-to-end suite
 * drives a gateway on either provider: {@code MOCK_FAIL} is {@code UPSTREAM_ERROR 500}, {@code MOCK_FAIL_MIDSTREAM}
 * a stream error after three deltas, {@code MOCK_SLOW <ms>} is {@code UPSTREAM_SLOW <ms>}.
 *
 * <p>Extended thinking ({@code thinking.type} enabled or adaptive) comes first as a thinking block:
 * {@code thinking_delta} fragments, then a {@code signature_delta} whose signature is the mock's hash of the text
 * ({@link #signature}); a later request that sends such a block back with its text changed is refused (400), as the
 * real API refuses a modified thinking block.
 *
 * <p>Prompt caching: every {@code cache_control} breakpoint (at most 4, type {@code ephemeral}, ttl {@code 5m} or
 * {@code 1h}) marks the prefix up to it (tools, system, messages, in that order); the longest prefix seen before is
 * reported as {@code cache_read_input_tokens}, the rest up to the last breakpoint as
 * {@code cache_creation_input_tokens} (and remembered), and {@code input_tokens} is what remains — token counts being
 * words of text, as everywhere in the mock (tools count none).
 *
 * <p>{@code POST /v1/messages/count_tokens} validates its body like the real API ({@code model} and {@code messages}
 * required, no {@code max_tokens}, {@code stream} or other field count_tokens does not take) and answers the input's
 * words, or what {@link #enqueueCountTokens} scripted.
 *
 * <p>Runnable on its own: {@code java -cp ... dev.axon.testkit.anthropic.MockAnthropicServer [port]}.
 */
public final class MockAnthropicServer {

  public static final String MODEL_SUFFIX = "-20260101";
  private static final Pattern ERROR = Pattern.compile("UPSTREAM_ERROR\\s+(\\d{3})");
  private static final Pattern SLOW = Pattern.compile("(?:UPSTREAM|MOCK)_SLOW\\s+(\\d{1,6})");
  private static final Pattern BENCH = Pattern.compile("UPSTREAM_BENCH\\s+(\\d{1,6})\\s+(\\d{1,6})");
  private static final Pattern TOOL = Pattern.compile("UPSTREAM_TOOL\\s+([A-Za-z0-9_-]+)\\s+(\\{.*\\})", Pattern.DOTALL);

  private final Vertx vertx;
  private final RequestLog requests = new RequestLog();
  private final ConcurrentLinkedDeque<MockReply> queue = new ConcurrentLinkedDeque<>();
  private final ConcurrentLinkedDeque<MockReply> countQueue = new ConcurrentLinkedDeque<>();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger http2 = new AtomicInteger();
  /** Prefixes written to the mock's prompt cache (hashes of their canonical JSON). */
  private final java.util.Set<String> cachedPrefixes = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile String requiredKey;
  private HttpServer server;

  private MockAnthropicServer(Vertx vertx) {
    this.vertx = vertx;
  }

  public static Future<MockAnthropicServer> start(Vertx vertx, int port) {
    MockAnthropicServer mock = new MockAnthropicServer(vertx);
    mock.server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true));
    mock.server.requestHandler(mock::handle);
    return mock.server.listen().map(s -> mock);
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Answer the next {@code /v1/messages} with this reply (FIFO). */
  public MockAnthropicServer enqueue(MockReply reply) {
    queue.addLast(reply);
    return this;
  }

  /**
   * Answer the next valid {@code /v1/messages/count_tokens} with this reply (FIFO): its HTTP error, or its
   * {@linkplain MockReply#usage input tokens} as the count.
   */
  public MockAnthropicServer enqueueCountTokens(MockReply reply) {
    countQueue.addLast(reply);
    return this;
  }

  /** Reject requests whose {@code x-api-key} (or bearer token) is not this one; null accepts any. */
  public MockAnthropicServer requireApiKey(String key) {
    this.requiredKey = key;
    return this;
  }

  public List<RecordedRequest> requests() {
    return requests.all();
  }

  /** The recorded {@code POST /v1/messages} requests, oldest first. */
  public List<RecordedRequest> messageRequests() {
    return requests.all().stream().filter(r -> r.path().startsWith("/v1/messages") && !r.path().contains("count_tokens")).toList();
  }

  /** The recorded {@code POST /v1/messages/count_tokens} requests, oldest first. */
  public List<RecordedRequest> countTokensRequests() {
    return requests.all().stream().filter(r -> r.path().startsWith("/v1/messages/count_tokens")).toList();
  }

  public RecordedRequest lastMessageRequest() {
    List<RecordedRequest> all = messageRequests();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  public void clear() {
    requests.clear();
    queue.clear();
    countQueue.clear();
    cachedPrefixes.clear();
  }

  /** Responses whose client closed the connection before the response ended. */
  public int abandonedResponses() {
    return abandoned.get();
  }

  /** Requests that arrived over HTTP/2 (h2c: the mock speaks cleartext HTTP/1.1 and, on upgrade, HTTP/2). */
  public int http2Requests() {
    return http2.get();
  }

  /** Responses still being written (or held, for hanging replies). */
  public int inFlight() {
    return inFlight.get();
  }

  public Future<Void> close() {
    return server.close();
  }

  // --- request handling ------------------------------------------------------------------------------------

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      JsonObject json = null;
      if (body.length() > 0) {
        try {
          json = body.toJsonObject();
        } catch (RuntimeException e) {
          json = null;
        }
      }
      requests.add(new RecordedRequest(request.method().name(), request.path(), headers(request.headers()), json, System.currentTimeMillis()));
      if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
        http2.incrementAndGet();
      }
      route(request, json);
    });
  }

  private void route(HttpServerRequest request, JsonObject body) {
    HttpServerResponse response = request.response();
    response.putHeader("request-id", "req_" + random(24));
    response.putHeader("anthropic-organization-id", "00000000-0000-0000-0000-000000000000");
    if (!authorized(request)) {
      error(response, 401, "authentication_error", "invalid x-api-key", null);
      return;
    }
    String path = request.path();
    if (request.method().name().equals("GET") && path.equals("/v1/models")) {
      JsonArray data = new JsonArray();
      for (String id : List.of("claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5")) {
        data.add(new JsonObject().put("type", "model").put("id", id).put("display_name", id).put("created_at", "2026-01-01T00:00:00Z"));
      }
      json(response, 200, new JsonObject().put("data", data).put("has_more", false).put("first_id", "claude-opus-4-6").put("last_id", "claude-haiku-4-5"));
      return;
    }
    if (!request.method().name().equals("POST") || !path.startsWith("/v1/messages")) {
      error(response, 404, "not_found_error", "Not found: " + request.method() + " " + path, null);
      return;
    }
    if (body == null) {
      error(response, 400, "invalid_request_error", "There was an error parsing the body of your request: not JSON", null);
      return;
    }
    if (path.startsWith("/v1/messages/count_tokens")) {
      String invalid = validateCount(body);
      if (invalid != null) {
        error(response, 400, "invalid_request_error", invalid, null);
        return;
      }
      MockReply scripted = countQueue.pollFirst();
      if (scripted != null && scripted.isError()) {
        error(response, scripted.httpStatus, scripted.errorType, scripted.errorMessage, scripted.retryAfter);
        return;
      }
      int count = scripted != null && scripted.inputTokens != null ? scripted.inputTokens : countInputWords(body);
      json(response, 200, new JsonObject().put("input_tokens", count));
      return;
    }
    String invalid = validate(body);
    if (invalid != null) {
      error(response, 400, "invalid_request_error", invalid, null);
      return;
    }
    MockReply reply = queue.pollFirst();
    if (reply == null) {
      reply = defaultReply(body);
    }
    answer(request, response, body, reply);
  }

  private boolean authorized(HttpServerRequest request) {
    String key = requiredKey;
    if (key == null) {
      return true;
    }
    String apiKey = request.getHeader("x-api-key");
    String auth = request.getHeader("authorization");
    return key.equals(apiKey) || (auth != null && auth.equals("Bearer " + key));
  }

  private static String validate(JsonObject body) {
    if (!(body.getValue("model") instanceof String)) {
      return "model: Field required";
    }
    if (!(body.getValue("max_tokens") instanceof Number)) {
      return "max_tokens: Field required";
    }
    if (!(body.getValue("messages") instanceof JsonArray)) {
      return "messages: Field required";
    }
    JsonArray stops = body.getJsonArray("stop_sequences");
    if (stops != null) {
      for (Object s : stops) {
        if (s instanceof String str && str.isBlank()) {
          return "stop_sequences: each stop sequence must contain non-whitespace";
        }
      }
    }
    return validateBlocks(body);
  }

  /** The fields {@code count_tokens} takes. */
  private static final java.util.Set<String> COUNT_FIELDS = java.util.Set.of("model", "messages", "system", "tools", "tool_choice",
      "thinking", "output_config", "output_format", "mcp_servers", "context_management");

  private static String validateCount(JsonObject body) {
    if (!(body.getValue("model") instanceof String)) {
      return "model: Field required";
    }
    if (!(body.getValue("messages") instanceof JsonArray)) {
      return "messages: Field required";
    }
    for (String field : body.fieldNames()) {
      if (!COUNT_FIELDS.contains(field)) {
        return field + ": Extra inputs are not permitted";
      }
    }
    return validateBlocks(body);
  }

  /** What the real API checks in content blocks: thinking blocks whole and unmodified, cache breakpoints well formed. */
  private static String validateBlocks(JsonObject body) {
    int breakpoints = 0;
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    for (int i = 0; i < messages.size(); i++) {
      Object content = messages.getJsonObject(i).getValue("content");
      if (!(content instanceof JsonArray blocks)) {
        continue;
      }
      for (int j = 0; j < blocks.size(); j++) {
        JsonObject block = blocks.getJsonObject(j);
        String at = "messages." + i + ".content." + j;
        String type = block.getString("type", "");
        if (type.equals("thinking")) {
          if (!(block.getValue("thinking") instanceof String) || !(block.getValue("signature") instanceof String)) {
            return at + ".thinking: thinking and signature: Field required";
          }
          String signature = block.getString("signature");
          if (signature.startsWith(SIGNATURE_PREFIX) && !signature.equals(signature(block.getString("thinking")))) {
            return at + ": Invalid `signature` in `thinking` block";
          }
        } else if (type.equals("redacted_thinking") && !(block.getValue("data") instanceof String)) {
          return at + ".redacted_thinking.data: Field required";
        }
      }
    }
    for (Cacheable c : cacheableBlocks(body)) {
      JsonObject cache = c.block().getJsonObject("cache_control");
      if (cache == null) {
        continue;
      }
      breakpoints++;
      if (!"ephemeral".equals(cache.getString("type"))) {
        return "cache_control.type: Input should be 'ephemeral'";
      }
      String ttl = cache.getString("ttl");
      if (ttl != null && !ttl.equals("5m") && !ttl.equals("1h")) {
        return "cache_control.ttl: Input should be '5m' or '1h'";
      }
    }
    if (breakpoints > 4) {
      return "A maximum of 4 blocks with cache_control may be provided. Found " + breakpoints + ".";
    }
    return null;
  }

  /** A block of the prompt, and whether its words count (tools and blocks inside tool results count none). */
  private record Cacheable(JsonObject block, boolean words) {
  }

  /** Every block of the prompt in cache order: tools, system blocks, message blocks (and blocks in tool results). */
  private static List<Cacheable> cacheableBlocks(JsonObject body) {
    List<Cacheable> out = new ArrayList<>();
    for (Object t : body.getJsonArray("tools", new JsonArray())) {
      if (t instanceof JsonObject tool) {
        out.add(new Cacheable(tool, false));
      }
    }
    if (body.getValue("system") instanceof JsonArray system) {
      for (Object b : system) {
        if (b instanceof JsonObject block) {
          out.add(new Cacheable(block, true));
        }
      }
    } else if (body.getValue("system") instanceof String text) {
      out.add(new Cacheable(new JsonObject().put("type", "text").put("text", text), true));
    }
    for (Object m : body.getJsonArray("messages", new JsonArray())) {
      Object content = ((JsonObject) m).getValue("content");
      if (content instanceof String text) {
        out.add(new Cacheable(new JsonObject().put("type", "text").put("text", text), true));
      } else if (content instanceof JsonArray blocks) {
        for (Object b : blocks) {
          if (b instanceof JsonObject block) {
            out.add(new Cacheable(block, true));
            if (block.getValue("content") instanceof JsonArray inner && "tool_result".equals(block.getString("type"))) {
              inner.forEach(x -> {
                if (x instanceof JsonObject innerBlock && innerBlock.containsKey("cache_control")) {
                  out.add(new Cacheable(innerBlock, false));
                }
              });
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Prompt caching as documented in the class comment: the cache reads and writes of one request, and the prefixes it
   * writes remembered. {0, 0} when the request has no breakpoint.
   */
  private int[] cacheUse(JsonObject body) {
    StringBuilder prefix = new StringBuilder();
    int words = 0;
    int read = 0;
    int written = 0;
    List<String> breakpoints = new ArrayList<>();
    for (Cacheable c : cacheableBlocks(body)) {
      JsonObject block = c.block();
      JsonObject plain = block.copy();
      plain.remove("cache_control");
      prefix.append(plain.encode()).append('\n');
      if (c.words()) {
        // As countInputWords counts: a text block its text, a tool result its content, other blocks nothing.
        words += words(text(new JsonArray().add(plain), true));
      }
      if (block.containsKey("cache_control")) {
        String hash = signature(prefix.toString());
        if (cachedPrefixes.contains(hash)) {
          read = words;
        }
        breakpoints.add(hash);
        written = words;
      }
    }
    cachedPrefixes.addAll(breakpoints);
    return new int[] {read, Math.max(0, written - read)};
  }

  private void answer(HttpServerRequest request, HttpServerResponse response, JsonObject body, MockReply reply) {
    inFlight.incrementAndGet();
    // Vert.x calls the end handler whenever the response is disposed (also when its connection closes first), and
    // the close handler only when the connection closes before the response ended: a kept-alive connection that
    // served a whole response never closes it.
    response.closeHandler(v -> {
      if (!response.ended()) {
        abandoned.incrementAndGet();
      }
    });
    response.endHandler(v -> inFlight.decrementAndGet());
    if (reply.hang) {
      return;
    }
    if (reply.inputTokens == null) {
      int[] cache = cacheUse(body);
      reply.cacheReadTokens = cache[0];
      reply.cacheCreationTokens = cache[1];
    }
    Runnable go = () -> {
      reply.headers.forEach(response::putHeader);
      if (reply.isError()) {
        error(response, reply.httpStatus, reply.errorType, reply.errorMessage, reply.retryAfter);
      } else if (reply.stampedChunks > 0) {
        stamped(response, body, reply);
      } else if (body.getBoolean("stream", false)) {
        stream(response, body, reply);
      } else if (reply.delayPerDeltaMs > 0) {
        // A real upstream answers a non-streamed request once the whole reply is generated: as late as its stream
        // would have ended.
        long deltas = reply.blocks.stream().mapToLong(block -> deltas(block).size()).sum();
        vertx.setTimer(Math.max(1, reply.delayPerDeltaMs * deltas), t -> {
          if (!response.closed()) {
            json(response, 200, message(body, reply));
          }
        });
      } else {
        json(response, 200, message(body, reply));
      }
    };
    if (reply.delayBeforeHeadersMs > 0) {
      vertx.setTimer(reply.delayBeforeHeadersMs, t -> go.run());
    } else {
      go.run();
    }
  }

  // --- default replies -------------------------------------------------------------------------------------

  private MockReply defaultReply(JsonObject body) {
    String last = lastUserText(body);
    Matcher m = ERROR.matcher(last);
    boolean mockFail = last.contains("MOCK_FAIL") && !last.contains("MOCK_FAIL_MIDSTREAM");
    if (mockFail) {
      return MockReply.httpError(500, "Mock upstream error 500 (MOCK_FAIL)");
    }
    if (m.find()) {
      int status = Integer.parseInt(m.group(1));
      MockReply r = MockReply.httpError(status, status == 529 ? "Overloaded" : "Mock upstream error " + status);
      if (status == 429) {
        r.retryAfter("1");
      }
      return r;
    }
    if (last.contains("UPSTREAM_HANG")) {
      return new MockReply().hang();
    }
    Matcher bench = BENCH.matcher(last);
    if (bench.find()) {
      return new MockReply().stamped(Integer.parseInt(bench.group(1)), Long.parseLong(bench.group(2)));
    }
    MockReply reply = new MockReply();
    JsonObject thinking = body.getJsonObject("thinking");
    if (thinking != null && ("enabled".equals(thinking.getString("type")) || "adaptive".equals(thinking.getString("type")))) {
      String about = last.length() > 80 ? last.substring(0, 80) : last;
      reply.addThinking("Let me think about this carefully. The user wrote: " + about.strip() + ". I will answer in the usual way.");
    }
    Matcher tool = TOOL.matcher(last);
    JsonObject toolChoice = body.getJsonObject("tool_choice");
    // A turn that carries tool results answers them; the trigger in the user's earlier text was for the call.
    boolean answersTool = lastToolResult(body) != null;
    if (last.contains("UPSTREAM_TOOL_BASH") && !answersTool) {
      reply.addText("I'll run that.").addToolUse("toolu_" + random(24), "Bash", new JsonObject().put("command", "touch /tmp/axon-pwned"))
          .stopReason("tool_use");
    } else if (!answersTool && tool.find()) {
      reply.addToolUse("toolu_" + random(24), tool.group(1), new JsonObject(tool.group(2))).stopReason("tool_use");
    } else if (toolChoice != null && "tool".equals(toolChoice.getString("type")) && body.getJsonArray("tools") != null) {
      String name = toolChoice.getString("name");
      reply.addToolUse("toolu_" + random(24), name, sampleInput(body.getJsonArray("tools"), name)).stopReason("tool_use");
    } else if (toolChoice != null && "any".equals(toolChoice.getString("type")) && body.getJsonArray("tools") != null
        && !body.getJsonArray("tools").isEmpty()) {
      String name = body.getJsonArray("tools").getJsonObject(0).getString("name");
      reply.addToolUse("toolu_" + random(24), name, sampleInput(body.getJsonArray("tools"), name)).stopReason("tool_use");
    } else if (last.contains("UPSTREAM_REFUSAL")) {
      reply.addText("I can't help with that.").stopReason("refusal");
    } else if (structuredOutputSchema(body) != null) {
      Object value = sample(structuredOutputSchema(body), "value");
      reply.addText(value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode() : String.valueOf(value));
    } else {
      String toolResult = lastToolResult(body);
      if (last.contains("<reply_format>")) {
        // A gateway that asks for JSON in the turn text (the claude-code provider) gets a model that complies.
        reply.addText(jsonReply(last, body));
      } else {
        reply.addText((toolResult != null ? "The tool returned: " + toolResult : "Hello from the mock upstream. You said: " + last)
            + " | I received " + body.getJsonArray("messages", new JsonArray()).size() + " messages. The first user message was: "
            + firstUserText(body));
      }
    }
    if (last.contains("UPSTREAM_STREAM_ERROR")) {
      reply.streamErrorAfter(2);
    } else if (last.contains("MOCK_FAIL_MIDSTREAM")) {
      reply.streamErrorAfter(3);
    }
    Matcher slow = SLOW.matcher(last);
    if (slow.find()) {
      reply.delayPerDelta(Long.parseLong(slow.group(1)));
    }
    applyLimits(body, reply);
    return reply;
  }

  /** The schema of structured outputs ({@code output_config.format}, or the beta's {@code output_format}), or null. */
  private static JsonObject structuredOutputSchema(JsonObject body) {
    JsonObject format = body.getJsonObject("output_config", new JsonObject()).getJsonObject("format");
    if (format == null) {
      format = body.getJsonObject("output_format");
    }
    return format != null && "json_schema".equals(format.getString("type")) ? format.getJsonObject("schema", new JsonObject()) : null;
  }

  /** Cuts text at the first stop sequence or at {@code max_tokens} words, as the real API stops. */
  private static void applyLimits(JsonObject body, MockReply reply) {
    int maxTokens = body.getInteger("max_tokens", Integer.MAX_VALUE);
    JsonArray stops = body.getJsonArray("stop_sequences", new JsonArray());
    List<MockReply.Block> out = new ArrayList<>();
    int words = 0;
    for (MockReply.Block b : reply.blocks) {
      if (!b.type().equals("text")) {
        out.add(b);
        continue;
      }
      String text = b.text();
      for (Object s : stops) {
        int at = text.indexOf((String) s);
        if (at >= 0) {
          text = text.substring(0, at);
          reply.stopSequence((String) s);
        }
      }
      String[] parts = text.split("(?<=\\S)(?=\\s)");
      if (words + parts.length > maxTokens) {
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < maxTokens - words; i++) {
          kept.append(parts[i]);
        }
        text = kept.toString();
        reply.stopReason("max_tokens");
        reply.stopSequence = null;
      }
      words += parts.length;
      out.add(new MockReply.Block("text", text, null, null, null));
    }
    reply.blocks.clear();
    reply.blocks.addAll(out);
  }

  private static JsonObject sampleInput(JsonArray tools, String name) {
    for (Object t : tools) {
      JsonObject tool = (JsonObject) t;
      if (name.equals(tool.getString("name"))) {
        return (JsonObject) sample(tool.getJsonObject("input_schema"), name);
      }
    }
    return new JsonObject();
  }

  /** A value fitting a JSON Schema: every property, one array item, the first enum value. */
  private static Object sample(JsonObject schema, String name) {
    if (schema == null) {
      return "mock " + name;
    }
    if (schema.getJsonArray("enum") != null && !schema.getJsonArray("enum").isEmpty()) {
      return schema.getJsonArray("enum").getValue(0);
    }
    JsonArray anyOf = schema.getJsonArray("anyOf");
    if (anyOf != null && !anyOf.isEmpty()) {
      return sample(anyOf.getJsonObject(0), name);
    }
    Object type = schema.getValue("type");
    if (type instanceof JsonArray types) {
      type = types.stream().filter(t -> !"null".equals(t)).findFirst().orElse("null");
    }
    if (type == null) {
      type = schema.containsKey("properties") ? "object" : "string";
    }
    switch (type.toString()) {
      case "object": {
        JsonObject out = new JsonObject();
        JsonObject props = schema.getJsonObject("properties", new JsonObject());
        for (String p : props.fieldNames()) {
          out.put(p, sample(props.getJsonObject(p), p));
        }
        return out;
      }
      case "array": return new JsonArray().add(sample(schema.getJsonObject("items"), name));
      case "integer": return 1;
      case "number": return 1.5;
      case "boolean": return true;
      case "null": return null;
      default: return "mock " + name;
    }
  }

  // --- rendering ---------------------------------------------------------------------------------------------

  private JsonObject message(JsonObject body, MockReply reply) {
    JsonArray content = new JsonArray();
    for (MockReply.Block b : reply.blocks) {
      content.add(block(b, true));
    }
    return new JsonObject()
        .put("id", "msg_" + random(24))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", model(body, reply))
        .put("content", content)
        .put("stop_reason", reply.stopReason)
        .put("stop_sequence", reply.stopSequence)
        .put("usage", usage(body, reply, true));
  }

  private static JsonObject block(MockReply.Block b, boolean complete) {
    switch (b.type()) {
      case "thinking":
        return new JsonObject().put("type", "thinking").put("thinking", complete ? b.text() : "").put("signature", complete ? signature(b.text()) : "");
      case "redacted_thinking":
        return new JsonObject().put("type", "redacted_thinking").put("data", b.text());
      case "raw":
        return complete || !b.input().containsKey("input") ? b.input().copy() : b.input().copy().put("input", new JsonObject());
      case "tool_use":
        return new JsonObject().put("type", "tool_use").put("id", b.id()).put("name", b.name()).put("input", complete ? b.input() : new JsonObject());
      default:
        return new JsonObject().put("type", "text").put("text", complete ? b.text() : "");
    }
  }

  private JsonObject usage(JsonObject body, MockReply reply, boolean full) {
    int input = reply.inputTokens != null ? reply.inputTokens
        : Math.max(0, countInputWords(body) - reply.cacheReadTokens - reply.cacheCreationTokens);
    int output = reply.outputTokens != null ? reply.outputTokens : countOutputWords(reply);
    JsonObject usage = new JsonObject().put("input_tokens", input)
        .put("cache_creation_input_tokens", reply.cacheCreationTokens)
        .put("cache_read_input_tokens", reply.cacheReadTokens);
    if (full) {
      usage.put("cache_creation", new JsonObject().put("ephemeral_5m_input_tokens", reply.cacheCreationTokens).put("ephemeral_1h_input_tokens", 0));
    }
    usage.put("output_tokens", output);
    if (full) {
      usage.put("service_tier", "standard");
    }
    return usage;
  }

  /** The SSE sequence: message_start, per block start/deltas/stop (a ping after the first start), message_delta, message_stop. */
  private void stream(HttpServerResponse response, JsonObject body, MockReply reply) {
    response.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache");
    List<String[]> events = new ArrayList<>();
    JsonObject start = message(body, reply).put("content", new JsonArray()).put("stop_reason", (String) null).put("stop_sequence", (String) null);
    start.getJsonObject("usage").put("output_tokens", 1);
    events.add(new String[] {"message_start", new JsonObject().put("type", "message_start").put("message", start).encode()});
    int deltas = 0;
    boolean failed = false;
    for (int i = 0; i < reply.blocks.size() && !failed; i++) {
      MockReply.Block b = reply.blocks.get(i);
      events.add(new String[] {"content_block_start", new JsonObject().put("type", "content_block_start").put("index", i)
          .put("content_block", block(b, false)).encode()});
      if (i == 0) {
        events.add(new String[] {"ping", "{\"type\": \"ping\"}"});
      }
      for (JsonObject delta : deltas(b)) {
        if (reply.streamErrorAfterDeltas >= 0 && deltas == reply.streamErrorAfterDeltas) {
          failed = true;
          break;
        }
        events.add(new String[] {"content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", i).put("delta", delta).encode()});
        deltas++;
      }
      if (!failed) {
        events.add(new String[] {"content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", i).encode()});
      }
    }
    if (failed) {
      events.add(new String[] {"error", "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}"});
    } else {
      events.add(new String[] {"message_delta", new JsonObject().put("type", "message_delta")
          .put("delta", new JsonObject().put("stop_reason", reply.stopReason).put("stop_sequence", reply.stopSequence))
          .put("usage", usage(body, reply, false)).encode()});
      events.add(new String[] {"message_stop", "{\"type\":\"message_stop\"}"});
    }
    emit(response, events, 0, reply.delayPerDeltaMs);
  }

  /** A benchmark reply: time-stamped text chunks, streamed (each stamped as it is written) or as one message. */
  private void stamped(HttpServerResponse response, JsonObject body, MockReply reply) {
    if (!body.getBoolean("stream", false)) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < reply.stampedChunks; i++) {
        text.append(" t=").append(epochMicros());
      }
      json(response, 200, message(body, new MockReply().addText(text.toString()).usage(countInputWords(body), reply.stampedChunks, 0)));
      return;
    }
    response.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache");
    JsonObject start = message(body, new MockReply()).put("content", new JsonArray()).put("stop_reason", (String) null);
    start.getJsonObject("usage").put("output_tokens", 1);
    response.write("event: message_start\ndata: " + new JsonObject().put("type", "message_start").put("message", start).encode() + "\n\n"
        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    stampedChunk(response, reply, 0, countInputWords(body));
  }

  private void stampedChunk(HttpServerResponse response, MockReply reply, int index, int inputTokens) {
    if (response.closed()) {
      return;
    }
    if (index == reply.stampedChunks) {
      response.end("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
          + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
          + "\"usage\":{\"input_tokens\":" + inputTokens + ",\"output_tokens\":" + reply.stampedChunks + "}}\n\n"
          + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
      return;
    }
    response.write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
        + "\"text\":\" t=" + epochMicros() + "\"}}\n\n");
    if (reply.stampedIntervalMs > 0) {
      vertx.setTimer(reply.stampedIntervalMs, t -> stampedChunk(response, reply, index + 1, inputTokens));
    } else {
      stampedChunk(response, reply, index + 1, inputTokens);
    }
  }

  private static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  private void emit(HttpServerResponse response, List<String[]> events, int from, long delayMs) {
    int i = from;
    while (i < events.size()) {
      if (response.closed()) {
        return;
      }
      String[] e = events.get(i++);
      response.write("event: " + e[0] + "\ndata: " + e[1] + "\n\n");
      if (delayMs > 0 && e[0].equals("content_block_delta") && i < events.size()) {
        int next = i;
        vertx.setTimer(delayMs, t -> emit(response, events, next, delayMs));
        return;
      }
    }
    if (!response.closed()) {
      response.end();
    }
  }

  private static List<JsonObject> deltas(MockReply.Block b) {
    List<JsonObject> out = new ArrayList<>();
    switch (b.type()) {
      case "thinking": {
        // In a few fragments, as the real API streams thinking; the signature just before the block's stop.
        String[] pieces = b.text().split("(?<=\\. )");
        for (String piece : pieces) {
          if (!piece.isEmpty()) {
            out.add(new JsonObject().put("type", "thinking_delta").put("thinking", piece));
          }
        }
        out.add(new JsonObject().put("type", "signature_delta").put("signature", signature(b.text())));
        break;
      }
      case "redacted_thinking":
        break;
      case "raw": {
        Object input = b.input().getValue("input");
        if (input instanceof JsonObject o && !o.isEmpty()) {
          String json = o.encode();
          int half = json.length() / 2;
          out.add(new JsonObject().put("type", "input_json_delta").put("partial_json", json.substring(0, half)));
          out.add(new JsonObject().put("type", "input_json_delta").put("partial_json", json.substring(half)));
        }
        break;
      }
      case "tool_use": {
        String json = b.input().encode();
        int half = json.length() / 2;
        out.add(new JsonObject().put("type", "input_json_delta").put("partial_json", ""));
        out.add(new JsonObject().put("type", "input_json_delta").put("partial_json", json.substring(0, half)));
        out.add(new JsonObject().put("type", "input_json_delta").put("partial_json", json.substring(half)));
        break;
      }
      default:
        for (String word : b.text().split("(?<=\\S)(?=\\s)")) {
          if (!word.isEmpty()) {
            out.add(new JsonObject().put("type", "text_delta").put("text", word));
          }
        }
    }
    return out;
  }

  private String model(JsonObject body, MockReply reply) {
    if (reply.model != null) {
      return reply.model;
    }
    String requested = body.getString("model", "claude-sonnet-4-6");
    return requested.matches(".*-\\d{8}$") ? requested : requested + MODEL_SUFFIX;
  }

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    if (response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private static void error(HttpServerResponse response, int status, String type, String message, String retryAfter) {
    if (retryAfter != null) {
      response.putHeader("retry-after", retryAfter);
    }
    if (status == 529 || status == 429 || status >= 500) {
      response.putHeader("x-should-retry", "true");
    }
    json(response, status, new JsonObject().put("type", "error")
        .put("error", new JsonObject().put("type", type).put("message", message))
        .put("request_id", "req_" + random(24)));
  }

  // --- request reading -------------------------------------------------------------------------------------

  private static String lastUserText(JsonObject body) {
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonObject m = messages.getJsonObject(i);
      if ("user".equals(m.getString("role"))) {
        String text = text(m.getValue("content"), false);
        if (!text.isEmpty() || i == 0) {
          return text;
        }
      }
    }
    return "";
  }

  private static String firstUserText(JsonObject body) {
    for (Object m : body.getJsonArray("messages", new JsonArray())) {
      JsonObject message = (JsonObject) m;
      if ("user".equals(message.getString("role"))) {
        return text(message.getValue("content"), false);
      }
    }
    return "";
  }

  private static final Pattern SCHEMA = Pattern.compile("<schema[^>]*>(.*?)</schema>", Pattern.DOTALL);

  /** A JSON reply to a turn that asks for one: fitting the schema when the turn carries one. */
  private static String jsonReply(String last, JsonObject body) {
    Matcher schema = SCHEMA.matcher(last);
    if (schema.find()) {
      try {
        Object value = sample(new JsonObject(schema.group(1)), "value");
        return value instanceof JsonObject o ? o.encode() : String.valueOf(value);
      } catch (RuntimeException e) {
        // not a schema we can read: fall through to an object
      }
    }
    return new JsonObject().put("reply", "Hello from the mock upstream")
        .put("messages", body.getJsonArray("messages", new JsonArray()).size()).encode();
  }

  private static String lastToolResult(JsonObject body) {
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    if (messages.isEmpty()) {
      return null;
    }
    Object content = messages.getJsonObject(messages.size() - 1).getValue("content");
    if (content instanceof JsonArray blocks) {
      for (Object b : blocks) {
        JsonObject block = (JsonObject) b;
        if ("tool_result".equals(block.getString("type"))) {
          return text(block.getValue("content"), false);
        }
      }
    }
    return null;
  }

  /** The text of a content value (string or blocks); tool results included when asked. */
  static String text(Object content, boolean includeToolResults) {
    if (content instanceof String s) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    if (content instanceof JsonArray blocks) {
      for (Object b : blocks) {
        if (b instanceof JsonObject block) {
          String type = block.getString("type");
          if ("text".equals(type)) {
            sb.append(sb.length() > 0 ? " " : "").append(block.getString("text", ""));
          } else if (includeToolResults && "tool_result".equals(type)) {
            sb.append(sb.length() > 0 ? " " : "").append(text(block.getValue("content"), false));
          }
        }
      }
    }
    return sb.toString();
  }

  private static int countInputWords(JsonObject body) {
    int words = words(text(body.getValue("system"), false));
    for (Object m : body.getJsonArray("messages", new JsonArray())) {
      words += words(text(((JsonObject) m).getValue("content"), true));
    }
    return Math.max(1, words);
  }

  private static int countOutputWords(MockReply reply) {
    int words = 0;
    for (MockReply.Block b : reply.blocks) {
      words += b.type().equals("tool_use") ? Math.max(1, b.input().encode().length() / 4) : words(b.text());
    }
    return words;
  }

  private static int words(String text) {
    String t = text == null ? "" : text.trim();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  private static Map<String, String> headers(MultiMap headers) {
    Map<String, String> out = new TreeMap<>();
    headers.forEach(e -> out.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
    return out;
  }

  /** What the mock's thinking signatures start with; only these are checked when they come back. */
  public static final String SIGNATURE_PREFIX = "mocksig_";

  /** The mock's signature of a thinking text: a hash, so a changed text no longer matches. */
  public static String signature(String thinking) {
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(thinking.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return SIGNATURE_PREFIX + java.util.Base64.getEncoder().encodeToString(hash);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String random(int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(n);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Runs the mock on its own: {@code [port]} (default 0 = any); prints the base URL. */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    Vertx vertx = Vertx.vertx();
    start(vertx, port).onSuccess(m -> System.out.println("mock-anthropic listening on " + m.baseUrl()))
        .onFailure(e -> {
          System.err.println("mock-anthropic failed to start: " + e.getMessage());
          System.exit(1);
        });
  }
}
