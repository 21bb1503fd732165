package dev.axon.pool.turn;

import dev.axon.common.turn.TurnRequest;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;

/**
 * The pool side of a turn's trace. The turn request's own span ends when the pool answers {@code TurnAccepted}, but
 * the turn goes on (the provider's upstream call, the stream); so each accepted turn gets a span of its own, child
 * of the caller's trace (the W3C headers the turn request carried), on a context of its own: what the turn runs there
 * — the provider's HTTP calls — carries that trace upstream. Uses Vert.x's tracing SPI, so it works with whatever
 * tracer the launcher installed, and does nothing without one.
 *
 * <p>Threading: begun, run and ended on the pool verticle's context.
 */
final class TurnTrace {

  private static final TurnTrace NONE = new TurnTrace(null, null, null);

  private final ContextInternal context;
  @SuppressWarnings("rawtypes")
  private final VertxTracer tracer;
  private final Object operation;
  private boolean ended;

  @SuppressWarnings("rawtypes")
  private TurnTrace(ContextInternal context, VertxTracer tracer, Object operation) {
    this.context = context;
    this.tracer = tracer;
    this.operation = operation;
  }

  /** Starts the turn's span from the trace headers of its request; a no-op without a tracer or a trace. */
  @SuppressWarnings("unchecked")
  static TurnTrace begin(Message<TurnRequest> message) {
    if (!(Vertx.currentContext() instanceof ContextInternal current) || current.tracer() == null) {
      return NONE;
    }
    ContextInternal context = current.unwrap().duplicate();
    Object operation = current.tracer().receiveRequest(context, SpanKind.RPC, TracingPolicy.PROPAGATE, message.body(),
        "axon.turn " + message.body().request().model(), message.headers(), TagExtractor.empty());
    return operation == null ? NONE : new TurnTrace(context, current.tracer(), operation);
  }

  /** Runs {@code action} on the turn's context, so that what it starts (upstream calls, timers) belongs to the turn. */
  void run(Runnable action) {
    if (context == null) {
      action.run();
    } else {
      context.emit(v -> action.run());
    }
  }

  /** Ends the turn's span, once. */
  @SuppressWarnings("unchecked")
  void end(Throwable failure) {
    if (tracer == null || ended) {
      return;
    }
    ended = true;
    tracer.sendResponse(context, null, operation, failure, TagExtractor.empty());
  }
}
