package dev.axon.pool.turn;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.JoinedText;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRejected;
import dev.axon.common.turn.TurnRequest;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.session.CloseReason;
import dev.axon.pool.session.Lease;
import dev.axon.pool.session.PoolRegistry;
import dev.axon.pool.session.SessionPool;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer side of the turn protocol: acquires a session for each {@link TurnRequest}, tells the caller
 * {@link TurnAccepted} (or {@link TurnRejected}), relays the session's events in order to the caller's address, always ends with
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
  /** The pool verticle's context, where the end-of-pass flushes run. */
  private final Context context;
  private final EventBus bus;
  private final PoolRegistry pools;
  private final Function<String, List<Provider>> chainForModel;
  private final String controlAddress;
  private long turnTimeoutMs;
  private long heartbeatMs;
  private DeliveryOptions heartbeatDelivery;
  private final Map<String, ActiveTurn> active = new HashMap<>();
  /** The deadline sweep's timer while armed, else -1. */
  private long deadlineSweep = -1;

  private static final class ActiveTurn {
    final TurnRequest request;
    final List<Provider> chain;
    /** The position in the provider chain of the pool serving the turn now. */
    int provider;
    SessionPool pool;
    Lease lease;
    /** The turn's span (a no-op without tracing); ended with the turn. */
    TurnTrace trace;
    int seq;
    long lastSentNanos = System.nanoTime();
    boolean streamed;
    boolean cancelled;
    boolean timedOut;
    boolean retried;
    /** {@link System#nanoTime()} by which the running session must have finished; 0 while none runs. */
    long deadlineNanos;
    /** Text deltas produced since the last message went out, sent together at the end of this event-loop turn. */
    JoinedText pendingText;
    /** The turn's acceptance until it leaves, alone or with the turn's first message. */
    TurnAccepted acceptance;
    /** Whether {@link #flush} is due at the end of this event-loop pass. */
    boolean flushDue;
    /** While the session's {@code run} call is on the stack: what it produces waits for the call to return. */
    boolean starting;

    ActiveTurn(TurnRequest request, List<Provider> chain, Acquired acquired) {
      this.request = request;
      this.chain = chain;
      this.provider = acquired.index();
      this.pool = acquired.pool();
      this.lease = acquired.lease();
    }
  }

  /** A session from the pool of the chain's {@code index}-th provider. */
  private record Acquired(SessionPool pool, Lease lease, int index) {
  }

  /** A runner without fallback providers: each model is served by its own provider only. */
  public TurnRunner(Vertx vertx, PoolRegistry pools, String controlAddress, long turnTimeoutMs, long heartbeatMs) {
    this(vertx, pools, model -> List.of(pools.forModel(model).provider()), controlAddress, turnTimeoutMs, heartbeatMs);
  }

  /**
   * @param chainForModel the providers to try for a model, in order: its own, then its fallbacks
   */
  public TurnRunner(Vertx vertx, PoolRegistry pools, Function<String, List<Provider>> chainForModel, String controlAddress,
                    long turnTimeoutMs, long heartbeatMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.bus = vertx.eventBus();
    this.pools = pools;
    this.chainForModel = chainForModel;
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

  /**
   * Serves one turn request: a session from the model's pool, or — when that provider's breaker is open or its
   * pool stays exhausted past the deadline — from the next provider of its fallback chain.
   */
  public void handle(Message<TurnRequest> message) {
    TurnRequest request = message.body();
    String model = request.request().model();
    List<Provider> chain = chainForModel.apply(model);
    pools.forModel(model, chain.get(0)).countRequest();
    acquire(request, chain, 0).onComplete(ar -> {
      if (ar.failed()) {
        bus.send(request.replyTo(), TurnRejected.of(request.turnId(), AxonException.from(ar.cause(), "session pool")), EVENTS);
        return;
      }
      ActiveTurn turn = new ActiveTurn(request, chain, ar.result());
      active.put(request.turnId(), turn);
      turn.trace = TurnTrace.begin(message);
      // Leaves with the turn's first message (a reply produced at once is one message), else at the end of this pass.
      turn.acceptance = new TurnAccepted(request.turnId(), controlAddress, turn.lease.session().id(), turn.pool.provider().name());
      turn.trace.run(() -> run(turn));
    });
  }

  private Future<Acquired> acquire(TurnRequest request, List<Provider> chain, int index) {
    Provider provider = chain.get(index);
    boolean last = index == chain.size() - 1;
    if (!last && provider.breakerOpen()) {
      log.debug("provider {} has its breaker open; trying {} for request {}", provider.name(), chain.get(index + 1).name(), request.requestId());
      return acquire(request, chain, index + 1);
    }
    SessionPool pool = pools.forModel(request.request().model(), provider);
    return pool.acquire(request.requestId(), request.queue())
        .map(lease -> new Acquired(pool, lease, index))
        .recover(failure -> {
          AxonException e = AxonException.from(failure, "session pool");
          if (!last && (e.kind() == ErrorKind.POOL_BUSY || e.kind() == ErrorKind.UNAVAILABLE)) {
            log.info("provider {} cannot take request {} ({}); falling back to {}", provider.name(), request.requestId(),
                e.getMessage(), chain.get(index + 1).name());
            return acquire(request, chain, index + 1);
          }
          return Future.failedFuture(e);
        });
  }

  /** Failures that another provider may not share: upstream trouble, not the request itself. */
  static boolean fallbackMayHelp(ErrorKind kind) {
    switch (kind) {
      case UPSTREAM_ERROR:
      case UPSTREAM_AUTH:
      case UPSTREAM_OVERLOADED:
      case RATE_LIMITED:
      case TIMEOUT:
      case UNAVAILABLE:
      case POOL_BUSY:
        return true;
      default:
        return false;
    }
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

  /**
   * Arms the deadline sweep unless it is armed: it stops the sessions of turns past their deadline, and runs again while
   * turns run. One timer for all turns, checking a quarter of the timeout (at most a second) apart, instead of one
   * timer armed and cancelled per turn (1.2 % of the event loop at load).
   */
  private void sweepDeadlines() {
    if (deadlineSweep >= 0) {
      return;
    }
    deadlineSweep = vertx.setTimer(Math.max(10, Math.min(1000, turnTimeoutMs / 4)), t -> {
      deadlineSweep = -1;
      long now = System.nanoTime();
      boolean running = false;
      List<ActiveTurn> late = null;
      for (ActiveTurn turn : active.values()) {
        if (turn.deadlineNanos == 0) {
          continue;
        }
        if (now - turn.deadlineNanos >= 0 && !turn.timedOut) {
          late = late == null ? new ArrayList<>() : late;
          late.add(turn);
        } else {
          running = true;
        }
      }
      if (running) {
        sweepDeadlines();
      }
      // Stopped after the walk: a session may end its turn at once, and the turn leaves the map it walked.
      if (late != null) {
        for (ActiveTurn turn : late) {
          turn.timedOut = true;
          turn.lease.session().cancel();
        }
      }
    });
  }

  private void run(ActiveTurn turn) {
    Lease lease = turn.lease;
    turn.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(turnTimeoutMs);
    sweepDeadlines();
    Future<ChatEvent.Done> outcome;
    turn.starting = true;
    try {
      outcome = lease.session().run(turn.request.request(), turn.request.streamed(), event -> emit(turn, event));
    } catch (RuntimeException e) {
      log.error("session {} threw while starting a turn", lease.session().id(), e);
      outcome = Future.failedFuture(new AxonException(ErrorKind.INTERNAL, "The session failed to start the turn."));
    } finally {
      turn.starting = false;
    }
    outcome.onComplete(ar -> finish(turn, lease, ar));
    // A session that answered at once (the mock, a cached reply) sent everything with its end: no task is needed.
    // Otherwise what waits (the acceptance, text produced so far) leaves at the end of this pass.
    if (turn.acceptance != null || turn.pendingText != null) {
      flushAtEndOfPass(turn);
    }
  }

  private void emit(ActiveTurn turn, ChatEvent event) {
    if (turn.cancelled) {
      return;
    }
    turn.streamed = true;
    send(turn, event);
  }

  private void finish(ActiveTurn turn, Lease lease, AsyncResult<ChatEvent.Done> ar) {
    turn.deadlineNanos = 0;
    if (ar.succeeded() || turn.cancelled) {
      turn.trace.end(ar.failed() ? ar.cause() : null);
    }
    if (ar.succeeded()) {
      active.remove(turn.request.turnId());
      if (!turn.cancelled) {
        send(turn, ar.result().withProvider(turn.pool.provider().name()));
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
    if (!turn.streamed && turn.provider < turn.chain.size() - 1 && fallbackMayHelp(error.kind())) {
      fallBack(turn, error);
      return;
    }
    turn.trace.end(error);
    active.remove(turn.request.turnId());
    send(turn, ChatEvent.Failed.of(error));
  }

  /** The provider failed before the first byte: the next provider of the chain serves the turn. */
  private void fallBack(ActiveTurn turn, AxonException error) {
    Provider failed = turn.chain.get(turn.provider);
    log.info("provider {} failed request {} before its first byte ({}); falling back to {}", failed.name(),
        turn.request.requestId(), error.getMessage(), turn.chain.get(turn.provider + 1).name());
    turn.lease = null;
    turn.timedOut = false;
    acquire(turn.request, turn.chain, turn.provider + 1).onComplete(ar -> {
      if (ar.failed() || turn.cancelled) {
        active.remove(turn.request.turnId());
        if (ar.succeeded()) {
          ar.result().pool().release(ar.result().lease());
        } else if (!turn.cancelled) {
          send(turn, ChatEvent.Failed.of(error));
        }
        turn.trace.end(error);
        return;
      }
      turn.provider = ar.result().index();
      turn.pool = ar.result().pool();
      turn.lease = ar.result().lease();
      turn.trace.run(() -> run(turn));
    });
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

  /**
   * Text deltas produced in one event-loop turn (the ones a provider decodes from one network read) leave as one
   * message, at the end of that turn: nothing waits for more, so the first token is not delayed, but a reply that
   * arrives in one read costs one bus message instead of one per delta (they cost more than decoding them). Any other
   * event carries the pending text with it ({@link TurnEvent#precedingText()}), so the order holds and a whole reply
   * and its end are one message.
   */
  private void send(ActiveTurn turn, ChatEvent event) {
    if (event instanceof ChatEvent.TextDelta delta) {
      if (turn.pendingText == null) {
        turn.pendingText = new JoinedText().append(delta.text());
        if (!turn.starting) {
          flushAtEndOfPass(turn);
        }
      } else {
        turn.pendingText.append(delta.text());
      }
      return;
    }
    post(turn, takePendingText(turn), event);
  }

  /** One task per turn and pass, whatever it has waiting: text, the acceptance, or both in one message. */
  private void flushAtEndOfPass(ActiveTurn turn) {
    if (!turn.flushDue) {
      turn.flushDue = true;
      context.runOnContext(v -> flush(turn));
    }
  }

  /** Sends what is still waiting: the text (with the acceptance, if that waits too), else the acceptance alone. */
  private void flush(ActiveTurn turn) {
    turn.flushDue = false;
    String text = takePendingText(turn);
    if (text != null) {
      post(turn, null, new ChatEvent.TextDelta(text));
    } else if (turn.acceptance != null) {
      bus.send(turn.request.replyTo(), turn.acceptance, EVENTS);
      turn.acceptance = null;
    }
  }

  /** The text waiting to be sent, now taken; null when none (or the turn was cancelled: nobody wants it). */
  private static String takePendingText(ActiveTurn turn) {
    JoinedText text = turn.pendingText;
    turn.pendingText = null;
    return text == null || turn.cancelled ? null : text.toString();
  }

  private void post(ActiveTurn turn, String precedingText, ChatEvent event) {
    turn.lastSentNanos = System.nanoTime();
    TurnAccepted acceptance = turn.acceptance;
    turn.acceptance = null;
    bus.send(turn.request.replyTo(), new TurnEvent(turn.request.turnId(), turn.seq++, precedingText, event, controlAddress, acceptance), EVENTS);
  }
}
