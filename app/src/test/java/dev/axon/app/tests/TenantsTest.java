package dev.axon.app.tests;

import static dev.axon.app.tests.Gateway.KEY_A;
import static dev.axon.app.tests.Gateway.KEY_B;
import static dev.axon.app.tests.Gateway.await;
import static dev.axon.app.tests.Gateway.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.testkit.OpenAiSchemas;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenants through the whole gateway on a real Valkey: per-key limits with their headers and 429s, concurrency slots
 * released however a turn ends, allowed models, limits reloaded live, usage metering and its API, the conversation
 * listing, deletion and ownership across keys, conversation size bounds, and {@code store: false}.
 */
@ExtendWith(VertxExtension.class)
class TenantsTest {

  static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  static final String RPM = "sk-axon-rpm-" + RUN;
  static final String CONC = "sk-axon-conc-" + RUN;
  static final String TPD = "sk-axon-tpd-" + RUN;
  static final String TPM = "sk-axon-tpm-" + RUN;
  static final String HAIKU = "sk-axon-haiku-" + RUN;
  static final String METER = "sk-axon-meter-" + RUN;
  static final String FOLD = "sk-axon-fold-" + RUN;
  static final String ADMIN = "sk-axon-admin-" + RUN;
  static final String RELOAD = "sk-axon-reload-" + RUN;
  static final ValkeyFixture VALKEY = ValkeyFixture.shared();

  static Gateway gateway;

  static JsonObject key(String name, String key, JsonObject limits) {
    JsonObject k = new JsonObject().put("name", name + "-" + RUN).put("key", key);
    return limits == null ? k : k.put("limits", limits);
  }

  static JsonObject api() {
    return new JsonObject()
        .put("keys", new JsonArray().add(KEY_A).add(new JsonObject().put("name", "bob").put("key", KEY_B))
            .add(key("rpm", RPM, new JsonObject().put("requestsPerMinute", 3)))
            .add(key("conc", CONC, new JsonObject().put("concurrentRequests", 1)))
            .add(key("tpd", TPD, new JsonObject().put("tokensPerDay", 30)))
            .add(key("tpm", TPM, new JsonObject().put("tokensPerMinute", 20)))
            .add(key("haiku", HAIKU, new JsonObject().put("models", new JsonArray().add("claude-haiku-4-5"))))
            .add(key("meter", METER, null))
            .add(key("fold", FOLD, null))
            .add(key("admin", ADMIN, null).put("admin", true))
            .add(key("reload", RELOAD, new JsonObject().put("requestsPerMinute", 100))))
        .put("conversations", new JsonObject().put("maxMessages", 4).put("maxBytes", 4096))
        .put("concurrencyLeaseMs", 5_000);
  }

  @BeforeAll
  static void boot(Vertx vertx, VertxTestContext ctx) {
    Gateway.boot(vertx, new JsonObject().put("size", 2).put("max", 4), api()).onComplete(ctx.succeeding(g -> {
      gateway = g;
      ctx.completeNow();
    }));
  }

  static String header(HttpResponse<Buffer> r, String name) {
    return r.getHeader(name);
  }

  static void assertRateHeaders(HttpResponse<Buffer> r, String what, long limit) {
    assertEquals(Long.toString(limit), header(r, "x-ratelimit-limit-" + what), () -> "limit header of " + what);
    assertNotNull(header(r, "x-ratelimit-remaining-" + what));
    assertTrue(header(r, "x-ratelimit-reset-" + what).matches("\\d+(\\.\\d+)?(ms|s)|(\\d+h)?\\d+m\\d+(\\.\\d+)?s"),
        () -> "reset " + header(r, "x-ratelimit-reset-" + what));
  }

  static JsonObject assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r::bodyAsString);
    JsonObject body = r.bodyAsJsonObject();
    OpenAiSchemas.assertValidError(body);
    assertEquals(code, body.getJsonObject("error").getString("code"), body::encode);
    return body.getJsonObject("error");
  }

  @Test
  void aBurstPastTheRequestsPerMinuteGets429WithTheHeaders() {
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> ok = gateway.chat(RPM, request("burst " + i).put("store", false));
      assertEquals(200, ok.statusCode(), ok::bodyAsString);
      assertRateHeaders(ok, "requests", 3);
      assertEquals(Integer.toString(2 - i), header(ok, "x-ratelimit-remaining-requests"));
      assertNull(header(ok, "x-ratelimit-limit-tokens"), "no token limit, no token headers");
    }
    HttpResponse<Buffer> refused = gateway.chat(RPM, request("one too many"));
    JsonObject error = assertError(refused, 429, "rate_limit_exceeded");
    assertTrue(error.getString("message").contains("requests per min"), error::encode);
    assertTrue(Integer.parseInt(header(refused, "Retry-After")) >= 1);
    assertRateHeaders(refused, "requests", 3);
    assertEquals("0", header(refused, "x-ratelimit-remaining-requests"));
    // Every response of a limited key carries the headers, other endpoints count too.
    HttpResponse<Buffer> models = gateway.fetch("/v1/models", RPM);
    assertEquals(429, models.statusCode());
    assertRateHeaders(models, "requests", 3);
    HttpResponse<Buffer> unlimited = gateway.chat(KEY_A, request("no limits").put("store", false));
    assertEquals(200, unlimited.statusCode());
    assertNull(header(unlimited, "x-ratelimit-limit-requests"), "an unlimited key gets no rate-limit headers");
  }

  @Test
  void aConcurrencySlotIsHeldWhileATurnRunsAndReleasedHoweverItEnds() {
    Future<HttpResponse<Buffer>> slow = gateway.post("/v1/chat/completions", CONC)
        .sendJsonObject(request("MOCK_SLOW 150").put("max_completion_tokens", 6).put("store", false));
    sleep(250);
    HttpResponse<Buffer> second = gateway.chat(CONC, request("me too"));
    JsonObject error = assertError(second, 429, "rate_limit_exceeded");
    assertTrue(error.getString("message").contains("concurrent"), error::encode);
    assertEquals(200, await(slow).statusCode());
    // Released on success...
    assertEquals(200, eventually(() -> ok(gateway.chat(CONC, request("after success").put("store", false)))).statusCode());
    // ...on failure...
    assertEquals(502, gateway.chat(CONC, request("MOCK_FAIL")).statusCode());
    assertEquals(200, eventually(() -> ok(gateway.chat(CONC, request("after failure").put("store", false)))).statusCode());
    // ...and when the client goes away mid-stream.
    HttpClientAgent client = gateway.vertx.createHttpClient();
    HttpClientResponse streaming = await(client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(Gateway.HOST)
            .setPort(gateway.port).setURI("/v1/chat/completions")
            .putHeader("Authorization", "Bearer " + CONC).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(request("MOCK_SLOW 300").put("stream", true).put("store", false).toBuffer())));
    assertEquals(200, streaming.statusCode());
    sleep(100);
    await(streaming.request().connection().close());
    assertEquals(200, eventually(() -> ok(gateway.chat(CONC, request("after a disconnect").put("store", false)))).statusCode());
    await(client.close());
  }

  @Test
  void theDailyTokenQuotaAnswersInsufficientQuota() {
    HttpResponse<Buffer> first = gateway.chat(TPD, request("one two three four five six seven eight nine ten eleven twelve "
        + "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty").put("store", false));
    assertEquals(200, first.statusCode());
    assertRateHeaders(first, "tokens", 30);
    HttpResponse<Buffer> refused = eventually(() -> {
      HttpResponse<Buffer> r = gateway.chat(TPD, request("more"));
      return r.statusCode() == 429 ? r : null;
    });
    JsonObject error = assertError(refused, 429, "insufficient_quota");
    assertEquals("insufficient_quota", error.getString("type"));
    assertTrue(error.getString("message").contains("daily token quota"), error::encode);
    long toMidnight = (86_400_000L - Math.floorMod(System.currentTimeMillis(), 86_400_000L)) / 1000;
    assertTrue(Math.abs(Long.parseLong(header(refused, "Retry-After")) - toMidnight) < 10, "retry at midnight UTC");
    assertEquals("0", header(refused, "x-ratelimit-remaining-tokens"));
  }

  @Test
  void tokensPerMinuteAreChargedAfterEachTurn() {
    HttpResponse<Buffer> first = gateway.chat(TPM, request("one two three four five six seven eight nine ten eleven twelve "
        + "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty").put("store", false));
    assertEquals(200, first.statusCode());
    assertEquals("20", header(first, "x-ratelimit-limit-tokens"));
    HttpResponse<Buffer> refused = eventually(() -> {
      HttpResponse<Buffer> r = gateway.chat(TPM, request("more"));
      return r.statusCode() == 429 ? r : null;
    });
    JsonObject error = assertError(refused, 429, "rate_limit_exceeded");
    assertTrue(error.getString("message").contains("tokens per min"), error::encode);
  }

  @Test
  void aKeyUsesOnlyItsAllowedModels() {
    HttpResponse<Buffer> refused = gateway.chat(HAIKU, request("hi"));
    JsonObject error = assertError(refused, 404, "model_not_found");
    assertEquals("model", error.getString("param"));
    HttpResponse<Buffer> alias = gateway.chat(HAIKU, request("hi").put("model", "gpt-4o-mini").put("store", false));
    assertEquals(200, alias.statusCode(), "an alias of an allowed model is allowed");
    assertEquals(200, gateway.chat(HAIKU, request("hi").put("model", "claude-haiku-4-5").put("store", false)).statusCode());
  }

  /** A restricted key is shown only what it may use: the list and the lookup agree with the chat endpoint's 404. */
  @Test
  void aKeySeesOnlyItsAllowedModels() {
    List<String> mine = ids(gateway.fetch("/v1/models", HAIKU).bodyAsJsonObject().getJsonArray("data"));
    assertTrue(mine.containsAll(List.of("claude-haiku-4-5", "gpt-4o-mini")), mine::toString);
    assertFalse(mine.contains("claude-sonnet-4-6") || mine.contains("gpt-4o"), mine::toString);
    List<String> all = ids(gateway.fetch("/v1/models", METER).bodyAsJsonObject().getJsonArray("data"));
    assertTrue(all.containsAll(List.of("claude-haiku-4-5", "claude-sonnet-4-6", "gpt-4o")), all::toString);

    HttpResponse<Buffer> anthropic = await(gateway.get("/v1/models", HAIKU).putHeader("anthropic-version", "2023-06-01").send());
    assertEquals(200, anthropic.statusCode(), anthropic.bodyAsString());
    List<String> anthropicIds = ids(anthropic.bodyAsJsonObject().getJsonArray("data"));
    assertTrue(anthropicIds.contains("claude-haiku-4-5") && !anthropicIds.contains("claude-sonnet-4-6"), anthropicIds::toString);

    assertEquals(200, gateway.fetch("/v1/models/gpt-4o-mini", HAIKU).statusCode());
    assertError(gateway.fetch("/v1/models/claude-sonnet-4-6", HAIKU), 404, "model_not_found");
    assertEquals(200, gateway.fetch("/v1/models/claude-sonnet-4-6", METER).statusCode());
  }

  private static List<String> ids(JsonArray data) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      ids.add(data.getJsonObject(i).getString("id"));
    }
    return ids;
  }

  @Test
  void limitsReloadLive() {
    assertEquals(200, gateway.chat(RELOAD, request("before").put("store", false)).statusCode());
    JsonObject tighter = api();
    JsonArray keys = tighter.getJsonArray("keys");
    for (int i = 0; i < keys.size(); i++) {
      if (keys.getValue(i) instanceof JsonObject k && k.getString("key", "").equals(RELOAD)) {
        k.put("limits", new JsonObject().put("requestsPerMinute", 1).put("models", new JsonArray().add("claude-opus-4-6")));
      }
    }
    gateway.vertx.eventBus().publish(Addresses.CONFIG_API, gateway.apiSection(tighter));
    HttpResponse<Buffer> refused = eventually(() -> {
      HttpResponse<Buffer> r = gateway.chat(RELOAD, request("after"));
      return r.statusCode() == 404 ? r : null;
    });
    assertError(refused, 404, "model_not_found");
    gateway.vertx.eventBus().publish(Addresses.CONFIG_API, gateway.apiSection(api()));
    assertEquals(200, eventually(() -> {
      HttpResponse<Buffer> r = gateway.chat(RELOAD, request("restored").put("store", false));
      return r.statusCode() == 200 ? r : null;
    }).statusCode());
  }

  @Test
  void usageIsMeteredPerKeyModelAndDayAndReadBackWithTotals() {
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    long prompt = 0;
    long completion = 0;
    String[] texts = {"count these four words", "and these three", "a final sentence of six words"};
    for (String text : texts) {
      HttpResponse<Buffer> r = gateway.chat(METER, request(text).put("store", false));
      assertEquals(200, r.statusCode());
      prompt += r.bodyAsJsonObject().getJsonObject("usage").getLong("prompt_tokens");
      completion += r.bodyAsJsonObject().getJsonObject("usage").getLong("completion_tokens");
    }
    HttpResponse<Buffer> haiku = gateway.chat(METER, request("on haiku").put("model", "gpt-4o-mini").put("store", false));
    long haikuPrompt = haiku.bodyAsJsonObject().getJsonObject("usage").getLong("prompt_tokens");
    long haikuCompletion = haiku.bodyAsJsonObject().getJsonObject("usage").getLong("completion_tokens");
    long expectedPrompt = prompt + haikuPrompt;
    long expectedCompletion = completion + haikuCompletion;
    JsonObject usage = eventually(() -> {
      HttpResponse<Buffer> r = gateway.fetch("/v1/usage?from=" + today + "&to=" + today, METER);
      assertEquals(200, r.statusCode(), r::bodyAsString);
      JsonObject body = r.bodyAsJsonObject();
      return body.getJsonObject("total").getLong("requests") == 4 ? body : null;
    });
    assertEquals("usage", usage.getString("object"));
    assertEquals("meter-" + RUN, usage.getString("key"));
    assertEquals(today, usage.getString("from"));
    JsonObject total = usage.getJsonObject("total");
    assertEquals(expectedPrompt, total.getLong("prompt_tokens"));
    assertEquals(expectedCompletion, total.getLong("completion_tokens"));
    assertEquals(expectedPrompt + expectedCompletion, total.getLong("total_tokens"));
    assertEquals(0, total.getLong("cached_tokens"));
    JsonArray models = usage.getJsonArray("models");
    assertEquals(2, models.size());
    assertEquals("claude-haiku-4-5", models.getJsonObject(0).getString("model"));
    assertEquals(1, models.getJsonObject(0).getLong("requests"));
    assertEquals(haikuPrompt, models.getJsonObject(0).getLong("prompt_tokens"));
    assertEquals("claude-sonnet-4-6", models.getJsonObject(1).getString("model"));
    assertEquals(3, models.getJsonObject(1).getLong("requests"));
    JsonArray days = usage.getJsonArray("days");
    assertEquals(1, days.size());
    assertEquals(today, days.getJsonObject(0).getString("date"));
    assertEquals(total, days.getJsonObject(0).getJsonObject("total"));

    // Another key reads only its own; an admin key reads anyone's and the totals.
    assertError(gateway.fetch("/v1/usage?key=meter-" + RUN, KEY_B), 403, "permission_denied");
    assertError(gateway.fetch("/v1/usage?key=*", KEY_B), 403, "permission_denied");
    HttpResponse<Buffer> byAdmin = gateway.fetch("/v1/usage?key=meter-" + RUN, ADMIN);
    assertEquals(200, byAdmin.statusCode());
    assertEquals(total, byAdmin.bodyAsJsonObject().getJsonObject("total"));
    HttpResponse<Buffer> all = gateway.fetch("/v1/usage?key=*&from=" + LocalDate.parse(today).minusDays(6) + "&to=" + today, ADMIN);
    assertEquals(200, all.statusCode());
    assertEquals("*", all.bodyAsJsonObject().getString("key"));
    assertTrue(all.bodyAsJsonObject().getJsonObject("total").getLong("requests") >= 4);
    assertTrue(all.bodyAsJsonObject().getJsonObject("total").getLong("prompt_tokens") >= expectedPrompt);

    assertError(gateway.fetch("/v1/usage?from=2026-13-01", METER), 400, null);
    assertError(gateway.fetch("/v1/usage?from=" + today + "&to=" + LocalDate.parse(today).minusDays(1), METER), 400, null);
    assertError(gateway.fetch("/v1/usage?from=2020-01-01&to=" + today, METER), 400, null);
  }

  @Test
  void conversationsAreListedNewestFirstDeletedAndInvisibleToOtherKeys() {
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> r = gateway.chat(METER, request("conversation " + i));
      mine.add(r.bodyAsJsonObject().getString("conversation_id"));
      sleep(5);
    }
    String theirs = gateway.chat(KEY_B, request("bob's")).bodyAsJsonObject().getString("conversation_id");

    HttpResponse<Buffer> page1 = gateway.fetch("/v1/conversations?limit=2", METER);
    assertEquals(200, page1.statusCode(), page1::bodyAsString);
    JsonObject p1 = page1.bodyAsJsonObject();
    assertEquals("list", p1.getString("object"));
    assertEquals(List.of(mine.get(2), mine.get(1)), ids(p1));
    assertEquals(mine.get(2), p1.getString("first_id"));
    assertEquals(mine.get(1), p1.getString("last_id"));
    assertTrue(p1.getBoolean("has_more"));
    JsonObject item = p1.getJsonArray("data").getJsonObject(0);
    assertEquals("conversation", item.getString("object"));
    assertEquals(2, item.getInteger("message_count"));
    assertFalse(item.containsKey("messages"));
    JsonObject p2 = gateway.fetch("/v1/conversations?limit=2&after=" + p1.getString("last_id"), METER).bodyAsJsonObject();
    assertTrue(ids(p2).contains(mine.get(0)));
    assertFalse(ids(p2).contains(theirs));

    // Bob can neither read, continue, list nor delete them: 404, as if they did not exist.
    assertFalse(ids(gateway.fetch("/v1/conversations?limit=100", KEY_B).bodyAsJsonObject()).contains(mine.get(0)));
    assertError(gateway.fetch("/v1/conversations/" + mine.get(0), KEY_B), 404, "not_found");
    assertError(gateway.chat(KEY_B, request("hijack").put("conversation_id", mine.get(0))), 404, "not_found");
    assertError(await(gateway.http.delete(gateway.port, Gateway.HOST, "/v1/conversations/" + mine.get(0))
        .putHeader("Authorization", "Bearer " + KEY_B).send()), 404, "not_found");
    assertEquals(200, gateway.fetch("/v1/conversations/" + mine.get(0), METER).statusCode(), "still there for its owner");

    HttpResponse<Buffer> deleted = await(gateway.http.delete(gateway.port, Gateway.HOST, "/v1/conversations/" + mine.get(1))
        .putHeader("Authorization", "Bearer " + METER).send());
    assertEquals(200, deleted.statusCode(), deleted::bodyAsString);
    assertEquals(new JsonObject().put("id", mine.get(1)).put("object", "conversation.deleted").put("deleted", true),
        deleted.bodyAsJsonObject());
    assertError(gateway.fetch("/v1/conversations/" + mine.get(1), METER), 404, "not_found");
    assertError(gateway.chat(METER, request("continue").put("conversation_id", mine.get(1))), 404, "not_found");
    assertFalse(ids(gateway.fetch("/v1/conversations?limit=100", METER).bodyAsJsonObject()).contains(mine.get(1)));
    assertEquals(":0", VALKEY.command("EXISTS axon:conv:{" + mine.get(1) + "}:messages"));
    assertError(await(gateway.http.delete(gateway.port, Gateway.HOST, "/v1/conversations/" + mine.get(1))
        .putHeader("Authorization", "Bearer " + METER).send()), 404, "not_found");

    assertError(gateway.fetch("/v1/conversations?limit=0", METER), 400, null);
    assertError(gateway.fetch("/v1/conversations?limit=101", METER), 400, null);
    assertError(gateway.fetch("/v1/conversations?after=../../etc", METER), 400, null);
  }

  @Test
  void aConversationPastItsLimitsGetsAClearBadRequest() {
    HttpResponse<Buffer> first = gateway.chat(KEY_A, request("one"));
    String id = first.bodyAsJsonObject().getString("conversation_id");
    assertEquals(200, gateway.chat(KEY_A, request("two").put("conversation_id", id)).statusCode());
    HttpResponse<Buffer> full = gateway.chat(KEY_A, request("three").put("conversation_id", id));
    JsonObject error = assertError(full, 400, null);
    assertTrue(error.getString("message").contains("limit of 4 messages"), error::encode);
    assertEquals("conversation_id", error.getString("param"));
    // The refusal released the conversation's lock: asking again is the same 400, not a 409.
    assertEquals(400, gateway.chat(KEY_A, request("three").put("conversation_id", id)).statusCode());
    assertEquals(4, gateway.fetch("/v1/conversations/" + id, KEY_A).bodyAsJsonObject().getInteger("message_count"));

    JsonObject big = assertError(gateway.chat(KEY_A, request("x".repeat(5000))), 400, null);
    assertTrue(big.getString("message").contains("4096 bytes"), big::encode);
    assertEquals(200, gateway.chat(KEY_A, request("x".repeat(5000)).put("store", false)).statusCode(),
        "a turn that is not stored is not bounded by conversation limits");
  }

  @Test
  void aStoredTurnCostsOneValkeyReadAndOneWriteItsUsageIncluded() {
    List<HttpResponse<Buffer>> turns = new ArrayList<>();
    for (String text : List.of("remember this", "and this too")) {
      turns.add(gateway.chat(FOLD, request(text)));
    }
    // A continued turn first: a script the server has not cached yet costs one more call (EVALSHA, then EVAL).
    turns.add(gateway.chat(FOLD, request("go on").put("conversation_id", turns.get(0).bodyAsJsonObject().getString("conversation_id"))));
    // Usage is counted in memory and written once a second: written now, with the next write a minute away (and the
    // write already scheduled gone by), so it cannot fall into the turn counted below.
    JsonObject store = Gateway.config(gateway.port, new JsonObject()).getJsonObject("store");
    gateway.vertx.eventBus().publish(Addresses.CONFIG_STORE, store.copy().put("usageFlushMs", 60_000));
    gateway.writeUsage(FOLD);
    sleep(1_100);
    long before = VALKEY.scriptCalls();
    turns.add(gateway.chat(FOLD, request("and on").put("conversation_id", turns.get(1).bodyAsJsonObject().getString("conversation_id"))));
    sleep(300); // the usage used to follow the response in a call of its own: it would be counted by now
    long calls = VALKEY.scriptCalls() - before;
    gateway.vertx.eventBus().publish(Addresses.CONFIG_STORE, store);
    assertEquals(2, calls, "one read (open and lock), one write (commit; the usage is counted in memory)");
    long prompt = 0;
    for (HttpResponse<Buffer> r : turns) {
      assertEquals(200, r.statusCode(), r::bodyAsString);
      prompt += r.bodyAsJsonObject().getJsonObject("usage").getLong("prompt_tokens");
    }
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    JsonObject total = eventually(() -> {
      JsonObject t = gateway.fetch("/v1/usage?from=" + today + "&to=" + today, FOLD).bodyAsJsonObject().getJsonObject("total");
      return t.getLong("requests") == 4 ? t : null;
    });
    assertEquals(prompt, total.getLong("prompt_tokens"), "every turn metered, each once");
  }

  @Test
  void storeFalseWritesNoConversation() {
    String before = VALKEY.command("DBSIZE");
    List<String> convKeysBefore = keys("axon:conv:*");
    HttpResponse<Buffer> r = gateway.chat(KEY_B, request("do not keep me").put("store", false));
    assertEquals(200, r.statusCode());
    assertNull(r.bodyAsJsonObject().getString("conversation_id"), "no conversation was created");
    HttpResponse<Buffer> streamed = gateway.chat(KEY_B, request("nor me").put("store", false).put("stream", true));
    assertFalse(streamed.bodyAsString().contains("conversation_id\":\"conv-"), "no conversation id in the stream");
    sleep(100);
    assertEquals(convKeysBefore, keys("axon:conv:*"), "no conversation key was written");

    String id = gateway.chat(KEY_B, request("kept")).bodyAsJsonObject().getString("conversation_id");
    List<String> convKeys = keys("axon:conv:*");
    assertEquals(200, gateway.chat(KEY_B, request("not kept").put("conversation_id", id).put("store", false)).statusCode());
    assertEquals(2, gateway.fetch("/v1/conversations/" + id, KEY_B).bodyAsJsonObject().getInteger("message_count"));
    assertEquals(convKeys, keys("axon:conv:*"));
    assertNotNull(before);
  }

  /** The response when it is a 200, else null (to retry). */
  static HttpResponse<Buffer> ok(HttpResponse<Buffer> r) {
    return r.statusCode() == 200 ? r : null;
  }

  static List<String> ids(JsonObject page) {
    List<String> out = new ArrayList<>();
    for (Object o : page.getJsonArray("data")) {
      out.add(((JsonObject) o).getString("id"));
    }
    return out;
  }

  /** The sorted key names matching a pattern, read with a Valkey client. */
  static List<String> keys(String pattern) {
    return TenantTests.keys(gateway.vertx, VALKEY.url(), pattern);
  }

  static void sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Retries a step (from the JUnit thread) until it returns non-null, for effects that land just after a response. */
  static <T> T eventually(java.util.function.Supplier<T> step) {
    long deadline = System.currentTimeMillis() + 5_000;
    AssertionError last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        T value = step.get();
        if (value != null) {
          return value;
        }
      } catch (AssertionError e) {
        last = e;
      }
      sleep(50);
    }
    if (last != null) {
      throw last;
    }
    throw new AssertionError("no success within 5 s");
  }
}
