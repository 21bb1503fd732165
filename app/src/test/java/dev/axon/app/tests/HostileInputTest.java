package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.await;
import static dev.axon.app.tests.Gateway.request;
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
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile and malformed requests through the whole gateway: each gets its 4xx in OpenAI's error shape, never a 500,
 * never a stack trace, never a key; and Valkey is exactly as it was (a whole-database snapshot before and after).
 */
@ExtendWith(VertxExtension.class)
class HostileInputTest {

  static final int DB = 7;
  static final int BODY_LIMIT = 65_536;
  static Gateway gateway;
  static WebClient client;
  static String conversation;

  record Case(String name, HttpMethod method, String path, String contentType, Buffer body, int status) {
  }

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    TenantTests.flush(vertx, url());
    Gateway.boot(vertx, new JsonObject().put("size", 1).put("max", 2), new JsonObject().put("bodyLimitBytes", BODY_LIMIT), DB)
        .onComplete(ctx.succeeding(g -> {
          gateway = g;
          client = WebClient.create(vertx);
          ctx.completeNow();
        }));
  }

  @AfterAll
  static void close() {
    client.close();
  }

  static String url() {
    return ValkeyFixture.shared().url() + "/" + DB;
  }

  static Buffer json(String text) {
    return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
  }

  static Buffer bytes(int... values) {
    Buffer b = Buffer.buffer();
    for (int v : values) {
      b.appendByte((byte) v);
    }
    return b;
  }

  static Case chat(String name, String body, int status) {
    return new Case(name, HttpMethod.POST, "/v1/chat/completions", "application/json", json(body), status);
  }

  static Case chat(String name, JsonObject body, int status) {
    return chat(name, body.encode(), status);
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    String nested = "[".repeat(2_000) + "]".repeat(2_000);
    c.add(chat("too deep JSON", "{\"model\":\"gpt-4o\",\"messages\":" + nested + "}", 400));
    c.add(chat("too deep object", "{\"model\":\"gpt-4o\",\"metadata\":" + "{\"a\":".repeat(1_000) + "1" + "}".repeat(1_001), 400));
    c.add(chat("body over the limit", request("x".repeat(BODY_LIMIT + 10)), 413));
    c.add(chat("huge model name", request("hi").put("model", "m".repeat(60_000)), 400));
    c.add(chat("huge role", new JsonObject().put("model", "gpt-4o").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "r".repeat(60_000)).put("content", "hi"))), 400));
    c.add(new Case("invalid UTF-8", HttpMethod.POST, "/v1/chat/completions", "application/json",
        json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"").appendBuffer(bytes(0xC3, 0x28, 0xFF, 0xFE))
            .appendString("\"}]}"), 400));
    c.add(new Case("overlong UTF-8 encoding", HttpMethod.POST, "/v1/chat/completions", "application/json",
        json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"").appendBuffer(bytes(0xC0, 0xAF))
            .appendString("\"}]}"), 400));
    c.add(chat("lone surrogate", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\ud800b\"}]}", 400));
    c.add(new Case("text/plain", HttpMethod.POST, "/v1/chat/completions", "text/plain", json(request("hi").encode()), 400));
    c.add(new Case("form encoded", HttpMethod.POST, "/v1/chat/completions", "application/x-www-form-urlencoded",
        json("model=gpt-4o&messages=hi"), 400));
    c.add(new Case("latin-1 JSON", HttpMethod.POST, "/v1/chat/completions", "application/json; charset=iso-8859-1",
        json(request("hi").encode()), 400));
    c.add(new Case("multipart", HttpMethod.POST, "/v1/chat/completions", "multipart/form-data; boundary=x",
        json("--x\r\n\r\n--x--"), 400));
    c.add(chat("duplicate keys", "{\"model\":\"gpt-4o\",\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400));
    c.add(chat("temperature 1e400", "{\"model\":\"gpt-4o\",\"temperature\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400));
    c.add(chat("max_tokens 1e30", "{\"model\":\"gpt-4o\",\"max_tokens\":1e30,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400));
    c.add(chat("huge integer n", "{\"model\":\"gpt-4o\",\"n\":123456789012345678901234567890,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400));
    c.add(chat("seed 1e100", "{\"model\":\"gpt-4o\",\"seed\":1e100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400));
    c.add(chat("a 2000-digit number", "{\"model\":\"gpt-4o\",\"seed\":" + "9".repeat(2_000) + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400));
    c.add(chat("negative top_logprobs", request("hi").put("top_logprobs", -1), 400));
    c.add(chat("n above the cap", request("hi").put("n", 9), 400));
    JsonArray tools = new JsonArray();
    for (int i = 0; i < 129; i++) {
      tools.add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "tool_" + i)));
    }
    c.add(chat("129 tools", request("hi").put("tools", tools), 400));
    c.add(chat("17 metadata pairs", request("hi").put("metadata", metadata(17)), 400));
    for (String id : new String[] {"../../etc/passwd", "conv-../../x", "conv-abc\u0000", "conv-a/b", "conv-" + "a".repeat(200),
        "conv-a b", "conv-%2e%2e", "conv-\u202e", "CONV-abc", ""}) {
      c.add(chat("conversation_id " + printable(id), request("hi").put("conversation_id", id), 400));
    }
    c.add(chat("conversation_id as a number", request("hi").put("conversation_id", 42), 400));
    c.add(chat("not an object", "[1,2,3]", 400));
    c.add(chat("empty body", "", 400));
    c.add(chat("truncated", request("hi").encode().substring(0, 20), 400));
    c.add(chat("NUL bytes", "\u0000\u0000\u0000", 400));
    for (String path : new String[] {"/v1/conversations/..%2F..%2Fetc%2Fpasswd", "/v1/conversations/../../etc/passwd",
        "/v1/conversations/conv-abc%00", "/v1/conversations/conv-%ff%fe", "/v1/conversations/%2e%2e", "/v1/conversations/conv-a%5cb",
        "/v1/conversations/conv-a%0d%0aX-Injected:%201", "/v1/../v1/conversations", "/v1/conversations/conv-%zz"}) {
      c.add(new Case("GET " + path, HttpMethod.GET, path, null, null, 400));
      c.add(new Case("DELETE " + path, HttpMethod.DELETE, path, null, null, 400));
    }
    c.add(new Case("continue with a malformed body", HttpMethod.POST, "/v1/chat/completions", "application/json",
        json("{\"model\":\"gpt-4o\",\"conversation_id\":\"CONV\",\"messages\":[{\"role\":\"user\",\"content\":7}]}"), 400));
    return c;
  }

  static JsonObject metadata(int pairs) {
    JsonObject m = new JsonObject();
    for (int i = 0; i < pairs; i++) {
      m.put("k" + i, "v");
    }
    return m;
  }

  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char ch : s.toCharArray()) {
      out.append(ch < 0x20 || ch > 0x7e ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
    }
    return out.length() > 40 ? out.substring(0, 40) + "…" : out.toString();
  }

  /** One raw exchange (the path is sent as it is); WebClient reads the whole body before completing. */
  static HttpResponse<Buffer> send(Case c, Buffer[] body) {
    RequestOptions options = new RequestOptions().setHost(Gateway.HOST).setPort(gateway.port).setURI(c.path())
        .putHeader("Authorization", "Bearer " + KEY_A);
    if (c.contentType() != null) {
      options.putHeader("Content-Type", c.contentType());
    }
    HttpRequest<Buffer> request = client.request(c.method(), options);
    HttpResponse<Buffer> response = await((c.body() == null ? request.send() : request.sendBuffer(c.body()))
        .timeout(5, java.util.concurrent.TimeUnit.SECONDS));
    body[0] = response.body();
    return response;
  }

  @Test
  void everyHostileRequestGetsItsClientErrorAndChangesNothing() {
    conversation = gateway.chat(KEY_A, request("a conversation that must survive")).bodyAsJsonObject().getString("conversation_id");
    // The turn's usage is written after its response went out: have it written now, or it would land between the
    // snapshots.
    gateway.writeUsage(KEY_A);
    Map<String, String> before = TenantTests.snapshot(gateway.vertx, url());
    assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("axon:usage:")), "the seeded conversation's usage is there");
    List<String> failures = new ArrayList<>();
    List<Case> all = new ArrayList<>(cases());
    all.add(chat("continue with a bad type", "{\"model\":\"gpt-4o\",\"conversation_id\":\"" + conversation
        + "\",\"messages\":[{\"role\":\"user\",\"content\":7}]}", 400));
    all.add(chat("continue with a lone surrogate", "{\"model\":\"gpt-4o\",\"conversation_id\":\"" + conversation
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"\\udc00\"}]}", 400));
    List<Case> rounds = new ArrayList<>();
    for (int round = 0; round < Integer.getInteger("hostile.rounds", 1); round++) {
      rounds.addAll(all);
    }
    for (Case c : rounds) {
      Buffer[] body = new Buffer[1];
      HttpResponse<Buffer> r;
      try {
        r = send(c, body);
      } catch (AssertionError e) {
        failures.add(c.name() + ": no answer (" + e.getMessage() + ")");
        continue;
      }
      String text = body[0] == null ? "" : body[0].toString(StandardCharsets.UTF_8);
      try {
        assertEquals(c.status(), r.statusCode(), "status");
        assertTrue(String.valueOf(r.getHeader("Content-Type")).startsWith("application/json"), "JSON body");
        OpenAiSchemas.assertValidError(new JsonObject(text));
        assertTrue(text.length() < 2_000, "the error does not echo a huge input: " + text.length() + " chars");
        assertFalse(text.contains("Exception") || text.contains("at dev.axon") || text.contains("at io.vertx"), "no stack trace");
        assertFalse(text.contains(KEY_A), "no key");
        assertFalse(r.headers().contains("X-Injected"), "no header injection");
      } catch (AssertionError | RuntimeException e) {
        failures.add(c.name() + ": " + e.getMessage() + " — HTTP " + r.statusCode() + " " + printable(text.length() > 200 ? text.substring(0, 200) : text));
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(before, TenantTests.snapshot(gateway.vertx, url()), "Valkey is unchanged");
    assertEquals(2, gateway.fetch("/v1/conversations/" + conversation, KEY_A).bodyAsJsonObject().getInteger("message_count"));
  }
}
