package dev.axon.pool.tests;

import static dev.axon.pool.tests.ProviderHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.Role;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.tokens.CountTokens;
import dev.axon.common.tokens.TokenCount;
import dev.axon.pool.PoolVerticle;
import dev.axon.testkit.anthropic.MockAnthropicServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /v1/messages/count_tokens} on the pool's side, through the event bus only: the model is routed like a
 * turn's, the anthropic provider asks its upstream, the mock provider counts as its turns do, a failing upstream
 * falls back along the model's chain, and errors come back typed. No session is taken for a count.
 */
@ExtendWith(VertxExtension.class)
class PoolCountTokensTest {

  static final String KEY = "sk-ant-count-key";

  Vertx vertx;
  MockAnthropicServer upstream;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    Codecs.register(vertx);
    upstream = await(MockAnthropicServer.start(vertx, 0)).requireApiKey(KEY);
  }

  void deploy(String apiKey, JsonArray fallback) {
    JsonObject config = new JsonObject().put("provider", "mock").put("size", 1).put("heartbeatMs", 200)
        .put("routes", new JsonObject().put("claude-*", "anthropic"))
        .put("anthropic", new JsonObject().put("baseUrl", upstream.baseUrl()).put("apiKey", apiKey));
    if (fallback != null) {
      config.put("fallback", fallback);
    }
    await(vertx.deployVerticle(new PoolVerticle(), new DeploymentOptions().setConfig(config)));
  }

  static ChatRequest request(String model, String text) {
    return new ChatRequest(model, List.of(ChatMessage.system("Be brief."), ChatMessage.user(text)), null, null, null, null, null, null, null);
  }

  Future<Object> count(ChatRequest request) {
    return vertx.eventBus().request(Addresses.POOL_COUNT_TOKENS, new CountTokens(request)).map(m -> (Object) m.body())
        .otherwise(e -> e);
  }

  PoolStats stats() {
    return await(vertx.eventBus().<PoolStats>request(Addresses.POOL_STATS, null).map(m -> m.body()));
  }

  @Test
  void anAnthropicModelIsCountedByTheUpstreamWithoutASession() {
    deploy(KEY, null);
    Object reply = await(count(request("claude-sonnet-4-6", "How many tokens are in this question?")));
    // The mock upstream counts words: two of system, seven of the question.
    assertEquals(new TokenCount(9), reply);
    assertEquals(1, upstream.countTokensRequests().size());
    assertEquals("claude-sonnet-4-6", upstream.countTokensRequests().get(0).body().getString("model"));
    assertTrue(upstream.messageRequests().isEmpty(), "no turn ran");
    assertTrue(stats().models().stream().noneMatch(m -> m.model().equals("claude-sonnet-4-6")), "no pool was started for the count");
  }

  @Test
  void aMockModelIsCountedAsItsTurnsCount() {
    deploy(KEY, null);
    assertEquals(new TokenCount(9), await(count(request("mock-model", "How many tokens are in this question?"))));
    assertTrue(upstream.requests().isEmpty(), "the mock provider has no upstream");
  }

  @Test
  void anUpstreamThatFailsFallsBackAlongTheModelsChain() {
    deploy("sk-ant-wrong", new JsonArray().add("mock"));
    assertEquals(new TokenCount(9), await(count(request("claude-sonnet-4-6", "How many tokens are in this question?"))));
    assertEquals(1, upstream.countTokensRequests().size(), "the anthropic upstream was asked first");
  }

  @Test
  void errorsComeBackTyped() {
    deploy("sk-ant-wrong", null);
    AxonException auth = assertInstanceOf(AxonException.class, await(count(request("claude-sonnet-4-6", "hi"))));
    assertEquals(ErrorKind.UPSTREAM_AUTH, auth.kind());

    ChatRequest audio = new ChatRequest("claude-sonnet-4-6", List.of(new ChatMessage(Role.USER,
        List.of(new ContentPart.Audio("AAAA", "wav")), null, null, null)), null, null, null, null, null, null, null);
    AxonException invalid = assertInstanceOf(AxonException.class, await(count(audio)));
    assertEquals(ErrorKind.INVALID_REQUEST, invalid.kind());

    AxonException noModel = assertInstanceOf(AxonException.class, await(count(request(null, "hi"))));
    assertEquals(ErrorKind.INVALID_REQUEST, noModel.kind());
  }
}
