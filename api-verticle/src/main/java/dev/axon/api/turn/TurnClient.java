package dev.axon.api.turn;

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
import java.util.ArrayList;
import java.util.HashMap;
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

  public TurnClient(Vertx vertx, long acceptTimeoutMs, long inactivityMs) {
    this.vertx = vertx;
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

  /** Asks a pool for a turn; events go to {@code listener}. */
  public TurnHandle start(ChatRequest request, String requestId, TurnListener listener) {
    Turn turn = new Turn(instanceId + "-" + SEQUENCE.incrementAndGet(), listener);
    turns.put(turn.id, turn);
    bus.<TurnAccepted>request(Addresses.POOL_TURN, new TurnRequest(turn.id, eventsAddress, requestId, request), acceptDelivery)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            turn.onAccepted(ar.result().body());
          } else {
            turn.onRejected(AxonException.from(ar.cause(), "The session pool"));
          }
        });
    return turn;
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

  private void checkInactivity() {
    long now = System.currentTimeMillis();
    for (Turn turn : new ArrayList<>(turns.values())) {
      if (turn.accepted.future().succeeded() && now - turn.lastEventMs > inactivityMs) {
        log.warn("turn {} got no event for {} ms; its producer is presumed dead", turn.id, now - turn.lastEventMs);
        turn.cancel();
        turn.listener.onEvent(new ChatEvent.Failed(ErrorKind.UNAVAILABLE,
            "The model session stopped responding; the turn was abandoned.", 1));
      }
    }
  }

  private final class Turn implements TurnHandle {
    final String id;
    final TurnListener listener;
    final Promise<TurnAccepted> accepted = Promise.promise();
    String controlAddress;
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
      if (ended || cancelled) {
        return;
      }
      if (event.event().terminal()) {
        ended = true;
        turns.remove(id);
      }
      listener.onEvent(event.event());
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
