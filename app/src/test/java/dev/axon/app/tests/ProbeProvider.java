package dev.axon.app.tests;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Session;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A provider with a real upstream, for tracing tests: each turn makes one HTTP call with Vert.x's HTTP client (as
 * the HTTP providers do) to {@code pool.probe.port} on loopback, {@code GET /probe?say=<last user message>}, and
 * answers with what the upstream said. Registered as {@code probe}.
 */
final class ProbeProvider implements Provider {

  static final String NAME = "probe";
  private static final AtomicInteger IDS = new AtomicInteger();

  private final HttpClient client;
  private final int port;

  ProbeProvider(Vertx vertx, JsonObject options) {
    this.client = vertx.createHttpClient();
    this.port = options.getInteger("port");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Session> open(String model) {
    return Future.succeededFuture(new ProbeSession("probe-" + IDS.incrementAndGet(), model));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  private final class ProbeSession implements Session {
    private final String id;
    private final String model;

    ProbeSession(String id, String model) {
      this.id = id;
      this.model = model;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Future<ChatEvent.Done> run(ChatRequest request, Consumer<ChatEvent> sink) {
      List<ChatMessage> messages = request.messages();
      String say = messages.get(messages.size() - 1).text();
      return client.request(HttpMethod.GET, port, "127.0.0.1", "/probe?say=" + URLEncoder.encode(say, StandardCharsets.UTF_8))
          .compose(r -> r.send())
          .compose(response -> response.statusCode() == 200 ? response.body()
              : Future.failedFuture(new AxonException(ErrorKind.UPSTREAM_ERROR, "upstream said " + response.statusCode())))
          .map(body -> {
            sink.accept(new ChatEvent.TextDelta("upstream: " + body));
            return new ChatEvent.Done(FinishReason.STOP, Usage.of(1, 2), model, null);
          });
    }

    @Override
    public void cancel() {
    }

    @Override
    public Future<Void> reset() {
      return Future.succeededFuture();
    }

    @Override
    public boolean alive() {
      return true;
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
