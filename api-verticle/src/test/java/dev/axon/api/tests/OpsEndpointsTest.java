package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.ApiVerticle;
import dev.axon.api.ops.Drain;
import dev.axon.api.ops.EdgeOps;
import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.ErrorKind;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operations endpoints of the edge: {@code /metrics} in Prometheus text with the edge's meters, its optional
 * token, {@code /stats} and {@code /stats/traffic} for API keys and the read-only status token, the status page and
 * its Content-Security-Policy, and tokens changed live.
 */
class OpsEndpointsTest extends ApiTestBase {

  static final String METRICS_TOKEN = "metrics-token-0123456789";
  static final String STATUS_TOKEN = "status-token-0123456789";

  PrometheusMeterRegistry registry;
  Vertx vertx;

  @org.junit.jupiter.api.BeforeEach
  void keep(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  ApiVerticle verticle() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new ApiVerticle(new EdgeOps(registry, registry::scrape, new Drain(), null));
  }

  @Override
  JsonObject config() {
    return super.config().put("ops", new JsonObject()
        .put("metrics", new JsonObject().put("token", METRICS_TOKEN))
        .put("status", new JsonObject().put("token", STATUS_TOKEN)));
  }

  @Test
  void metricsCountRequestsByRouteStatusAndModelWithTokensPerKeyName(VertxTestContext ctx) {
    pool.script(FakePool.text("Hello"), FakePool.text(" world"), FakePool.done(dev.axon.common.chat.FinishReason.STOP, 7, 3));
    chat(KEY_A, request("one"))
        .compose(r -> chat(KEY_B, streaming("two")))
        .compose(r -> get("/v1/nope", KEY_A).send())
        .compose(r -> get("/v1/conversations/conv-unknown", KEY_A).send())
        .compose(r -> post("/v1/chat/completions", null).sendJsonObject(request("no key")))
        .compose(r -> settle())
        .compose(v -> get("/metrics", null).bearerTokenAuthentication(METRICS_TOKEN).send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertTrue(r.getHeader("Content-Type").startsWith("text/plain; version=0.0.4"), r.getHeader("Content-Type"));
          String text = r.bodyAsString();
          String model = FakePool.MODEL;
          assertEquals(2.0, Prometheus.value(text, "axon_http_requests_seconds_count",
              Map.of("route", "/v1/chat/completions", "status", "200", "model", model, "method", "POST")), text);
          assertEquals(1.0, Prometheus.value(text, "axon_http_requests_seconds_count",
              Map.of("route", "/v1/chat/completions", "status", "401", "model", "none")));
          assertEquals(1.0, Prometheus.value(text, "axon_http_requests_seconds_count",
              Map.of("route", "/v1/conversations/:id", "status", "404")));
          assertEquals(1.0, Prometheus.value(text, "axon_http_requests_seconds_count", Map.of("route", "other", "status", "404")));
          assertNotNull(Prometheus.value(text, "axon_http_requests_seconds_bucket", Map.of("route", "/v1/chat/completions", "le", "0.1")));
          assertEquals(1.0, Prometheus.value(text, "axon_time_to_first_token_seconds_count", Map.of("model", model, "stream", "true")));
          assertEquals(1.0, Prometheus.value(text, "axon_time_to_first_token_seconds_count", Map.of("model", model, "stream", "false")));
          assertEquals(2.0, Prometheus.value(text, "axon_gateway_overhead_seconds_count", Map.of("model", model)));
          assertEquals(7.0, Prometheus.value(text, "axon_tokens_total", Map.of("model", model, "key", "key-1", "direction", "in")));
          assertEquals(3.0, Prometheus.value(text, "axon_tokens_total", Map.of("model", model, "key", "key-1", "direction", "out")));
          assertEquals(3.0, Prometheus.value(text, "axon_tokens_total", Map.of("model", model, "key", "bob", "direction", "out")));
          assertEquals(0.0, Prometheus.value(text, "axon_http_inflight_requests", Map.of()));
          assertEquals(0.0, Prometheus.value(text, "axon_drain_phase", Map.of()));
          assertFalse(text.contains(KEY_A) || text.contains(KEY_B), "no API key in the metrics");
          ctx.completeNow();
        })));
  }

  @Test
  void failedCompletionsAreCountedByKind(VertxTestContext ctx) {
    pool.script(FakePool.text("partial"), new ChatEvent.Failed(ErrorKind.UPSTREAM_OVERLOADED, "overloaded", 2));
    chat(KEY_A, streaming("fails midway"))
        .compose(r -> chat(KEY_A, request("fails too")))
        .compose(r -> settle())
        .compose(v -> get("/metrics", null).bearerTokenAuthentication(METRICS_TOKEN).send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          String text = r.bodyAsString();
          assertEquals(2.0, Prometheus.value(text, "axon_chat_errors_total", Map.of("kind", "upstream_overloaded")), text);
          assertEquals(1.0, Prometheus.value(text, "axon_http_requests_seconds_count",
              Map.of("route", "/v1/chat/completions", "status", "503")));
          ctx.completeNow();
        })));
  }

  @Test
  void metricsNeedTheirTokenAndNothingElse(VertxTestContext ctx) {
    get("/metrics", null).send()
        .compose(none -> get("/metrics", KEY_A).send().map(withKey -> {
          ctx.verify(() -> {
            assertEquals(401, none.statusCode());
            assertEquals(401, withKey.statusCode(), "an API key is not the metrics token");
            assertNotNull(none.getHeader("WWW-Authenticate"));
          });
          return withKey;
        }))
        .compose(v -> get("/metrics", null).bearerTokenAuthentication("wrong-token-0123").send())
        .onComplete(ctx.succeeding(wrong -> ctx.verify(() -> {
          assertEquals(401, wrong.statusCode());
          ctx.completeNow();
        })));
  }

  @Test
  void statusDataTakesTheStatusTokenOrAnApiKeyButTheTokenOpensNothingElse(VertxTestContext ctx) {
    chat(KEY_A, request("count me"))
        .compose(r -> settle())
        .compose(v -> Future.all(java.util.List.of(
            get("/stats", null).bearerTokenAuthentication(STATUS_TOKEN).send(),
            get("/stats", KEY_B).send(),
            get("/stats", null).bearerTokenAuthentication("not-the-token-123").send(),
            get("/stats/traffic", null).bearerTokenAuthentication(STATUS_TOKEN).send(),
            get("/stats/traffic", null).send(),
            get("/v1/models", null).bearerTokenAuthentication(STATUS_TOKEN).send(),
            post("/v1/chat/completions", null).bearerTokenAuthentication(STATUS_TOKEN).sendJsonObject(request("no")))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(200, all.<HttpResponse<Buffer>>resultAt(0).statusCode());
          assertEquals(200, all.<HttpResponse<Buffer>>resultAt(1).statusCode());
          assertEquals(401, all.<HttpResponse<Buffer>>resultAt(2).statusCode());
          HttpResponse<Buffer> traffic = all.resultAt(3);
          assertEquals(200, traffic.statusCode());
          JsonObject total = traffic.bodyAsJsonObject().getJsonObject("total");
          assertTrue(total.getLong("requests") >= 1, traffic.bodyAsString());
          assertEquals(1, total.getLong("chatRequests"), traffic.bodyAsString());
          assertEquals(0, total.getLong("errors"));
          assertEquals(1, traffic.bodyAsJsonObject().getJsonArray("nodes").size());
          assertEquals("serving", traffic.bodyAsJsonObject().getJsonArray("nodes").getJsonObject(0).getString("phase"));
          assertEquals(401, all.<HttpResponse<Buffer>>resultAt(4).statusCode());
          assertEquals(401, all.<HttpResponse<Buffer>>resultAt(5).statusCode(), "the status token is no API key");
          assertEquals(401, all.<HttpResponse<Buffer>>resultAt(6).statusCode(), "the status token is no API key");
          ctx.completeNow();
        })));
  }

  @Test
  void theStatusPageIsSelfContainedAndItsPolicyAllowsExactlyItsOwnScriptAndStyle(VertxTestContext ctx) {
    Future.all(get("/status", null).send(), get("/", null).send()).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      HttpResponse<Buffer> page = all.resultAt(0);
      assertEquals(200, page.statusCode());
      assertEquals(page.bodyAsString(), all.<HttpResponse<Buffer>>resultAt(1).bodyAsString(), "/ serves the same page");
      assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
      String html = page.bodyAsString();
      String policy = page.getHeader("Content-Security-Policy");
      assertNotNull(policy);
      assertTrue(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"), policy);
      assertTrue(policy.contains("'sha256-" + hash(between(html, "<script>", "</script>")) + "'"), policy);
      assertTrue(policy.contains("'sha256-" + hash(between(html, "<style>", "</style>")) + "'"), policy);
      assertFalse(policy.contains("unsafe"), policy);
      assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
      Matcher external = Pattern.compile("(?i)(src|href)\\s*=\\s*\"(https?:)?//").matcher(html);
      assertFalse(external.find(), "nothing loaded from elsewhere");
      assertFalse(html.contains("http://") || html.contains("https://"), "no absolute URL at all");
      for (String endpoint : new String[] {"/health", "/stats", "/stats/traffic"}) {
        assertTrue(html.contains("\"" + endpoint + "\""), endpoint);
      }
      ctx.completeNow();
    })));
  }

  @Test
  void tokensChangeLive(Vertx vertx, VertxTestContext ctx) {
    JsonObject next = config().put("ops", new JsonObject()
        .put("metrics", new JsonObject().put("token", new JsonObject().put("sha256", sha256Hex("rotated-metrics-token"))))
        .put("status", new JsonObject()));
    vertx.eventBus().publish(Addresses.CONFIG_API, next);
    settle()
        .compose(v -> Future.all(
            get("/metrics", null).bearerTokenAuthentication(METRICS_TOKEN).send(),
            get("/metrics", null).bearerTokenAuthentication("rotated-metrics-token").send(),
            get("/stats", null).bearerTokenAuthentication(STATUS_TOKEN).send()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(401, all.<HttpResponse<Buffer>>resultAt(0).statusCode(), "the old metrics token no longer works");
          assertEquals(200, all.<HttpResponse<Buffer>>resultAt(1).statusCode(), "the new one, given as a hash, does");
          assertEquals(401, all.<HttpResponse<Buffer>>resultAt(2).statusCode(), "the status token was removed");
          ctx.completeNow();
        })));
  }

  @Test
  void aVerticleWithoutMetricsAnswers404(Vertx vertx, VertxTestContext ctx) {
    ApiVerticle plain = new ApiVerticle();
    vertx.deployVerticle(plain, new io.vertx.core.DeploymentOptions().setConfig(super.config()))
        .compose(id -> client.get(plain.actualPort(), HOST, "/metrics").send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(404, r.statusCode());
          assertNull(Prometheus.value(r.bodyAsString(), "axon_http_requests_seconds_count", Map.of()));
          ctx.completeNow();
        })));
  }

  /** The record of a request is made on the event loop's next turn after its end: give it a moment. */
  Future<Void> settle() {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    vertx.setTimer(300, t -> p.complete());
    return p.future();
  }

  static String between(String text, String open, String close) {
    int start = text.indexOf(open) + open.length();
    return text.substring(start, text.indexOf(close, start));
  }

  static String hash(String text) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(String text) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
