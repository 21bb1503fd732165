package dev.axon.app.tests;

import static dev.axon.app.tests.HttpGateway.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.errors.InternalServerException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker in front of an upstream, through the whole gateway: repeated upstream failures open it,
 * requests then fail fast with 503 and a Retry-After without reaching the upstream, /stats shows it, and after
 * the reset timeout a successful probe closes it again.
 */
class HttpProviderBreakerEndToEndTest {

  static HttpGateway gateway;
  static OpenAIClient client;

  @BeforeAll
  static void boot() {
    gateway = new HttpGateway(new JsonObject().put("retry", new JsonObject().put("maxRetries", 0))
        .put("breaker", new JsonObject().put("maxFailures", 2).put("resetTimeoutMs", 1500)), new JsonObject());
    client = gateway.client();
  }

  @AfterAll
  static void shutdown() {
    gateway.close();
  }

  static ChatCompletionCreateParams chat(String text) {
    return ChatCompletionCreateParams.builder().model("claude-sonnet-4-6").addUserMessage(text).build();
  }

  static String breaker() {
    return gateway.get("/stats").getJsonObject("pool").getJsonArray("upstreams").stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("provider").equals("anthropic")).findFirst().orElseThrow().getJsonObject("breaker").getString("state");
  }

  @Test
  void repeatedFailuresOpenTheBreakerWhichFailsFastUntilAProbeSucceeds() {
    for (int i = 0; i < 2; i++) {
      assertEquals(502, assertThrows(InternalServerException.class, () -> client.chat().completions().create(chat("UPSTREAM_ERROR 500")))
          .statusCode());
    }
    assertTrue(eventually(1000, () -> "open".equals(breaker())));
    int sent = gateway.anthropic.messageRequests().size();

    InternalServerException fast = assertThrows(InternalServerException.class, () -> client.chat().completions().create(chat("hello")));
    assertEquals(503, fast.statusCode());
    List<String> retryAfter = fast.headers().values("Retry-After");
    assertFalse(retryAfter.isEmpty());
    assertTrue(Integer.parseInt(retryAfter.get(0)) >= 1);
    assertTrue(fast.getMessage().contains("circuit breaker"));
    assertEquals(sent, gateway.anthropic.messageRequests().size(), "nothing reached the upstream while open");

    JsonObject model = gateway.get("/stats").getJsonObject("pool").getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("model").equals("claude-sonnet-4-6")).findFirst().orElseThrow();
    assertEquals("open", model.getString("breaker"));

    assertTrue(eventually(3000, () -> "half_open".equals(breaker())));
    ChatCompletion probe = client.chat().completions().create(chat("are you back?"));
    assertStartsWith("Hello from the mock upstream. You said: are you back?", probe.choices().get(0).message().content().orElseThrow());
    assertTrue(eventually(1000, () -> "closed".equals(breaker())));
    JsonObject anthropic = gateway.get("/stats").getJsonObject("pool").getJsonArray("upstreams").getJsonObject(0);
    assertTrue(anthropic.getJsonObject("breaker").getLong("opened") >= 1);
    assertTrue(anthropic.getJsonObject("breaker").getLong("rejected") >= 1);
  }

  /** The mock upstream's reply starts with this (it goes on to report the history it received). */
  static void assertStartsWith(String expected, String actual) {
    org.junit.jupiter.api.Assertions.assertTrue(actual != null && actual.startsWith(expected), () -> "expected to start with <" + expected + "> but was <" + actual + ">");
  }
}
