package dev.axon.app.tests;

import dev.axon.app.AxonConfig;
import dev.axon.app.Main;
import dev.axon.app.ops.LogLevels;
import dev.axon.app.ops.Observability;
import dev.axon.common.bus.Codecs;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * The whole gateway as the launcher builds it, with its operations: a Vert.x made by {@link Observability} (metrics
 * and tracer), the log-level listener, and {@link Main#deploy(Vertx, AxonConfig, Observability)}. For tests that
 * look at {@code /metrics}, traces and the drain state; {@link #close()} stops it.
 */
final class OpsGateway implements AutoCloseable {

  final Observability observability;
  final Vertx vertx;
  final AxonConfig config;
  final int port;
  final WebClient http;

  private OpsGateway(Observability observability, Vertx vertx, AxonConfig config, int port) {
    this.observability = observability;
    this.vertx = vertx;
    this.config = config;
    this.port = port;
    this.http = WebClient.create(vertx);
  }

  /** Boots a gateway from a whole configuration (its {@code api.port} is set to a free port). */
  static OpsGateway boot(JsonObject configuration) {
    int port = dev.axon.testkit.ValkeyFixture.freePort();
    JsonObject raw = configuration.copy();
    raw.getJsonObject("api").put("port", port).put("host", Gateway.HOST).put("instances", 2);
    AxonConfig config = new AxonConfig(raw);
    Observability observability = Observability.create(config.opsOptions(), config.tracingOptions());
    Vertx vertx = observability.builder(new VertxOptions()).build();
    Codecs.register(vertx);
    observability.attach(vertx);
    Gateway.await(LogLevels.listen(vertx).completion());
    Gateway.await(Main.deploy(vertx, config, observability));
    return new OpsGateway(observability, vertx, config, port);
  }

  /** The gateway's test configuration ({@link Gateway#config}) with the given pool section. */
  static JsonObject config(JsonObject pool) {
    return Gateway.config(0, pool);
  }

  HttpRequest<Buffer> get(String path) {
    return http.get(port, Gateway.HOST, path);
  }

  HttpRequest<Buffer> post(String path) {
    return http.post(port, Gateway.HOST, path);
  }

  HttpResponse<Buffer> chat(String key, JsonObject body) {
    return Gateway.await(post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
  }

  @Override
  public void close() {
    Gateway.await(vertx.close());
    observability.close();
  }
}
