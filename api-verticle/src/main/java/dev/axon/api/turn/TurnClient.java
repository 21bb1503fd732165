package dev.axon.api.turn;

import dev.axon.api.cluster.ClusterView;
import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRejected;
import dev.axon.common.turn.TurnRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller side of the turn protocol. A turn request goes one way; one consumer per API verticle instance receives
 * the acceptances, rejections and events of all its turns (no event-bus registration per request, no reply handler
 * and timer per turn) and routes them by turn id, events in sequence order. A turn not accepted within the accept
 * timeout fails with {@code TIMEOUT}; a turn whose producer stays silent past the inactivity timeout (producers
 * heartbeat) fails with {@code UNAVAILABLE}; what comes for turns this caller no longer knows makes it cancel them at
 * their producer.
 *
 * <p>Threading: confined to the API verticle's context.
 */
public final class TurnClient {

  private static final Logger log = LoggerFactory.getLogger(TurnClient.class);

  private final Vertx vertx;
  private final EventBus bus;
  private final String instanceId = UUID.randomUUID().toString().substring(0, 13);
  private final String eventsAddress = Addresses.turnEvents(instanceId);
  private final long acceptTimeoutMs;
  private final long inactivityMs;
  private final Map<String, Turn> turns = new HashMap<>();
  /** Numbers this instance's turns (their ids start with the instance's id): confined, no counter shared across loops. */
  private long sequence;
  private MessageConsumer<Object> consumer;
  private long watchdog = -1;

  private final ClusterView view;

  /**
   * @param view the deployment as announced, to pick a pool and try the next when one is busy; null sends every
   *             turn to the shared pool address
   */
  public TurnClient(Vertx vertx, ClusterView view, long acceptTimeoutMs, long inactivityMs) {
    this.vertx = vertx;
    this.view = view;
    this.bus = vertx.eventBus();
    this.acceptTimeoutMs = acceptTimeoutMs;
    this.inactivityMs = inactivityMs;
  }

  public Future<Void> start() {
    consumer = bus.consumer(eventsAddress, this::onMessage);
    long period = Math.max(50, Math.min(1000, Math.min(inactivityMs, acceptTimeoutMs) / 4));
    watchdog = vertx.setPeriodic(period, t -> checkTurns());
    return consumer.completion();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(watchdog);
    for (Turn turn : new ArrayList<>(turns.values())) {
      turn.cancel();
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Number of turns in flight on this instance. */
  public int inFlight() {
    return turns.size();
  }

  /**
   * Asks a pool for a turn; events go to {@code listener}. With several pools known, each but the last is asked
   * not to queue, so a saturated pool answers busy at once and the next is tried; the last may queue the turn.
   * A pool that turns out unreachable is skipped. {@code streamed}: whether the events are relayed as they come
   * (false: the caller waits for the whole reply).
   */
  public TurnHandle start(ChatRequest request, boolean streamed, String requestId, TurnListener listener) {
    Turn turn = new Turn(instanceId + "-" + (++sequence), listener);
    turns.put(turn.id, turn);
    turn.request = new TurnRequest(turn.id, eventsAddress, requestId, request, true, streamed);
    attempt(turn, candidates(request), 0);
    return turn;
  }

  private List<String> candidates(ChatRequest request) {
    return view == null ? List.of() : view.turnCandidates(request.model());
  }

  /** Where one attempt of a turn went ({@code candidates[index]}, or any pool when there are none), to try the next. */
  private record Attempt(List<String> candidates, int index) {

    /** Sent to whichever pool the event bus picks at the shared address. */
    boolean shared() {
      return candidates.isEmpty();
    }

    String address() {
      return shared() ? Addresses.POOL_TURN : candidates.get(index);
    }

    /** The last pool to try: it may queue the turn. */
    boolean last() {
      return shared() || index == candidates.size() - 1;
    }
  }

  /** Asks the pool at {@code candidates[index]} (any pool, when there are no candidates) for the turn. */
  private void attempt(Turn turn, List<String> candidates, int index) {
    Attempt attempt = new Attempt(candidates, index);
    turn.attempt = attempt;
    turn.attemptedAtMs = System.currentTimeMillis();
    bus.<TurnRequest>sender(attempt.address()).write(turn.request.withQueue(attempt.last())).onFailure(failure -> {
      // Nobody received it: no pool listens there (any more), or the link to its node failed.
      if (turn.attempt == attempt && !turn.ended) {
        attemptFailed(turn, attempt, new AxonException(ErrorKind.UNAVAILABLE, "The session pool is not available"), true);
      }
    });
  }

  private void attemptFailed(Turn turn, Attempt attempt, AxonException error, boolean unreachable) {
    if (unreachable && !attempt.shared()) {
      view.forget(attempt.address());
    }
    if (turn.cancelled) {
      return;
    }
    if (!attempt.last() && (unreachable || error.kind() == ErrorKind.POOL_BUSY)) {
      attempt(turn, attempt.candidates(), attempt.index() + 1);
    } else if (attempt.last() && unreachable && !attempt.shared()) {
      // Every pool we knew of is gone: let the event bus find any pool still registered.
      attempt(turn, List.of(), 0);
    } else {
      turn.onRejected(error);
    }
  }

  @SuppressWarnings("unchecked")
  private void onMessage(Message<Object> message) {
    Object body = message.body();
    if (body instanceof TurnEvent event) {
      if (event.accepted() != null) {
        // For a turn this caller gave up on, the event's own handling below sends the cancel (when one is due).
        onAccepted(event.accepted(), false);
      }
      onEvent((Message<TurnEvent>) (Message<?>) message);
    } else if (body instanceof TurnAccepted accepted) {
      onAccepted(accepted, true);
    } else if (body instanceof TurnRejected rejected) {
      Turn turn = turns.get(rejected.turnId());
      if (turn != null && !turn.ended) {
        attemptFailed(turn, turn.attempt, rejected.toException(), false);
      }
    }
  }

  /** {@code cancelUnknown}: whether a turn this caller gave up on is still running there and must be stopped. */
  private void onAccepted(TurnAccepted accepted, boolean cancelUnknown) {
    Turn turn = turns.get(accepted.turnId());
    if (turn == null) {
      if (cancelUnknown) {
        bus.send(accepted.controlAddress(), new TurnCancel(accepted.turnId()));
      }
      return;
    }
    turn.poolAddress = turn.attempt.shared() ? null : turn.attempt.address();
    turn.onAccepted(accepted);
    if (turn.ended) {
      turns.remove(turn.id);
    }
  }

  private void onEvent(Message<TurnEvent> message) {
    TurnEvent event = message.body();
    Turn turn = turns.get(event.turnId());
    if (event.event() instanceof ChatEvent.Heartbeat) {
      message.reply(null);
      if (turn != null) {
        turn.lastEventMs = System.currentTimeMillis();
      } else {
        bus.send(event.controlAddress(), new TurnCancel(event.turnId()));
      }
      return;
    }
    if (turn == null) {
      if (!event.event().terminal()) {
        // A turn we gave up on still runs somewhere: stop it so its session is freed.
        bus.send(event.controlAddress(), new TurnCancel(event.turnId()));
      }
      return;
    }
    turn.onTurnEvent(event);
  }

  /**
   * Fails turns no pool accepted within the accept timeout, and finds turns whose producer is gone: silent past the
   * inactivity timeout, or accepted by a pool that stopped announcing itself. Such a turn is run again on another
   * pool when nothing of it reached the listener yet, else it fails.
   */
  private void checkTurns() {
    long now = System.currentTimeMillis();
    for (Turn turn : new ArrayList<>(turns.values())) {
      if (!turn.accepted.future().isComplete()) {
        if (now - turn.attemptedAtMs >= acceptTimeoutMs) {
          AxonException timeout = new AxonException(ErrorKind.TIMEOUT, "The session pool did not answer in time");
          if (turn.ended) {
            // Its events came, its acceptance never did.
            turns.remove(turn.id);
            turn.accepted.tryFail(timeout);
          } else {
            attemptFailed(turn, turn.attempt, timeout, false);
          }
        }
        continue;
      }
      if (turn.ended || !turn.accepted.future().succeeded()) {
        continue;
      }
      boolean silent = now - turn.lastEventMs > inactivityMs;
      boolean departed = turn.poolAddress != null && view != null && view.departed(turn.poolAddress);
      if (!silent && !departed) {
        continue;
      }
      boolean again = turn.mayRunAgain();
      log.warn("turn {} lost its producer ({}); {}", turn.id, departed ? "its pool left" : "no event for " + (now - turn.lastEventMs) + " ms",
          again ? "running it again on another pool" : "failing it");
      if (again) {
        turn.runAgain();
        continue;
      }
      turn.cancel();
      turn.listener.onEvent(new ChatEvent.Failed(ErrorKind.UNAVAILABLE,
          "The model session stopped responding; the turn was abandoned.", 1));
    }
  }

  private final class Turn implements TurnHandle {
    String id;
    final TurnListener listener;
    final Promise<TurnAccepted> accepted = Promise.promise();
    TurnRequest request;
    /** The pool asked last, and when: set as the turn starts, before any message can name it. */
    Attempt attempt;
    long attemptedAtMs;
    String controlAddress;
    String poolAddress;
    boolean delivered;
    boolean retried;
    int nextSeq;
    TreeMap<Integer, TurnEvent> early;
    long lastEventMs = System.currentTimeMillis();
    boolean cancelled;
    boolean ended;

    Turn(String id, TurnListener listener) {
      this.id = id;
      this.listener = listener;
    }

    @Override
    public Future<TurnAccepted> accepted() {
      return accepted.future();
    }

    /**
     * Forgets the producer that died, so the turn can start over elsewhere under a new id: should the old
     * producer still be alive after all, its events no longer match and it is told to stop.
     */
    void restart() {
      if (poolAddress != null && view != null) {
        view.forget(poolAddress);
      }
      if (controlAddress != null) {
        // Silent is not always dead: make sure the old producer stops and frees its session.
        bus.send(controlAddress, new TurnCancel(id));
      }
      turns.remove(id);
      id = id + "r";
      turns.put(id, this);
      request = request.withTurnId(id);
      controlAddress = null;
      poolAddress = null;
      nextSeq = 0;
      early = null;
      lastEventMs = System.currentTimeMillis();
    }

    /** Once per turn, and only while nothing reached the listener or the listener can start over. */
    boolean mayRunAgain() {
      return !retried && (!delivered || listener.restart());
    }

    /** Starts the turn over, under a new id, on whichever pool comes first again. */
    void runAgain() {
      retried = true;
      restart();
      attempt(this, candidates(request.request()), 0);
    }

    void onAccepted(TurnAccepted a) {
      controlAddress = a.controlAddress();
      lastEventMs = System.currentTimeMillis();
      if (cancelled) {
        bus.send(controlAddress, new TurnCancel(id));
        return;
      }
      accepted.tryComplete(a);
    }

    void onRejected(AxonException error) {
      if (ended) {
        return;
      }
      ended = true;
      turns.remove(id);
      if (!accepted.tryFail(error)) {
        // Accepted once already (a turn run again after its pool left): the listener waits for events, not acceptance.
        listener.onEvent(ChatEvent.Failed.of(error));
      }
    }

    void onTurnEvent(TurnEvent event) {
      lastEventMs = System.currentTimeMillis();
      if (controlAddress == null) {
        controlAddress = event.controlAddress();
      }
      if (event.seq() != nextSeq) {
        // Events can overtake each other only across JVM links; hold them until the gap is filled.
        if (early == null) {
          early = new TreeMap<>();
        }
        early.put(event.seq(), event);
        return;
      }
      deliver(event);
      while (early != null && !ended) {
        TurnEvent next = early.remove(nextSeq);
        if (next == null) {
          break;
        }
        deliver(next);
      }
    }

    private void deliver(TurnEvent event) {
      nextSeq++;
      if (event.precedingText() != null) {
        deliver(new ChatEvent.TextDelta(event.precedingText()));
      }
      deliver(event.event());
    }

    private void deliver(ChatEvent event) {
      if (ended || cancelled) {
        return;
      }
      if (event instanceof ChatEvent.Failed f && f.kind() == ErrorKind.UNAVAILABLE && poolAddress != null && mayRunAgain()) {
        // The pool is going away (shutdown, reconfiguration): another one may serve the turn.
        log.info("turn {} was given up by its pool ({}); running it again on another pool", id, f.message());
        runAgain();
        return;
      }
      if (event.terminal()) {
        ended = true;
        if (accepted.future().isComplete()) {
          turns.remove(id);
        }
        // Else it stays known until its acceptance, which can come after its events: the caller waits for both.
      }
      delivered = true;
      listener.onEvent(event);
    }

    @Override
    public void cancel() {
      if (cancelled || ended) {
        return;
      }
      cancelled = true;
      ended = true;
      turns.remove(id);
      if (controlAddress != null) {
        bus.send(controlAddress, new TurnCancel(id));
      }
      accepted.tryFail(new AxonException(ErrorKind.CANCELLED, "The turn was cancelled."));
    }
  }
}
