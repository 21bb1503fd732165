package dev.axon.testkit.openai;

import dev.axon.testkit.RequestLog;
import dev.axon.testkit.anthropic.RecordedRequest;
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
 * A mock OpenAI-compatible upstream (what vLLM, Ollama or OpenAI serve): {@code POST /v1/chat/completions} as a
 * {@code chat.completion} or as {@code data:} chunks ending with {@code data: [DONE]} (usage in an extra chunk with
 * {@code stream_options.include_usage}), OpenAI's error bodies and statuses, and {@code GET /v1/models}. It records
 * every request so tests can assert exactly what an upstream received, and notices clients that hang up
 * mid-response.
 *
 * <p>Replies: an {@linkplain #enqueue enqueued} {@link MockOpenAiReply} when there is one, else one computed from the
 * request: {@code "Hello from the mock OpenAI upstream. You said: <last user text>"} (after a tool result: what the
 * tool returned), honouring {@code max_tokens}/{@code max_completion_tokens} (in words), {@code stop}, a forced tool
 * choice and {@code response_format}. The last user text can script it: {@code UPSTREAM_ERROR <status>},
 * {@code UPSTREAM_STREAM_ERROR}, {@code UPSTREAM_SLOW <ms>}, {@code UPSTREAM_HANG}, {@code UPSTREAM_TOOL <name> <json>}.
 *
 * <p>Runnable on its own: {@code java -cp axon-testkit.jar dev.axon.testkit.openai.MockOpenAiServer [port]}.
 */
public final class MockOpenAiServer {

  private static final Pattern ERROR = Pattern.compile("UPSTREAM_ERROR\\s+(\\d{3})");
  private static final Pattern SLOW = Pattern.compile("UPSTREAM_SLOW\\s+(\\d{1,6})");
  /** Where a streamed reply is cut into word deltas: before each run of whitespace that follows a word. */
  private static final Pattern WORD_END = Pattern.compile("(?<=\\S)(?=\\s)");
  private static final Pattern TOOL = Pattern.compile("UPSTREAM_TOOL\\s+([A-Za-z0-9_-]+)\\s+(\\{.*\\})", Pattern.DOTALL);
  private static final long CREATED = 1_767_225_600L;

  private final Vertx vertx;
  private final RequestLog requests = new RequestLog();
  private final ConcurrentLinkedDeque<MockOpenAiReply> queue = new ConcurrentLinkedDeque<>();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile List<String> models = List.of("llama-3-8b", "llama-3-70b", "qwen-2.5-7b");
  private volatile String requiredKey;
  private HttpServer server;

  private MockOpenAiServer(Vertx vertx) {
    this.vertx = vertx;
  }

  public static Future<MockOpenAiServer> start(Vertx vertx, int port) {
    MockOpenAiServer mock = new MockOpenAiServer(vertx);
    mock.server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true));
    mock.server.requestHandler(mock::handle);
    return mock.server.listen().map(s -> mock);
  }

  public int port() {
    return server.actualPort();
  }

  /** The base URL as OpenAI's SDKs take it: with the {@code /v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** Answer the next chat completion with this reply (FIFO). */
  public MockOpenAiServer enqueue(MockOpenAiReply reply) {
    queue.addLast(reply);
    return this;
  }

  /** Reject requests whose bearer token is not this one; null accepts any. */
  public MockOpenAiServer requireApiKey(String key) {
    this.requiredKey = key;
    return this;
  }

  /** The ids {@code GET /v1/models} lists. */
  public MockOpenAiServer models(List<String> ids) {
    this.models = List.copyOf(ids);
    return this;
  }

  public List<RecordedRequest> requests() {
    return requests.all();
  }

  /** The recorded {@code POST /v1/chat/completions}, oldest first. */
  public List<RecordedRequest> chatRequests() {
    return requests.all().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/chat/completions")).toList();
  }

  public RecordedRequest lastChatRequest() {
    List<RecordedRequest> all = chatRequests();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  public void clear() {
    requests.clear();
    queue.clear();
  }

  /** Responses whose client closed the connection before the response ended. */
  public int abandonedResponses() {
    return abandoned.get();
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
      route(request, json);
    });
  }

  private void route(HttpServerRequest request, JsonObject body) {
    HttpServerResponse response = request.response();
    response.putHeader("x-request-id", "req_" + random(24));
    if (!authorized(request)) {
      error(response, MockOpenAiReply.httpError(401, "Incorrect API key provided."));
      return;
    }
    String path = request.path();
    String method = request.method().name();
    if (method.equals("GET") && path.equals("/v1/models")) {
      JsonArray data = new JsonArray();
      for (String id : models) {
        data.add(new JsonObject().put("id", id).put("object", "model").put("created", CREATED).put("owned_by", "mock-org"));
      }
      json(response, 200, new JsonObject().put("object", "list").put("data", data));
      return;
    }
    if (!method.equals("POST") || !path.equals("/v1/chat/completions")) {
      error(response, MockOpenAiReply.httpError(404, "Unknown request URL: " + method + " " + path + "."));
      return;
    }
    if (body == null) {
      error(response, MockOpenAiReply.httpError(400, "We could not parse the JSON body of your request."));
      return;
    }
    String invalid = validate(body);
    if (invalid != null) {
      error(response, MockOpenAiReply.httpError(400, invalid));
      return;
    }
    MockOpenAiReply reply = queue.pollFirst();
    if (reply == null) {
      reply = defaultReply(body);
    }
    answer(response, body, reply);
  }

  private boolean authorized(HttpServerRequest request) {
    String key = requiredKey;
    if (key == null) {
      return true;
    }
    String auth = request.getHeader("authorization");
    return auth != null && auth.equals("Bearer " + key);
  }

  private static String validate(JsonObject body) {
    if (!(body.getValue("model") instanceof String)) {
      return "you must provide a model parameter";
    }
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return "Invalid 'messages': empty array. Expected an array with minimum length 1.";
    }
    return null;
  }

  private void answer(HttpServerResponse response, JsonObject body, MockOpenAiReply reply) {
    inFlight.incrementAndGet();
    // Vert.x calls a response's end handler also when the connection closes under it (the response is disposed), so
    // whether the client hung up is whether end() had been called by then.
    boolean[] over = {false};
    Runnable settle = () -> {
      if (!over[0]) {
        over[0] = true;
        inFlight.decrementAndGet();
        if (!response.ended()) {
          abandoned.incrementAndGet();
        }
      }
    };
    response.closeHandler(v -> settle.run());
    response.endHandler(v -> settle.run());
    if (reply.hang) {
      return;
    }
    Runnable go = () -> {
      reply.headers.forEach(response::putHeader);
      if (reply.isError()) {
        error(response, reply);
      } else if (body.getBoolean("stream", false)) {
        stream(response, body, reply);
      } else if (reply.delayPerChunkMs > 0) {
        // A real upstream answers a non-streamed request once the whole reply is generated: as late as its stream
        // would have ended.
        int pieces = (reply.content == null ? 0 : WORD_END.split(reply.content).length) + reply.calls.size();
        vertx.setTimer(Math.max(1, reply.delayPerChunkMs * Math.max(1, pieces)), t -> {
          if (!response.closed()) {
            json(response, 200, completion(body, reply));
          }
        });
      } else {
        json(response, 200, completion(body, reply));
      }
    };
    if (reply.delayBeforeHeadersMs > 0) {
      vertx.setTimer(reply.delayBeforeHeadersMs, t -> go.run());
    } else {
      go.run();
    }
  }

  // --- default replies -------------------------------------------------------------------------------------

  private MockOpenAiReply defaultReply(JsonObject body) {
    String last = lastUserText(body);
    Matcher m = ERROR.matcher(last);
    if (m.find()) {
      int status = Integer.parseInt(m.group(1));
      MockOpenAiReply r = MockOpenAiReply.httpError(status, "Mock upstream error " + status);
      if (status == 429) {
        r.retryAfter("1");
      }
      return r;
    }
    if (last.contains("UPSTREAM_HANG")) {
      return new MockOpenAiReply().hang();
    }
    MockOpenAiReply reply = new MockOpenAiReply();
    JsonArray tools = body.getJsonArray("tools");
    Object toolChoice = body.getValue("tool_choice");
    Matcher tool = TOOL.matcher(last);
    if (lastToolResult(body) == null && tool.find()) {
      reply.addToolCall("call_" + random(24), tool.group(1), new JsonObject(tool.group(2)));
    } else if (toolChoice instanceof JsonObject forced && tools != null) {
      String name = forced.getJsonObject("function", new JsonObject()).getString("name");
      reply.addToolCall("call_" + random(24), name, sampleArguments(tools, name));
    } else if ("required".equals(toolChoice) && tools != null && !tools.isEmpty()) {
      String name = tools.getJsonObject(0).getJsonObject("function").getString("name");
      reply.addToolCall("call_" + random(24), name, sampleArguments(tools, name));
    } else {
      JsonObject format = body.getJsonObject("response_format");
      String toolResult = lastToolResult(body);
      String echo = toolResult != null ? "The tool returned: " + toolResult : "Hello from the mock OpenAI upstream. You said: " + last;
      if (format != null && "json_schema".equals(format.getString("type"))) {
        Object value = sample(format.getJsonObject("json_schema", new JsonObject()).getJsonObject("schema"), "value");
        reply.content(value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode() : String.valueOf(value));
      } else if (format != null && "json_object".equals(format.getString("type"))) {
        reply.content(new JsonObject().put("reply", echo).encode());
      } else {
        reply.content(echo);
      }
      applyLimits(body, reply);
    }
    if (last.contains("UPSTREAM_STREAM_ERROR")) {
      reply.streamErrorAfter(2);
    }
    Matcher slow = SLOW.matcher(last);
    if (slow.find()) {
      reply.delayPerChunk(Long.parseLong(slow.group(1)));
    }
    return reply;
  }

  /** Cuts the content at the first stop sequence or at the token cap (in words), as a real server stops. */
  private static void applyLimits(JsonObject body, MockOpenAiReply reply) {
    String text = reply.content;
    String finish = "stop";
    Object stop = body.getValue("stop");
    List<String> stops = new ArrayList<>();
    if (stop instanceof String s) {
      stops.add(s);
    } else if (stop instanceof JsonArray a) {
      a.forEach(s -> stops.add(String.valueOf(s)));
    }
    for (String s : stops) {
      int at = s.isEmpty() ? -1 : text.indexOf(s);
      if (at >= 0) {
        text = text.substring(0, at);
      }
    }
    Integer cap = body.getInteger("max_completion_tokens", body.getInteger("max_tokens"));
    String[] words = WORD_END.split(text);
    if (cap != null && words.length > cap) {
      StringBuilder kept = new StringBuilder();
      for (int i = 0; i < cap; i++) {
        kept.append(words[i]);
      }
      text = kept.toString();
      finish = "length";
    }
    reply.content = text;
    reply.finishReason = finish;
  }

  private static JsonObject sampleArguments(JsonArray tools, String name) {
    for (Object t : tools) {
      JsonObject fn = ((JsonObject) t).getJsonObject("function", new JsonObject());
      if (name.equals(fn.getString("name"))) {
        Object value = sample(fn.getJsonObject("parameters"), name);
        return value instanceof JsonObject o ? o : new JsonObject();
      }
    }
    return new JsonObject();
  }

  /** A value fitting a JSON Schema: every property, one array item, the first enum value. */
  static Object sample(JsonObject schema, String name) {
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

  private JsonObject completion(JsonObject body, MockOpenAiReply reply) {
    JsonObject message = new JsonObject().put("role", "assistant").put("content", reply.content).put("refusal", reply.refusal);
    if (!reply.calls.isEmpty()) {
      JsonArray calls = new JsonArray();
      for (MockOpenAiReply.Call c : reply.calls) {
        calls.add(call(c, c.arguments().encode()));
      }
      message.put("tool_calls", calls);
    }
    return new JsonObject()
        .put("id", "chatcmpl-" + random(24))
        .put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", model(body, reply))
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
            .put("logprobs", null).put("finish_reason", finish(reply))))
        .put("usage", usage(body, reply));
  }

  private static JsonObject call(MockOpenAiReply.Call c, String arguments) {
    return new JsonObject().put("id", c.id()).put("type", "function")
        .put("function", new JsonObject().put("name", c.name()).put("arguments", arguments));
  }

  private static String finish(MockOpenAiReply reply) {
    return reply.finishReason != null ? reply.finishReason : "stop";
  }

  private JsonObject usage(JsonObject body, MockOpenAiReply reply) {
    int prompt = reply.promptTokens != null ? reply.promptTokens : countPromptWords(body);
    int completion = reply.completionTokens != null ? reply.completionTokens : countCompletionWords(reply);
    return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion)
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", reply.cachedTokens).put("audio_tokens", 0))
        .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", reply.reasoningTokens).put("audio_tokens", 0)
            .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0));
  }

  /** The chunk sequence: role, reasoning, content word by word, tool calls (name, then argument halves), finish, usage, [DONE]. */
  private void stream(HttpServerResponse response, JsonObject body, MockOpenAiReply reply) {
    response.setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache");
    String id = "chatcmpl-" + random(24);
    long created = System.currentTimeMillis() / 1000;
    String model = model(body, reply);
    boolean includeUsage = body.getJsonObject("stream_options", new JsonObject()).getBoolean("include_usage", false);
    List<JsonObject> deltas = new ArrayList<>();
    deltas.add(new JsonObject().put("role", "assistant").put("content", ""));
    if (reply.reasoning != null) {
      deltas.add(new JsonObject().put("reasoning_content", reply.reasoning));
    }
    if (reply.content != null) {
      for (String word : WORD_END.split(reply.content)) {
        if (!word.isEmpty()) {
          deltas.add(new JsonObject().put("content", word));
        }
      }
    }
    if (reply.refusal != null) {
      deltas.add(new JsonObject().put("refusal", reply.refusal));
    }
    for (int i = 0; i < reply.calls.size(); i++) {
      MockOpenAiReply.Call c = reply.calls.get(i);
      String args = c.arguments().encode();
      int half = args.length() / 2;
      deltas.add(new JsonObject().put("tool_calls", new JsonArray().add(call(c, "").put("index", i))));
      deltas.add(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", i)
          .put("function", new JsonObject().put("arguments", args.substring(0, half))))));
      deltas.add(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", i)
          .put("function", new JsonObject().put("arguments", args.substring(half))))));
    }
    List<String> chunks = new ArrayList<>();
    int content = 0;
    boolean failed = false;
    for (JsonObject delta : deltas) {
      if (delta.containsKey("content") && !delta.getString("content").isEmpty()) {
        if (reply.streamErrorAfterChunks >= 0 && content == reply.streamErrorAfterChunks) {
          failed = true;
          break;
        }
        content++;
      }
      chunks.add(chunk(id, created, model, new JsonObject().put("index", 0).put("delta", delta).put("logprobs", null)
          .put("finish_reason", null), includeUsage).encode());
    }
    if (failed) {
      chunks.add(new JsonObject().put("error", new JsonObject().put("message", "The server had an error while processing your request.")
          .put("type", "server_error").put("param", null).put("code", null)).encode());
    } else {
      chunks.add(chunk(id, created, model, new JsonObject().put("index", 0).put("delta", new JsonObject()).put("logprobs", null)
          .put("finish_reason", finish(reply)), includeUsage).encode());
      if (includeUsage) {
        chunks.add(new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model)
            .put("choices", new JsonArray()).put("usage", usage(body, reply)).encode());
      }
    }
    chunks.add("[DONE]");
    emit(response, chunks, 0, reply.delayPerChunkMs);
  }

  private static JsonObject chunk(String id, long created, String model, JsonObject choice, boolean includeUsage) {
    JsonObject c = new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model)
        .put("system_fingerprint", "fp_mock").put("choices", new JsonArray().add(choice));
    if (includeUsage) {
      c.put("usage", null);
    }
    return c;
  }

  private void emit(HttpServerResponse response, List<String> chunks, int from, long delayMs) {
    int i = from;
    while (i < chunks.size()) {
      if (response.closed()) {
        return;
      }
      response.write("data: " + chunks.get(i++) + "\n\n");
      if (delayMs > 0 && i < chunks.size()) {
        int next = i;
        vertx.setTimer(delayMs, t -> emit(response, chunks, next, delayMs));
        return;
      }
    }
    if (!response.closed()) {
      response.end();
    }
  }

  private String model(JsonObject body, MockOpenAiReply reply) {
    return reply.model != null ? reply.model : body.getString("model", "mock-model");
  }

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    if (response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private static void error(HttpServerResponse response, MockOpenAiReply reply) {
    json(response, reply.httpStatus, new JsonObject().put("error", new JsonObject()
        .put("message", reply.errorMessage).put("type", reply.errorType).put("param", null).put("code", reply.errorCode)));
  }

  // --- request reading -------------------------------------------------------------------------------------

  private static String lastUserText(JsonObject body) {
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonObject m = messages.getJsonObject(i);
      if ("user".equals(m.getString("role"))) {
        return text(m.getValue("content"));
      }
    }
    return "";
  }

  private static String lastToolResult(JsonObject body) {
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    if (messages.isEmpty()) {
      return null;
    }
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    return "tool".equals(last.getString("role")) ? text(last.getValue("content")) : null;
  }

  private static String text(Object content) {
    if (content instanceof String s) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    if (content instanceof JsonArray parts) {
      for (Object p : parts) {
        if (p instanceof JsonObject part && "text".equals(part.getString("type"))) {
          sb.append(sb.length() > 0 ? " " : "").append(part.getString("text", ""));
        }
      }
    }
    return sb.toString();
  }

  private static int countPromptWords(JsonObject body) {
    int words = 0;
    for (Object m : body.getJsonArray("messages", new JsonArray())) {
      words += words(text(((JsonObject) m).getValue("content")));
    }
    return Math.max(1, words);
  }

  private static int countCompletionWords(MockOpenAiReply reply) {
    int words = words(reply.content);
    for (MockOpenAiReply.Call c : reply.calls) {
      words += Math.max(1, c.arguments().encode().length() / 4);
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
    start(vertx, port).onSuccess(m -> System.out.println("mock-openai listening on " + m.baseUrl()))
        .onFailure(e -> {
          System.err.println("mock-openai failed to start: " + e.getMessage());
          System.exit(1);
        });
  }
}
