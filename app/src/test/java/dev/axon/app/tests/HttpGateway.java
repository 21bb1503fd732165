package dev.axon.app.tests;

import dev.axon.app.AxonConfig;
import dev.axon.app.Main;
import dev.axon.common.bus.Codecs;
import dev.axon.testkit.ValkeyFixture;
import dev.axon.testkit.anthropic.MockAnthropicServer;
import dev.axon.testkit.openai.MockOpenAiServer;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A whole gateway for end-to-end tests: Valkey from the shared fixture, a mock Anthropic and a mock OpenAI-compatible
 * upstream, and Axon deployed as the launcher does, routing {@code claude-*} to {@code anthropic} and {@code llama-*}
 * to {@code openai} (everything else to the mock provider).
 */
final class HttpGateway implements AutoCloseable {

  static final String KEY = "sk-axon-e2e";
  static final String ANTHROPIC_KEY = "sk-ant-upstream-secret";
  static final String OPENAI_KEY = "sk-oai-upstream-secret";

  final Vertx vertx = Vertx.vertx();
  final MockAnthropicServer anthropic;
  final MockOpenAiServer openai;
  final int port;

  HttpGateway(JsonObject anthropicOptions, JsonObject openaiOptions) {
    this(anthropicOptions, openaiOptions, new JsonObject());
  }

  /** @param poolOptions merged into the {@code pool} section (e.g. a fallback chain) */
  HttpGateway(JsonObject anthropicOptions, JsonObject openaiOptions, JsonObject poolOptions) {
    Codecs.register(vertx);
    anthropic = await(MockAnthropicServer.start(vertx, 0)).requireApiKey(ANTHROPIC_KEY);
    openai = await(MockOpenAiServer.start(vertx, 0)).requireApiKey(OPENAI_KEY);
    port = ValkeyFixture.freePort();
    JsonObject config = new JsonObject()
        .put("api", new JsonObject().put("port", port).put("host", "127.0.0.1").put("keys", new JsonArray().add(KEY)).put("instances", 1))
        .put("models", new JsonObject().put("routes", new JsonObject().put("claude-*", "anthropic").put("llama-*", "openai")))
        .put("pool", new JsonObject().put("provider", "mock").put("size", 1).put("max", 4)
            .put("anthropic", new JsonObject().put("baseUrl", anthropic.baseUrl()).put("apiKey", ANTHROPIC_KEY)
                .put("retry", new JsonObject().put("baseDelayMs", 20)).put("headersTimeoutMs", 1500).put("wholeReplyTimeoutMs", 3000).mergeIn(anthropicOptions, true))
            .put("openai", new JsonObject().put("baseUrl", openai.baseUrl()).put("apiKey", OPENAI_KEY)
                .put("retry", new JsonObject().put("baseDelayMs", 20)).mergeIn(openaiOptions, true)).mergeIn(poolOptions, true))
        .put("store", new JsonObject().put("backend", "valkey").put("valkey", new JsonObject().put("url", ValkeyFixture.shared().url())));
    await(Main.deploy(vertx, new AxonConfig(config)));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  OpenAIClient client() {
    return OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey(KEY).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
  }

  OpenAIClient client(Duration timeout) {
    return OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey(KEY).maxRetries(0).timeout(timeout).build();
  }

  /** The official Anthropic Java SDK pointed at the gateway. */
  AnthropicClient anthropicClient() {
    return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port).apiKey(KEY).maxRetries(0)
        .timeout(Duration.ofSeconds(20)).build();
  }

  /** A POST of a raw JSON body as an Anthropic client sends it ({@code x-api-key}, {@code anthropic-version}). */
  HttpResponse<String> postAnthropic(String path, String body) {
    return postAnthropic(path, body, null);
  }

  /** The same, continuing a conversation ({@code x-axon-conversation-id}). */
  HttpResponse<String> postAnthropicWithConversation(String conversationId, String body) {
    return postAnthropic("/v1/messages", body, conversationId);
  }

  private HttpResponse<String> postAnthropic(String path, String body, String conversationId) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("x-api-key", KEY).header("anthropic-version", "2023-06-01").header("content-type", "application/json");
      if (conversationId != null) {
        request.header("x-axon-conversation-id", conversationId);
      }
      return HttpClient.newHttpClient().send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A GET with the API key, as JSON. */
  JsonObject get(String path) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean eventually(long ms, Supplier<Boolean> condition) {
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end) {
      if (condition.get()) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.get();
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
