package dev.axon.pool.tests;

import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.Sampling;
import dev.axon.common.error.AxonException;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs providers the way the pool does: created and called on one event-loop context, events collected in order.
 * Test threads block on the outcome (they are not event loops).
 */
final class ProviderHarness {

  final Vertx vertx;
  final Context context;

  ProviderHarness(Vertx vertx) {
    // As the launcher does: providers publish contract records (their breakers' changes).
    Codecs.register(vertx);
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
  }

  /** The outcome of one turn: the events in order and the {@code Done} or the failure. */
  record Turn(List<ChatEvent> events, ChatEvent.Done done, AxonException failure, long millis) {

    String text() {
      StringBuilder sb = new StringBuilder();
      events.forEach(e -> {
        if (e instanceof ChatEvent.TextDelta t) {
          sb.append(t.text());
        }
      });
      return sb.toString();
    }

    List<ChatEvent.ToolCallDelta> toolDeltas() {
      List<ChatEvent.ToolCallDelta> out = new ArrayList<>();
      events.forEach(e -> {
        if (e instanceof ChatEvent.ToolCallDelta d) {
          out.add(d);
        }
      });
      return out;
    }

    /** The arguments of tool call {@code index}, fragments joined. */
    String arguments(int index) {
      StringBuilder sb = new StringBuilder();
      toolDeltas().stream().filter(d -> d.index() == index).forEach(d -> sb.append(d.arguments()));
      return sb.toString();
    }
  }

  <P extends Provider> P provider(Supplier<P> factory) {
    return await(onContext(() -> Future.succeededFuture(factory.get())));
  }

  Session open(Provider provider, String model) {
    return await(onContext(() -> provider.open(model)));
  }

  Turn run(Session session, ChatRequest request) {
    return run(session, request, true);
  }

  /** A turn whose caller relays the events as they come ({@code streamed}) or waits for the whole reply. */
  Turn run(Session session, ChatRequest request, boolean streamed) {
    List<ChatEvent> events = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    Promise<Turn> outcome = Promise.promise();
    context.runOnContext(v -> session.run(request, streamed, events::add).onComplete(ar -> outcome.complete(new Turn(List.copyOf(events),
        ar.succeeded() ? ar.result() : null, ar.failed() ? AxonException.from(ar.cause(), "test") : null,
        (System.nanoTime() - start) / 1_000_000))));
    return await(outcome.future());
  }

  Turn run(Provider provider, ChatRequest request) {
    return run(open(provider, request.model()), request);
  }

  /** A turn whose caller waits for the whole reply (a non-streaming client). */
  Turn runWhole(Provider provider, ChatRequest request) {
    return run(open(provider, request.model()), request, false);
  }

  /** Starts a turn and returns at once; events go to {@code events}. */
  Future<ChatEvent.Done> start(Session session, ChatRequest request, List<ChatEvent> events) {
    Promise<ChatEvent.Done> done = Promise.promise();
    context.runOnContext(v -> session.run(request, events::add).onComplete(done));
    return done.future();
  }

  void onContext(Runnable action) {
    await(onContext(() -> {
      action.run();
      return Future.succeededFuture();
    }));
  }

  <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until {@code condition} holds, up to {@code ms}. */
  static boolean eventually(long ms, Supplier<Boolean> condition) {
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end) {
      if (condition.get()) {
        return true;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.get();
  }

  static ChatRequest request(String model, String userText) {
    return new ChatRequest(model, List.of(ChatMessage.user(userText)), Sampling.DEFAULTS, null, null, null, null, null, null);
  }

  static ChatRequest request(String model, List<ChatMessage> messages, Function<SamplingBuilder, SamplingBuilder> sampling) {
    return new ChatRequest(model, messages, sampling.apply(new SamplingBuilder()).build(), null, null, null, null, null, null);
  }

  /** Readable sampling parameters for tests. */
  static final class SamplingBuilder {
    Double temperature, topP, presence, frequency;
    Integer maxTokens, topLogprobs;
    List<String> stop = List.of();
    Long seed;
    java.util.Map<String, Integer> logitBias;
    Boolean logprobs;
    String effort, tier;

    SamplingBuilder temperature(double t) { temperature = t; return this; }
    SamplingBuilder topP(double p) { topP = p; return this; }
    SamplingBuilder maxTokens(int m) { maxTokens = m; return this; }
    SamplingBuilder stop(String... s) { stop = List.of(s); return this; }
    SamplingBuilder seed(long s) { seed = s; return this; }
    SamplingBuilder penalties(double p, double f) { presence = p; frequency = f; return this; }
    SamplingBuilder logitBias(java.util.Map<String, Integer> b) { logitBias = b; return this; }
    SamplingBuilder logprobs(boolean l, int top) { logprobs = l; topLogprobs = top; return this; }
    SamplingBuilder effort(String e) { effort = e; return this; }
    SamplingBuilder tier(String t) { tier = t; return this; }

    Sampling build() {
      return new Sampling(temperature, topP, maxTokens, stop, seed, presence, frequency, logitBias, logprobs, topLogprobs, effort, tier);
    }
  }
}
