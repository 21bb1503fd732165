package dev.axon.pool.turn;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRequest;
import dev.axon.pool.session.CloseReason;
import dev.axon.pool.session.Lease;
import dev.axon.pool.session.PoolRegistry;
import dev.axon.pool.session.SessionPool;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.tracing.TracingPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer side of the turn protocol: acquires a session for each {@link TurnRequest}, answers
 * {@link TurnAccepted}, relays the session's events in order to the caller's address, always ends with
 * {@code Done} or {@code Failed}, and gives the session back. A silent turn sends heartbeats as requests, so a
 * caller that disappeared is noticed and its turn stopped. A turn whose session died before anything was
 * streamed is retried once on a fresh session.
 *
 * <p>Threading: confined to the pool verticle's context.
 */
public final class TurnRunner {

  private static final Logger log = LoggerFactory.getLogger(TurnRunner.class);
  /** Turn events are not traced one by one: a stream would make a span per delta. The turn request is traced. */
  private static final DeliveryOptions EVENTS = new DeliveryOptions().setTracingPolicy(TracingPolicy.IGNORE);

  private final Vertx vertx;
  private final EventBus bus;
  private final PoolRegistry pools;
  private final String controlAddress;
  private long turnTimeoutMs;
  private long heartbeatMs;
  private DeliveryOptions heartbeatDelivery;
  private final Map<String, ActiveTurn> active = new HashMap<>();

  private static final class ActiveTurn {
    final TurnRequest request;
    final SessionPool pool;
    Lease lease;
    /** The turn's span (a no-op without tracing); ended with the turn. */
    TurnTrace trace;
    int seq;
    long lastSentNanos = System.nanoTime();
    boolean streamed;
    boolean cancelled;
    boolean timedOut;
    boolean retried;
    long timeoutTimer = -1;

    ActiveTurn(TurnRequest request, SessionPool pool, Lease lease) {
      this.request = request;
      this.pool = pool;
      this.lease = lease;
    }
  }

  public TurnRunner(Vertx vertx, PoolRegistry pools, String controlAddress, long turnTimeoutMs, long heartbeatMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.pools = pools;
    this.controlAddress = controlAddress;
    this.turnTimeoutMs = turnTimeoutMs;
    this.heartbeatMs = heartbeatMs;
    this.heartbeatDelivery = new DeliveryOptions().setSendTimeout(Math.max(1000, heartbeatMs)).setTracingPolicy(TracingPolicy.IGNORE);
  }

  /** Applies new limits to turns that start from now on. */
  public void setLimits(long turnTimeoutMs, long heartbeatMs) {
    this.turnTimeoutMs = turnTimeoutMs;
    this.heartbeatMs = heartbeatMs;
    this.heartbeatDelivery = new DeliveryOptions().setSendTimeout(Math.max(1000, heartbeatMs)).setTracingPolicy(TracingPolicy.IGNORE);
  }

  /** Serves one turn request. */
  public void handle(Message<TurnRequest> message) {
    TurnRequest request = message.body();
    SessionPool pool = pools.forModel(request.request().model());
    pool.countRequest();
    pool.acquire(request.requestId(), request.queue()).onComplete(ar -> {
      if (ar.failed()) {
        message.reply(AxonException.from(ar.cause(), "session pool"));
        return;
      }
      Lease lease = ar.result();
      ActiveTurn turn = new ActiveTurn(request, pool, lease);
      active.put(request.turnId(), turn);
      turn.trace = TurnTrace.begin(message);
      message.reply(new TurnAccepted(request.turnId(), controlAddress, lease.session().id(), pool.provider().name()));
      turn.trace.run(() -> run(turn));
    });
  }

  /** The caller no longer wants a turn: stop it; its session goes back through reset or is discarded. */
  public void cancel(TurnCancel cancel) {
    ActiveTurn turn = active.get(cancel.turnId());
    if (turn == null || turn.cancelled) {
      return;
    }
    turn.cancelled = true;
    log.debug("turn {} of request {} cancelled by its caller", cancel.turnId(), turn.request.requestId());
    if (turn.lease != null) {
      turn.lease.session().cancel();
    }
  }

  /** Sends a heartbeat for every turn that has been silent for a heartbeat period; stops turns nobody waits for. */
  public void heartbeat() {
    long now = System.nanoTime();
    for (ActiveTurn turn : new ArrayList<>(active.values())) {
      if (turn.cancelled || (now - turn.lastSentNanos) / 1_000_000 < heartbeatMs) {
        continue;
      }
      turn.lastSentNanos = now;
      bus.request(turn.request.replyTo(), new TurnEvent(turn.request.turnId(), -1, ChatEvent.Heartbeat.INSTANCE, controlAddress), heartbeatDelivery)
          .onFailure(failure -> {
            if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
              log.info("caller of turn {} (request {}) is gone; stopping the turn", turn.request.turnId(), turn.request.requestId());
              cancel(new TurnCancel(turn.request.turnId()));
            }
          });
    }
  }

  public int activeTurns() {
    return active.size();
  }

  /** Completes when no turn runs any more, or after {@code timeoutMs}, whichever comes first. */
  public Future<Void> drain(long timeoutMs) {
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    if (active.isEmpty()) {
      return Future.succeededFuture();
    }
    log.info("waiting for {} running turn(s) to finish before stopping", active.size());
    vertx.setPeriodic(50, timer -> {
      if (active.isEmpty() || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(timer);
        drained.tryComplete();
      }
    });
    return drained.future();
  }

  /** Stops every running turn and tells each caller the pool is going away. */
  public void close() {
    for (ActiveTurn turn : new ArrayList<>(active.values())) {
      if (!turn.cancelled) {
        send(turn, new ChatEvent.Failed(ErrorKind.UNAVAILABLE, "The session pool is shutting down.", 1));
        turn.cancelled = true;
      }
      if (turn.lease != null) {
        turn.lease.session().cancel();
      }
    }
  }

  private void run(ActiveTurn turn) {
    Lease lease = turn.lease;
    turn.timeoutTimer = vertx.setTimer(turnTimeoutMs, t -> {
      turn.timedOut = true;
      lease.session().cancel();
    });
    Future<ChatEvent.Done> outcome;
    try {
      outcome = lease.session().run(turn.request.request(), event -> emit(turn, event));
    } catch (RuntimeException e) {
      log.error("session {} threw while starting a turn", lease.session().id(), e);
      outcome = Future.failedFuture(new AxonException(ErrorKind.INTERNAL, "The session failed to start the turn."));
    }
    outcome.onComplete(ar -> finish(turn, lease, ar));
  }

  private void emit(ActiveTurn turn, ChatEvent event) {
    if (turn.cancelled) {
      return;
    }
    turn.streamed = true;
    send(turn, event);
  }

  private void finish(ActiveTurn turn, Lease lease, AsyncResult<ChatEvent.Done> ar) {
    vertx.cancelTimer(turn.timeoutTimer);
    boolean retrying = ar.failed() && !turn.cancelled && !turn.timedOut && !lease.session().alive() && !turn.streamed && !turn.retried;
    if (!retrying) {
      turn.trace.end(ar.failed() ? ar.cause() : null);
    }
    if (ar.succeeded()) {
      active.remove(turn.request.turnId());
      if (!turn.cancelled) {
        send(turn, ar.result());
      }
      turn.pool.release(lease);
      return;
    }
    AxonException error = AxonException.from(ar.cause(), "session");
    if (!(ar.cause() instanceof AxonException)) {
      log.error("session {} failed a turn unexpectedly", lease.session().id(), ar.cause());
    }
    if (turn.cancelled) {
      active.remove(turn.request.turnId());
      turn.pool.release(lease);
      return;
    }
    if (turn.timedOut) {
      error = new AxonException(ErrorKind.TIMEOUT, "The model did not finish within " + turnTimeoutMs + " ms.", null, null);
    }
    pools.metrics().recordUpstreamError(turn.pool.model(), turn.pool.provider().name(), error.kind());
    if (turn.timedOut) {
      turn.pool.discard(lease, CloseReason.TURN_FAILED);
    } else if (!lease.session().alive()) {
      turn.pool.discard(lease, CloseReason.SESSION_DEAD);
      if (!turn.streamed && !turn.retried) {
        retry(turn, error);
        return;
      }
    } else {
      turn.pool.release(lease);
    }
    active.remove(turn.request.turnId());
    send(turn, ChatEvent.Failed.of(error));
  }

  /** The session died before the first byte: one more attempt on a fresh session. */
  private void retry(ActiveTurn turn, AxonException first) {
    turn.retried = true;
    turn.lease = null;
    log.info("session died before turn {} streamed anything ({}); retrying once on a fresh session", turn.request.turnId(), first.getMessage());
    turn.pool.acquire(turn.request.requestId()).onComplete(ar -> {
      if (ar.failed() || turn.cancelled) {
        active.remove(turn.request.turnId());
        if (ar.succeeded()) {
          turn.pool.release(ar.result());
        } else {
          send(turn, ChatEvent.Failed.of(first));
        }
        turn.trace.end(first);
        return;
      }
      turn.lease = ar.result();
      turn.trace.run(() -> run(turn));
    });
  }

  private void send(ActiveTurn turn, ChatEvent event) {
    turn.lastSentNanos = System.nanoTime();
    bus.send(turn.request.replyTo(), new TurnEvent(turn.request.turnId(), turn.seq++, event, controlAddress), EVENTS);
  }
}
