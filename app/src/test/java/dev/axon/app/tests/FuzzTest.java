package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.OpenAiSchemas;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of the edge (jqwik): generated malformed requests — valid requests broken by one of many
 * mutations (wrong types, out-of-range numbers, truncation, duplicate keys, invalid UTF-8, lone surrogates, deep
 * nesting, wrong content types, odd conversation ids), random bytes, odd paths — thrown at the whole gateway. Every
 * one must get a 4xx with OpenAI's error body, and Valkey must stay exactly as it was.
 */
class FuzzTest {

  static final int DB = 8;
  static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "function", "developer");
  static Vertx vertx;
  static Gateway gateway;
  static WebClient client;
  static Map<String, String> before;

  /** One malformed request: method, path, content type (null: none) and body. */
  record Malformed(String why, HttpMethod method, String path, String contentType, Buffer body) {
    @Override
    public String toString() {
      String text = body == null ? "" : body.toString(StandardCharsets.ISO_8859_1);
      return why + " " + method + " " + path + " [" + contentType + "] " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
  }

  @BeforeContainer
  static void boot() {
    vertx = Vertx.vertx();
    TenantTests.flush(vertx, url());
    gateway = await(Gateway.boot(vertx, new JsonObject().put("size", 1).put("max", 2), new JsonObject().put("bodyLimitBytes", 32_768), DB));
    client = WebClient.create(vertx);
    String id = gateway.chat(KEY_A, Gateway.request("a conversation the fuzzer must not touch")).bodyAsJsonObject().getString("conversation_id");
    assertTrue(id.startsWith("conv-"));
    gateway.writeUsage(KEY_A);
    before = TenantTests.snapshot(vertx, url());
  }

  @AfterContainer
  static void close() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  static String url() {
    return ValkeyFixture.shared().url() + "/" + DB;
  }

  @Property(tries = 300)
  void malformedRequestsGetAClientErrorInOpenAiShapeAndLeaveValkeyAlone(@ForAll("malformed") Malformed m) {
    RequestOptions options = new RequestOptions().setHost(Gateway.HOST).setPort(gateway.port).setURI(m.path())
        .putHeader("Authorization", "Bearer " + KEY_A);
    if (m.contentType() != null) {
      options.putHeader("Content-Type", m.contentType());
    }
    HttpRequest<Buffer> request = client.request(m.method(), options);
    HttpResponse<Buffer> response = await((m.body() == null ? request.send() : request.sendBuffer(m.body()))
        .timeout(10, TimeUnit.SECONDS));
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body().toString(StandardCharsets.UTF_8);
    assertTrue(status >= 400 && status < 500, () -> "HTTP " + status + ": " + text);
    JsonObject error = new JsonObject(text);
    OpenAiSchemas.assertValidError(error);
    assertFalse(text.contains("Exception") || text.contains("\tat "), text);
    assertEquals(before, TenantTests.snapshot(vertx, url()), "Valkey changed");
  }

  @Provide
  Arbitrary<Malformed> malformed() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, mutated()),
        net.jqwik.api.Tuple.of(1, randomBytes()),
        net.jqwik.api.Tuple.of(1, oddPaths()));
  }

  // --- valid requests ----------------------------------------------------------------------------------------

  static Arbitrary<String> text() {
    return Arbitraries.strings().alpha().numeric().withChars(" <>/\"'{}[]:\n\\é漢🙂").ofMaxLength(40);
  }

  static Arbitrary<JsonObject> message() {
    return Combinators.combine(Arbitraries.of("system", "user", "assistant", "developer"), text())
        .as((role, content) -> new JsonObject().put("role", role).put("content", content));
  }

  static Arbitrary<JsonObject> valid() {
    Arbitrary<JsonArray> messages = message().list().ofMinSize(1).ofMaxSize(3).map(JsonArray::new);
    Arbitrary<String> model = Arbitraries.of("gpt-4o", "gpt-4o-mini", "claude-haiku-4-5", "claude-sonnet-4-6");
    Arbitrary<Double> temperature = Arbitraries.doubles().between(0, 2);
    Arbitrary<Integer> maxTokens = Arbitraries.integers().between(1, 500);
    Arbitrary<Boolean> stream = Arbitraries.of(true, false);
    return Combinators.combine(model, messages, temperature, maxTokens, stream).as((m, msgs, t, max, s) -> new JsonObject()
        .put("model", m).put("messages", msgs).put("temperature", t).put("max_tokens", max).put("stream", s));
  }

  // --- mutations that surely break a request -----------------------------------------------------------------

  static Arbitrary<Malformed> mutated() {
    return Combinators.combine(valid(), mutation()).as((request, mutation) -> mutation.apply(request));
  }

  static Malformed chat(String why, Buffer body) {
    return new Malformed(why, HttpMethod.POST, "/v1/chat/completions", "application/json", body);
  }

  static Malformed chat(String why, JsonObject body) {
    return chat(why, body.toBuffer());
  }

  static Arbitrary<Object> wrongScalar() {
    return Arbitraries.oneOf(Arbitraries.just((Object) new JsonObject().put("x", 1)), Arbitraries.just(new JsonArray().add(1)),
        Arbitraries.integers().map(i -> (Object) i), Arbitraries.of(true, false).map(b -> (Object) b));
  }

  static Arbitrary<String> oddConversationId() {
    return Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40),
            Arbitraries.strings().withChars("./\\%\u0000\r\n ").ofMinLength(1).ofMaxLength(10).map(s -> "conv-" + s),
            Arbitraries.strings().alpha().ofLength(129).map(s -> "conv-" + s),
            Arbitraries.of("../../etc/passwd", "conv-", "conv-..", "conv-a/../b", "CONV-x"))
        .filter(s -> !s.matches("conv-[A-Za-z0-9_-]{1,128}"));
  }

  static Arbitrary<Function<JsonObject, Malformed>> mutation() {
    return Arbitraries.oneOf(List.of(
        wrongScalar().filter(v -> !(v instanceof String)).map(v -> r -> chat("model of a wrong type", r.put("model", v))),
        Arbitraries.of("model", "messages").map(f -> r -> {
          r.remove(f);
          return chat("without " + f, r);
        }),
        wrongScalar().filter(v -> !(v instanceof JsonArray)).map(v -> r -> chat("messages of a wrong type", r.put("messages", v))),
        Arbitraries.just(r -> chat("no messages", r.put("messages", new JsonArray()))),
        Arbitraries.doubles().between(2.01, 1e12).map(t -> r -> chat("temperature out of range", r.put("temperature", t))),
        Arbitraries.doubles().between(-1e12, -0.01).map(t -> r -> chat("negative top_p", r.put("top_p", t))),
        Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().between(9, Integer.MAX_VALUE))
            .map(n -> r -> chat("n out of range", r.put("n", n))),
        Arbitraries.of("1e30", "-1", "0", "1.5", "\"many\"", "99999999999999999999999").map(v -> r ->
            chat("max_tokens " + v, Buffer.buffer(r.put("max_tokens", "@@").encode().replace("\"@@\"", v)))),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).filter(s -> !ROLES.contains(s)).map(role -> r -> {
          r.getJsonArray("messages").getJsonObject(0).put("role", role);
          return chat("unknown role", r);
        }),
        wrongScalar().filter(v -> !(v instanceof JsonArray)).map(v -> r -> {
          r.getJsonArray("messages").getJsonObject(0).put("content", v);
          return chat("content of a wrong type", r);
        }),
        oddConversationId().map(id -> r -> chat("odd conversation id", r.put("conversation_id", id))),
        Arbitraries.integers().between(129, 300).map(n -> r -> {
          JsonArray tools = new JsonArray();
          for (int i = 0; i < n; i++) {
            tools.add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "t" + i)));
          }
          return chat("too many tools", r.put("tools", tools));
        }),
        Arbitraries.strings().withChars(" !$.@").ofMinLength(1).ofMaxLength(10).map(name -> r -> chat("bad tool name",
            r.put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name)))))),
        Arbitraries.strings().alpha().ofMinLength(1).map(name -> r -> chat("tool_choice names no tool",
            r.put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name))))),
        Arbitraries.integers().between(5, 20).map(n -> r -> {
          JsonArray stop = new JsonArray();
          for (int i = 0; i < n; i++) {
            stop.add("s" + i);
          }
          return chat("too many stop sequences", r.put("stop", stop));
        }),
        Arbitraries.strings().alpha().ofMinLength(1).filter(t -> !Set.of("text", "json_object", "json_schema").contains(t))
            .map(t -> r -> chat("unknown response format", r.put("response_format", new JsonObject().put("type", t)))),
        wrongScalar().filter(v -> !(v instanceof Boolean)).map(v -> r -> chat("stream of a wrong type", r.put("stream", v))),
        Arbitraries.integers().between(101, 100_000).map(v -> r -> chat("logit_bias out of range",
            r.put("logit_bias", new JsonObject().put("50256", v)))),
        Arbitraries.integers().between(1, 5_000).map(cut -> r -> {
          String json = r.encode();
          return chat("truncated", Buffer.buffer(json.substring(0, Math.min(cut, json.length() - 1))));
        }),
        Arbitraries.just(r -> chat("duplicate key", Buffer.buffer("{\"model\":\"gpt-4o\"," + r.encode().substring(1)))),
        Arbitraries.of(0x80, 0xC0, 0xC3, 0xE0, 0xED, 0xF5, 0xFF).map(b -> r -> {
          String json = r.put("user", "@@").encode();
          int at = json.indexOf("@@");
          Buffer body = Buffer.buffer(json.substring(0, at)).appendByte((byte) b.intValue()).appendString(json.substring(at + 2));
          return chat("invalid UTF-8 byte " + Integer.toHexString(b), body);
        }),
        Arbitraries.of("\\ud800", "\\udfff", "a\\ud83d", "\\ude00b").map(s -> r -> chat("lone surrogate",
            Buffer.buffer(r.put("user", "@@").encode().replace("@@", s)))),
        Arbitraries.integers().between(201, 3_000).map(depth -> r -> chat("too deep",
            Buffer.buffer(r.put("metadata", "@@").encode().replace("\"@@\"", "[".repeat(depth) + "]".repeat(depth))))),
        Arbitraries.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b",
            "application/json; charset=utf-16", "image/png").map(type -> r ->
            new Malformed("content type " + type, HttpMethod.POST, "/v1/chat/completions", type, r.toBuffer())),
        Arbitraries.just(r -> chat("an array, not an object", new JsonArray().add(r).toBuffer())),
        Arbitraries.just(r -> chat("a string, not an object", Buffer.buffer("\"" + r.encode().replace("\"", "'") + "\"")))));
  }

  static Arbitrary<Malformed> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(400)
        .map(bytes -> chat("random bytes", Buffer.buffer(bytes)));
  }

  static Arbitrary<Malformed> oddPaths() {
    return Combinators.combine(Arbitraries.of(HttpMethod.GET, HttpMethod.DELETE), oddConversationId().filter(s -> !s.isEmpty()))
        .as((method, id) -> new Malformed("odd id in the path", method,
            "/v1/conversations/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20").replace("%2E", "."), null, null));
  }
}
