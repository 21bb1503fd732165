package dev.axon.app.tests;

import static dev.axon.app.tests.HttpGateway.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Per-model fallback chains: {@code claude-*} goes to the {@code anthropic} provider with {@code mock} as its
 * fallback. A failure before the first byte, or an open breaker, sends the request to the fallback; client errors
 * do not; the response says which provider and model served it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProviderFailoverTest {

  static HttpGateway gateway;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void boot() {
    gateway = new HttpGateway(new JsonObject().put("retry", new JsonObject().put("maxRetries", 0))
        .put("breaker", new JsonObject().put("maxFailures", 3).put("resetTimeoutMs", 60_000)), new JsonObject(),
        new JsonObject().put("fallback", new JsonArray().add("mock")));
  }

  @AfterAll
  static void shutdown() {
    gateway.close();
  }

  static HttpResponse<String> chat(String text, boolean stream) throws Exception {
    JsonObject body = new JsonObject().put("model", "claude-sonnet-4-6").put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
    return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
        .header("Authorization", "Bearer " + HttpGateway.KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void aHealthyFirstProviderServesAndSaysSo() throws Exception {
    HttpResponse<String> r = chat("hello upstream", false);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals("anthropic", body.getString("provider"));
    assertTrue(body.getString("served_model").startsWith("claude-sonnet-4-6"), body.encode());
    assertEquals("anthropic", r.headers().firstValue("x-axon-provider").orElseThrow());
    assertEquals("claude-sonnet-4-6", body.getString("model"), "the model field stays the client's name");
  }

  @Test
  @Order(2)
  void aFailureBeforeTheFirstByteGoesToTheFallback() throws Exception {
    int before = gateway.anthropic.messageRequests().size();
    HttpResponse<String> r = chat("UPSTREAM_ERROR 500 please", false);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals("mock", body.getString("provider"));
    assertEquals("mock", r.headers().firstValue("x-axon-provider").orElseThrow());
    assertTrue(body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content").startsWith("You said:"));
    assertEquals(before + 1, gateway.anthropic.messageRequests().size(), "the first provider was tried once");
  }

  @Test
  @Order(3)
  void aStreamFallsBackBeforeItsFirstChunkAndItsFinishChunkSaysWhoServed() throws Exception {
    HttpResponse<String> r = chat("UPSTREAM_ERROR 529 stream please", true);
    assertEquals(200, r.statusCode(), r.body());
    List<JsonObject> chunks = r.body().lines().filter(l -> l.startsWith("data: {")).map(l -> new JsonObject(l.substring(6))).toList();
    JsonObject finish = chunks.stream().filter(c -> !c.getJsonArray("choices").isEmpty()
        && c.getJsonArray("choices").getJsonObject(0).getString("finish_reason") != null).findFirst().orElseThrow();
    assertEquals("mock", finish.getString("provider"));
    assertTrue(r.body().trim().endsWith("data: [DONE]"));
  }

  @Test
  @Order(4)
  void aClientErrorIsNotRetriedElsewhere() throws Exception {
    HttpResponse<String> r = chat("UPSTREAM_ERROR 400 bad", false);
    assertEquals(400, r.statusCode(), r.body());
  }

  @Test
  @Order(5)
  void anOpenBreakerSendsRequestsStraightToTheFallback() throws Exception {
    for (int i = 0; i < 3; i++) {
      chat("UPSTREAM_ERROR 500 again " + i, false);
    }
    assertTrue(eventually(2000, () -> "open".equals(gateway.get("/stats").getJsonObject("pool").getJsonArray("upstreams").stream()
        .map(JsonObject.class::cast).filter(u -> u.getString("provider").equals("anthropic")).findFirst().orElseThrow()
        .getJsonObject("breaker").getString("state"))));
    int sent = gateway.anthropic.messageRequests().size();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = chat("while the breaker is open " + i, false);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("mock", new JsonObject(r.body()).getString("provider"));
    }
    assertEquals(sent, gateway.anthropic.messageRequests().size(), "nothing reached the upstream while its breaker was open");
  }
}
