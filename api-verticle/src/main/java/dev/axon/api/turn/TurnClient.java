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
import dev.axon.common.turn.TurnRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller side of the turn protocol. One consumer per API verticle instance receives the events of all its
 * turns (no event-bus registration per request) and routes them by turn id, in sequence order. A turn whose
 * producer stays silent past the inactivity timeout (producers heartbeat) fails with {@code UNAVAILABLE};
 * events for turns this caller no longer knows make it cancel them at their producer.
 *
 * <p>Threading: confined to the API verticle's context.
 */
public final class TurnClient {

  private static final Logger log = LoggerFactory.getLogger(TurnClient.class);
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Vertx vertx;
  private final EventBus bus;
  private final String instanceId = UUID.randomUUID().toString().substring(0, 13);
  private final String eventsAddress = Addresses.turnEvents(instanceId);
  private final DeliveryOptions acceptDelivery;
  private final long inactivityMs;
  private final Map<String, Turn> turns = new HashMap<>();
  private MessageConsumer<TurnEvent> consumer;
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
    this.acceptDelivery = new DeliveryOptions().setSendTimeout(acceptTimeoutMs);
    this.inactivityMs = inactivityMs;
  }

  public Future<Void> start() {
    consumer = bus.consumer(eventsAddress, this::onEvent);
    watchdog = vertx.setPeriodic(Math.max(50, Math.min(1000, inactivityMs / 4)), t -> checkInactivity());
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
    Turn turn = new Turn(instanceId + "-" + SEQUENCE.incrementAndGet(), listener);
    turns.put(turn.id, turn);
    turn.request = new TurnRequest(turn.id, eventsAddress, requestId, request, true, streamed);
    attempt(turn, turn.request, candidates(request), 0);
    return turn;
  }

  private List<String> candidates(ChatRequest request) {
    return view == null ? List.of() : view.turnCandidates(request.model());
  }

  private void attempt(Turn turn, TurnRequest request, List<String> candidates, int index) {
    boolean shared = candidates.isEmpty();
    String address = shared ? Addresses.POOL_TURN : candidates.get(index);
    boolean last = shared || index == candidates.size() - 1;
    TurnRequest attempt = request.withQueue(last);
    bus.<TurnAccepted>request(address, attempt, acceptDelivery).onComplete(ar -> {
      if (ar.succeeded()) {
        turn.poolAddress = shared ? null : address;
        turn.onAccepted(ar.result().body());
        return;
      }
      AxonException error = AxonException.from(ar.cause(), "The session pool");
      boolean unreachable = ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
      if (unreachable && !shared) {
        view.forget(address);
      }
      if (turn.cancelled) {
        return;
      }
      if (!last && (unreachable || error.kind() == ErrorKind.POOL_BUSY)) {
        attempt(turn, request, candidates, index + 1);
      } else if (last && unreachable && !shared) {
        // Every pool we knew of is gone: let the event bus find any pool still registered.
        attempt(turn, request, List.of(), 0);
      } else {
        turn.onRejected(error);
      }
    });
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
   * Finds turns whose producer is gone: silent past the inactivity timeout, or accepted by a pool that stopped
   * announcing itself. Such a turn is run again on another pool when nothing of it reached the listener yet,
   * else it fails.
   */
  private void checkInactivity() {
    long now = System.currentTimeMillis();
    for (Turn turn : new ArrayList<>(turns.values())) {
      if (!turn.accepted.future().succeeded() || turn.ended) {
        continue;
      }
      boolean silent = now - turn.lastEventMs > inactivityMs;
      boolean departed = turn.poolAddress != null && view != null && view.departed(turn.poolAddress);
      if (!silent && !departed) {
        continue;
      }
      boolean again = !turn.retried && (!turn.delivered || turn.listener.restart());
      log.warn("turn {} lost its producer ({}); {}", turn.id, departed ? "its pool left" : "no event for " + (now - turn.lastEventMs) + " ms",
          again ? "running it again on another pool" : "failing it");
      if (again) {
        turn.retried = true;
        turn.restart();
        attempt(turn, turn.request, candidates(turn.request.request()), 0);
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
      accepted.tryFail(error);
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
      if (event instanceof ChatEvent.Failed f && f.kind() == ErrorKind.UNAVAILABLE && poolAddress != null
          && !retried && (!delivered || listener.restart())) {
        // The pool is going away (shutdown, reconfiguration): another one may serve the turn.
        log.info("turn {} was given up by its pool ({}); running it again on another pool", id, f.message());
        retried = true;
        restart();
        attempt(this, request, candidates(request.request()), 0);
        return;
      }
      if (event.terminal()) {
        ended = true;
        turns.remove(id);
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
