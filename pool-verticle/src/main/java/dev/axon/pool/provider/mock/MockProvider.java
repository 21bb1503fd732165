package dev.axon.pool.provider.mock;

import dev.axon.common.chat.ChatRequest;
import dev.axon.common.config.ConfigReader;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Session;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in deterministic provider for tests, demos and benchmarks: no upstream, replies computed from the
 * request (see {@link MockSession}). Options ({@code pool.mock}): {@code warmupDelayMs} and {@code resetDelayMs}
 * simulate slow starts and resets. It counts tokens as its turns do: a request's words are its prompt tokens.
 */
public final class MockProvider implements Provider {

  public static final String NAME = "mock";
  private static final AtomicInteger IDS = new AtomicInteger();

  private final Vertx vertx;
  private final long warmupDelayMs;
  private final long resetDelayMs;

  public MockProvider(Vertx vertx, JsonObject options) {
    ConfigReader r = new ConfigReader(options, "pool.mock");
    this.vertx = vertx;
    this.warmupDelayMs = r.longValue("warmupDelayMs", 0, 0, 600_000);
    this.resetDelayMs = r.longValue("resetDelayMs", 0, 0, 600_000);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The prompt tokens a turn of this request would report (its words). */
  @Override
  public Future<Integer> countTokens(ChatRequest request) {
    return Future.succeededFuture(MockSession.countPromptWords(request));
  }

  @Override
  public Future<Session> open(String model) {
    Session session = new MockSession(vertx, "mock-" + IDS.incrementAndGet(), model, resetDelayMs);
    if (warmupDelayMs == 0) {
      return Future.succeededFuture(session);
    }
    Promise<Session> ready = Promise.promise();
    vertx.setTimer(warmupDelayMs, t -> ready.complete(session));
    return ready.future();
  }
}
