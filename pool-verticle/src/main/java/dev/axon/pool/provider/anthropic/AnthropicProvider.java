package dev.axon.pool.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.config.ConfigException;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import dev.axon.common.stats.UpstreamStats;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Session;
import dev.axon.pool.provider.http.HttpSession;
import dev.axon.pool.provider.http.Upstream;
import dev.axon.pool.provider.http.UpstreamCall;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code anthropic} provider: Claude through the Messages API ({@code POST /v1/messages}) over Vert.x's HTTP
 * client. A session is a slot on the upstream's kept-alive connection pool, so the pool's size, queueing, turn
 * counting and recycling limit and measure HTTP turns exactly like any other provider's. Options:
 * {@code pool.anthropic} ({@link AnthropicOptions}).
 */
public final class AnthropicProvider implements Provider {

  public static final String NAME = "anthropic";
  /** The fields of a Messages request that {@code POST /v1/messages/count_tokens} takes; it refuses the others. */
  static final Set<String> COUNT_TOKENS_FIELDS = Set.of("model", "messages", "system", "tools", "tool_choice", "thinking",
      "output_config", "output_format", "mcp_servers", "context_management");
  private static final Logger log = LoggerFactory.getLogger(AnthropicProvider.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  private final Vertx vertx;
  private AnthropicOptions options;
  private AnthropicRequestTranslator translator;
  private final Upstream upstream;

  public AnthropicProvider(Vertx vertx, JsonObject json) {
    this.vertx = vertx;
    this.options = checked(json);
    this.translator = new AnthropicRequestTranslator(options);
    this.upstream = new Upstream(vertx, NAME, options.http());
    log.info("anthropic provider: {}", options.http());
  }

  @Override
  public String name() {
    return NAME;
  }

  private static AnthropicOptions checked(JsonObject json) {
    AnthropicOptions o = new AnthropicOptions(json);
    if (o.http().apiKey() == null && o.http().baseUrl().equals(AnthropicOptions.DEFAULT_BASE_URL)) {
      throw new ConfigException("pool.anthropic.apiKey", "the anthropic provider needs an API key: set ANTHROPIC_API_KEY");
    }
    return o;
  }

  /** New options apply from the next turn on (see {@link Upstream#reconfigure} for the connection pool's). */
  @Override
  public void reconfigure(JsonObject json) {
    AnthropicOptions next;
    try {
      next = checked(json);
    } catch (ConfigException e) {
      log.error("anthropic provider: configuration change rejected: {}", e.getMessage());
      return;
    }
    options = next;
    translator = new AnthropicRequestTranslator(next);
    upstream.reconfigure(next.http());
    log.info("anthropic provider reconfigured: {}", next.http());
  }

  @Override
  public Future<Session> open(String model) {
    return Future.succeededFuture(new HttpSession(vertx, "anthropic-" + IDS.incrementAndGet(), upstream, this::prepare));
  }

  private UpstreamCall prepare(ChatRequest request, boolean clientStreams) {
    AnthropicRequestTranslator.Translation translation = translator.translate(request);
    boolean stream = options.http().streaming().streams(clientStreams, translation.plan().maxTokens());
    return new AnthropicCall(options, request.model(), translation, stream);
  }

  /**
   * The upstream's own count: the request translated as a turn would be, minus what {@code count_tokens} does not
   * take ({@code max_tokens}, {@code stream}, sampling, metadata), sent to {@code POST /v1/messages/count_tokens}.
   */
  @Override
  public Future<Integer> countTokens(ChatRequest request) {
    AnthropicRequestTranslator.Translation translation;
    try {
      translation = translator.translate(request);
    } catch (AxonException e) {
      return Future.failedFuture(e);
    }
    ObjectNode body = translation.body();
    body.retain(COUNT_TOKENS_FIELDS);
    MultiMap headers = HttpHeaders.headers();
    headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
    if (options.http().apiKey() != null) {
      headers.set("x-api-key", options.http().apiKey());
    }
    headers.set("anthropic-version", options.version());
    if (!translation.betas().isEmpty()) {
      headers.set("anthropic-beta", String.join(",", translation.betas()));
    }
    long timeoutMs = options.http().connectTimeoutMs() + options.http().headersTimeoutMs();
    return upstream.post("/v1/messages/count_tokens", headers, Buffer.buffer(Json.toBytes(body)), timeoutMs).compose(reply -> {
      if (reply.status() / 100 != 2) {
        return Future.failedFuture(AnthropicErrors.fromResponse(reply.status(), reply.body(), reply.headers()));
      }
      try {
        JsonNode count = Json.MAPPER.readTree(reply.body().getBytes()).path("input_tokens");
        if (count.canConvertToInt()) {
          return Future.succeededFuture(count.asInt());
        }
      } catch (IOException | RuntimeException e) {
        // falls through to the error below
      }
      return Future.failedFuture(new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream's token count is not readable.", null, null));
    });
  }

  @Override
  public UpstreamStats upstreamStats() {
    return upstream.stats();
  }

  @Override
  public Future<Void> close() {
    return upstream.close();
  }
}
