package dev.axon.pool.provider.http;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.pool.provider.Session;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * A session of an HTTP provider: a slot on the upstream's kept-alive connection pool. It holds no conversation
 * state (every turn carries the whole conversation), so {@link #reset()} has nothing to clear; the pool's limits,
 * queueing, turn counting and recycling apply to slots exactly as to any session.
 *
 * <p>Threading: called on the pool verticle's context only.
 */
public final class HttpSession implements Session {

  /** Turns a canonical request into the upstream's request; fails with {@code INVALID_REQUEST} when it cannot. */
  @FunctionalInterface
  public interface CallFactory {
    /** {@code streamed}: whether the caller relays the reply as it comes (see {@link UpstreamStreaming}). */
    UpstreamCall prepare(ChatRequest request, boolean streamed);
  }

  private final Vertx vertx;
  private final String id;
  private final Upstream upstream;
  private final CallFactory calls;
  private HttpTurn current;
  private boolean closed;

  public HttpSession(Vertx vertx, String id, Upstream upstream, CallFactory calls) {
    this.vertx = vertx;
    this.id = id;
    this.upstream = upstream;
    this.calls = calls;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Future<ChatEvent.Done> run(ChatRequest request, Consumer<ChatEvent> sink) {
    return run(request, true, sink);
  }

  @Override
  public Future<ChatEvent.Done> run(ChatRequest request, boolean streamed, Consumer<ChatEvent> sink) {
    if (closed) {
      return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "The session is closed."));
    }
    UpstreamCall call;
    try {
      call = calls.prepare(request, streamed);
    } catch (AxonException e) {
      return Future.failedFuture(e);
    }
    HttpTurn turn = new HttpTurn(vertx, upstream, call, sink, id + " " + request.model());
    current = turn;
    return turn.start().andThen(ar -> {
      if (current == turn) {
        current = null;
      }
    });
  }

  @Override
  public void cancel() {
    if (current != null) {
      current.cancel();
    }
  }

  @Override
  public Future<Void> reset() {
    return Future.succeededFuture();
  }

  @Override
  public boolean alive() {
    return !closed;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    cancel();
    return Future.succeededFuture();
  }
}
