package dev.axon.pool.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.catalog.ListedModel;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.config.ConfigException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code openai} provider: any OpenAI-compatible chat completions upstream (vLLM, Ollama, OpenAI). Requests pass
 * through with the model mapped (see {@link OpenAiRequestWriter}); responses and streams come back chunk by chunk as
 * canonical events, which the edge renders with the client's model and conversation id. Sessions are slots on the
 * upstream's connection pool, as for every HTTP provider; errors, retries and the circuit breaker are those of
 * {@link dev.axon.pool.provider.http}. Options: {@code pool.openai} ({@link OpenAiOptions}).
 */
public final class OpenAiProvider implements Provider {

  public static final String NAME = "openai";
  private static final Logger log = LoggerFactory.getLogger(OpenAiProvider.class);
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final long LIST_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private OpenAiOptions options;
  private OpenAiRequestWriter writer;
  private final Upstream upstream;
  private List<ListedModel> listed;
  private long listedAtMs;
  private Future<List<ListedModel>> listing;

  public OpenAiProvider(Vertx vertx, JsonObject json) {
    this.vertx = vertx;
    this.options = checked(json);
    this.writer = new OpenAiRequestWriter(options);
    this.upstream = new Upstream(vertx, NAME, options.http());
    log.info("openai provider: {}", options.http());
  }

  @Override
  public String name() {
    return NAME;
  }

  private static OpenAiOptions checked(JsonObject json) {
    OpenAiOptions o = new OpenAiOptions(json);
    if (o.http().apiKey() == null && o.http().baseUrl().equals(OpenAiOptions.DEFAULT_BASE_URL)) {
      throw new ConfigException("pool.openai.apiKey", "the openai provider needs an API key for api.openai.com: set AXON_OPENAI_API_KEY");
    }
    return o;
  }

  /** New options apply from the next turn on (see {@link Upstream#reconfigure} for the connection pool's). */
  @Override
  public void reconfigure(JsonObject json) {
    OpenAiOptions next;
    try {
      next = checked(json);
    } catch (ConfigException e) {
      log.error("openai provider: configuration change rejected: {}", e.getMessage());
      return;
    }
    options = next;
    writer = new OpenAiRequestWriter(next);
    listed = null;
    upstream.reconfigure(next.http());
    log.info("openai provider reconfigured: {}", next.http());
  }

  @Override
  public Future<Session> open(String model) {
    return Future.succeededFuture(new HttpSession(vertx, "openai-" + IDS.incrementAndGet(), upstream, this::prepare));
  }

  private UpstreamCall prepare(ChatRequest request, boolean clientStreams) {
    Integer cap = request.sampling().maxTokens();
    boolean stream = options.http().streaming().streams(clientStreams, cap == null ? -1 : cap);
    return new OpenAiCall(options, request.model(), Buffer.buffer(Json.toBytes(writer.write(request, stream))), stream);
  }

  @Override
  public UpstreamStats upstreamStats() {
    return upstream.stats();
  }

  /** The upstream's {@code GET /models}, reused for {@code listModelsCacheMs}; empty when it does not answer. */
  @Override
  public Future<List<ListedModel>> listModels() {
    if (!options.listModels()) {
      return Future.succeededFuture(List.of());
    }
    if (listed != null && System.currentTimeMillis() - listedAtMs < options.listModelsCacheMs()) {
      return Future.succeededFuture(listed);
    }
    if (listing != null) {
      return listing;
    }
    MultiMap headers = HttpHeaders.headers();
    if (options.http().apiKey() != null) {
      headers.set("authorization", "Bearer " + options.http().apiKey());
    }
    listing = upstream.get("/models", headers, LIST_TIMEOUT_MS)
        .map(this::parseModels)
        .andThen(ar -> {
          listing = null;
          if (ar.succeeded()) {
            listed = ar.result();
            listedAtMs = System.currentTimeMillis();
          } else {
            log.debug("the openai upstream did not list its models: {}", ar.cause().getMessage());
          }
        })
        .otherwise(e -> listed != null ? listed : List.of());
    return listing;
  }

  private List<ListedModel> parseModels(Buffer body) {
    List<ListedModel> out = new ArrayList<>();
    try {
      JsonNode json = Json.MAPPER.readTree(body.getBytes());
      for (JsonNode m : json.path("data")) {
        String id = m.path("id").asText(null);
        if (id != null && !id.isEmpty()) {
          out.add(new ListedModel(options.servedName(id), NAME, m.path("owned_by").asText(NAME), m.path("created").asLong(0)));
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the model list is not JSON");
    }
    return List.copyOf(out);
  }

  @Override
  public Future<Void> close() {
    return upstream.close();
  }
}
