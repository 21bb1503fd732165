package dev.axon.testkit;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonFormatValidator;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks payloads against the official OpenAI JSON Schemas (draft 2020-12, extracted from openai/openai-openapi;
 * copies of {@code shared/conformance/openai/*.schema.json} under {@code conformance/openai/} on the class path).
 * It judges what {@code shared/conformance/validate.mjs} judges, including the quirks of its README:
 * <ul>
 *   <li>{@code unixtime} fields ({@code created}, {@code expires_at}) must be integers in {@code [0, 1e11)}, so a
 *       millisecond timestamp fails;</li>
 *   <li>{@code system_fingerprint}, when present, must be a string ({@code null} fails, as the schema says);</li>
 *   <li>a {@code Model} (alone or as an item of a list) must be a JSON object: the schema has no {@code type}.</li>
 * </ul>
 * SSE bodies are parsed as the validator does: blank-line separated events, {@code data:} lines joined,
 * {@code :} comments ignored, {@code [DONE]} exactly once and last, an error event only when allowed.
 *
 * <p>The {@code assert…} methods throw {@link AssertionError} listing every problem; {@link #problems} returns
 * them. Thread-safe.
 */
public final class OpenAiSchemas {

  /** The schemas, by the file name of each. */
  public enum Schema {
    REQUEST("CreateChatCompletionRequest"),
    RESPONSE("CreateChatCompletionResponse"),
    CHUNK("CreateChatCompletionStreamResponse"),
    MODELS("ListModelsResponse"),
    MODEL("Model"),
    ERROR("ErrorResponse");

    private final String fileName;

    Schema(String fileName) {
      this.fileName = fileName;
    }

    public String fileName() {
      return fileName;
    }
  }

  /** One server-sent event: its joined {@code data} and its {@code event} name (null when none). */
  public record SseEvent(int line, String event, String data) {
  }

  /** A checked stream: its chunks in order, and the error event that ended it (null when none). */
  public record SseStream(List<JsonObject> chunks, JsonObject error) {

    /** The content deltas of choice {@code index}, concatenated. */
    public String content(int index) {
      StringBuilder sb = new StringBuilder();
      for (JsonObject chunk : chunks) {
        for (Object o : chunk.getJsonArray("choices")) {
          JsonObject choice = (JsonObject) o;
          JsonObject delta = choice.getJsonObject("delta");
          if (choice.getInteger("index") == index && delta != null && delta.getString("content") != null) {
            sb.append(delta.getString("content"));
          }
        }
      }
      return sb.toString();
    }

    /** The finish reason of choice {@code index}, or null when no chunk gave one. */
    public String finishReason(int index) {
      for (JsonObject chunk : chunks) {
        for (Object o : chunk.getJsonArray("choices")) {
          JsonObject choice = (JsonObject) o;
          if (choice.getInteger("index") == index && choice.getString("finish_reason") != null) {
            return choice.getString("finish_reason");
          }
        }
      }
      return null;
    }
  }

  private static final String RESOURCE_DIR = "conformance/openai/";
  private static final long UNIXTIME_LIMIT = 100_000_000_000L;
  private static final Map<Schema, Validator> VALIDATORS = new EnumMap<>(Schema.class);

  /** OpenAI's own {@code unixtime} format, as {@code validate.mjs} defines it; other formats are not checked. */
  private static final JsonFormatValidator FORMATS = (instanceType, format, instance) ->
      "unixtime".equals(format) ? unixtimeProblem(instance) : null;

  private OpenAiSchemas() {
  }

  // --- assertions ---------------------------------------------------------------------------------------------

  public static void assertValidRequest(JsonObject request) {
    check(Schema.REQUEST, request);
  }

  public static void assertValidResponse(JsonObject response) {
    check(Schema.RESPONSE, response);
  }

  public static void assertValidChunk(JsonObject chunk) {
    check(Schema.CHUNK, chunk);
  }

  public static void assertValidModels(JsonObject models) {
    check(Schema.MODELS, models);
  }

  public static void assertValidModel(Object model) {
    check(Schema.MODEL, model);
  }

  public static void assertValidError(JsonObject error) {
    check(Schema.ERROR, error);
  }

  /**
   * Checks a whole {@code text/event-stream} body of a chat completion and returns its chunks.
   *
   * @param allowError whether a well-formed {@code data: {"error":{...}}} event may end the stream
   */
  public static SseStream assertValidSse(String body, boolean allowError) {
    List<String> problems = new ArrayList<>();
    SseStream stream = checkSse(body, allowError, problems);
    if (!problems.isEmpty()) {
      throw new AssertionError("invalid SSE stream:\n- " + String.join("\n- ", problems) + "\n--- body ---\n" + body);
    }
    return stream;
  }

  // --- checks that return problems ----------------------------------------------------------------------------

  /** Every problem of {@code json} against {@code schema}; empty when it is valid. */
  public static List<String> problems(Schema schema, Object json) {
    List<String> out = new ArrayList<>();
    Validator validator = validator(schema);
    OutputUnit result;
    synchronized (validator) {
      result = validator.validate(json);
    }
    if (!Boolean.TRUE.equals(result.getValid())) {
      List<OutputUnit> errors = result.getErrors();
      if (errors == null || errors.isEmpty()) {
        out.add("(root): " + result.getError());
      } else {
        for (OutputUnit e : errors) {
          String where = e.getInstanceLocation() == null || e.getInstanceLocation().isEmpty() ? "(root)" : e.getInstanceLocation();
          out.add(where + ": " + e.getError() + "  [schema " + e.getKeywordLocation() + "]");
        }
      }
    }
    out.addAll(quirks(schema, json));
    return out;
  }

  /** Every problem of an SSE body; empty when it is valid. */
  public static List<String> sseProblems(String body, boolean allowError) {
    List<String> problems = new ArrayList<>();
    checkSse(body, allowError, problems);
    return problems;
  }

  /** Parses an event stream as {@code validate.mjs} does (a WHATWG-style parser). */
  public static List<SseEvent> parseSse(String text) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    String[] lines = body.split("\r\n|\r|\n", -1);
    List<SseEvent> events = new ArrayList<>();
    int startLine = -1;
    String event = null;
    List<String> data = null;
    for (int i = 0; i <= lines.length; i++) {
      String line = i < lines.length ? lines[i] : "";
      if (line.isEmpty()) {
        if (data != null && (!data.isEmpty() || event != null)) {
          events.add(new SseEvent(startLine, event, String.join("\n", data)));
        }
        data = null;
        event = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      if (data == null) {
        data = new ArrayList<>();
        startLine = i + 1;
      }
      if (field.equals("data")) {
        data.add(value);
      } else if (field.equals("event")) {
        event = value;
      }
    }
    return events;
  }

  // --- internals ------------------------------------------------------------------------------------------------

  private static void check(Schema schema, Object json) {
    List<String> problems = problems(schema, json);
    if (!problems.isEmpty()) {
      throw new AssertionError("not a valid " + schema.fileName() + ":\n- " + String.join("\n- ", problems)
          + "\n--- document ---\n" + (json instanceof JsonObject o ? o.encodePrettily() : String.valueOf(json)));
    }
  }

  private static SseStream checkSse(String body, boolean allowError, List<String> problems) {
    List<SseEvent> events = parseSse(body);
    if (events.isEmpty()) {
      problems.add("no SSE events found (expected \"data: {...}\" lines)");
    }
    List<JsonObject> chunks = new ArrayList<>();
    JsonObject error = null;
    int doneAt = -1;
    int doneCount = 0;
    for (int i = 0; i < events.size(); i++) {
      SseEvent ev = events.get(i);
      String tag = "event #" + (i + 1) + " (line " + ev.line() + ")";
      if ("[DONE]".equals(ev.data())) {
        doneCount++;
      }
      if (doneAt != -1) {
        problems.add(tag + ": event after \"data: [DONE]\"; [DONE] must be last");
        continue;
      }
      if (error != null && !"[DONE]".equals(ev.data())) {
        problems.add(tag + ": event after the error event; only \"data: [DONE]\" may follow an error");
        continue;
      }
      if ("[DONE]".equals(ev.data())) {
        doneAt = i;
        continue;
      }
      JsonObject obj;
      try {
        Object parsed = io.vertx.core.json.Json.decodeValue(ev.data());
        if (!(parsed instanceof JsonObject o)) {
          problems.add(tag + ": data is not a JSON object: " + abbreviate(ev.data()));
          continue;
        }
        obj = o;
      } catch (DecodeException e) {
        problems.add(tag + ": data is neither JSON nor [DONE]: " + abbreviate(ev.data()));
        continue;
      }
      if (obj.containsKey("error")) {
        List<String> errorProblems = problems(Schema.ERROR, obj);
        if (!errorProblems.isEmpty()) {
          problems.add(tag + ": error event does not match ErrorResponse: " + errorProblems);
        } else if (!allowError) {
          problems.add(tag + ": stream carries an error event (" + obj.encode() + ") and errors are not allowed here");
        }
        if (error == null) {
          error = obj;
        }
        continue;
      }
      List<String> chunkProblems = problems(Schema.CHUNK, obj);
      if (!chunkProblems.isEmpty()) {
        problems.add(tag + ": chunk does not match CreateChatCompletionStreamResponse: " + chunkProblems);
        continue;
      }
      chunks.add(obj);
    }
    if (doneAt == -1 && !(allowError && error != null)) {
      problems.add("stream does not end with \"data: [DONE]\"");
    }
    if (doneCount > 1) {
      problems.add("\"data: [DONE]\" appears " + doneCount + " times");
    }
    if (chunks.isEmpty() && error == null) {
      problems.add("stream has no chat.completion.chunk events");
    }
    return new SseStream(List.copyOf(chunks), error);
  }

  /** What the schema cannot say: unixtime ranges (in case the validator skips formats on numbers), object-ness. */
  private static List<String> quirks(Schema schema, Object json) {
    List<String> out = new ArrayList<>();
    switch (schema) {
      case RESPONSE:
        if (json instanceof JsonObject o) {
          unixtime(out, "/created", o.getValue("created"));
          JsonArray choices = o.getValue("choices") instanceof JsonArray a ? a : new JsonArray();
          for (int i = 0; i < choices.size(); i++) {
            if (choices.getValue(i) instanceof JsonObject c && c.getValue("message") instanceof JsonObject m
                && m.getValue("audio") instanceof JsonObject audio) {
              unixtime(out, "/choices/" + i + "/message/audio/expires_at", audio.getValue("expires_at"));
            }
          }
        }
        break;
      case CHUNK:
        if (json instanceof JsonObject o) {
          unixtime(out, "/created", o.getValue("created"));
        }
        break;
      case MODEL:
        if (!(json instanceof JsonObject)) {
          out.add("(root): a Model must be an object");
        } else {
          unixtime(out, "/created", ((JsonObject) json).getValue("created"));
        }
        break;
      case MODELS:
        if (json instanceof JsonObject o && o.getValue("data") instanceof JsonArray data) {
          for (int i = 0; i < data.size(); i++) {
            if (!(data.getValue(i) instanceof JsonObject m)) {
              out.add("/data/" + i + ": a Model must be an object");
            } else {
              unixtime(out, "/data/" + i + "/created", m.getValue("created"));
            }
          }
        }
        break;
      default:
        break;
    }
    return out;
  }

  private static void unixtime(List<String> out, String where, Object value) {
    if (value == null) {
      return;
    }
    String problem = unixtimeProblem(value);
    if (problem != null) {
      out.add(where + ": " + problem);
    }
  }

  private static String unixtimeProblem(Object value) {
    if (!(value instanceof Number n)) {
      return null; // the type keyword reports it
    }
    boolean integral = n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
        || (n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue()));
    if (!integral || n.doubleValue() < 0 || n.doubleValue() >= UNIXTIME_LIMIT) {
      return "must match format \"unixtime\" (whole seconds in [0, 1e11): a millisecond timestamp is not one), got " + n;
    }
    return null;
  }

  private static synchronized Validator validator(Schema schema) {
    return VALIDATORS.computeIfAbsent(schema, s -> Validator.create(
        JsonSchema.of(load(s)),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://axon.local").setOutputFormat(OutputFormat.Basic),
        FORMATS));
  }

  private static JsonObject load(Schema schema) {
    String path = RESOURCE_DIR + schema.fileName() + ".schema.json";
    try (InputStream in = OpenAiSchemas.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("schema not on the class path: " + path);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "…";
  }
}
