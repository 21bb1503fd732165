package dev.axon.pool.tests;

import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRejected;
import dev.axon.common.turn.TurnRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The caller side of one turn, as a test sees it: a consumer on its own turn-events address that takes the pool's
 * acceptance or rejection and records every event (heartbeats apart, and answered, since they come as requests), and
 * the futures of the acceptance, the first delta and the terminal event.
 */
final class TurnProbe {

  final Vertx vertx;
  final String turnId = "turn-" + UUID.randomUUID();
  final String address = Addresses.turnEvents(UUID.randomUUID().toString());
  /** Every event but heartbeats, in arrival order: one per bus message, each with the text sent before it, if any. */
  final List<TurnEvent> events = new CopyOnWriteArrayList<>();
  /** Every message but heartbeats, in arrival order: acceptances and rejections that came alone, and events. */
  final List<Object> messages = new CopyOnWriteArrayList<>();
  /** Heartbeats, with whether each came as a request (with a reply address). */
  final List<TurnEvent> heartbeats = new CopyOnWriteArrayList<>();
  final List<Boolean> heartbeatWasRequest = new CopyOnWriteArrayList<>();
  final Promise<TurnEvent> firstDelta = Promise.promise();
  final Promise<TurnEvent> terminal = Promise.promise();
  private final Promise<TurnAccepted> acceptance = Promise.promise();
  private MessageConsumer<Object> consumer;
  volatile TurnAccepted accepted;

  private TurnProbe(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A probe whose consumer is registered. */
  static Future<TurnProbe> open(Vertx vertx) {
    TurnProbe probe = new TurnProbe(vertx);
    probe.consumer = vertx.eventBus().consumer(probe.address, probe::onMessage);
    return probe.consumer.completion().map(probe);
  }

  private void onMessage(Message<Object> message) {
    if (!(message.body() instanceof TurnEvent e && e.event() instanceof ChatEvent.Heartbeat)) {
      messages.add(message.body());
    }
    if (message.body() instanceof TurnAccepted a) {
      onAccepted(a);
    } else if (message.body() instanceof TurnRejected r) {
      acceptance.tryFail(r.toException());
    } else {
      onEvent(message, (TurnEvent) message.body());
    }
  }

  private void onAccepted(TurnAccepted a) {
    accepted = a;
    acceptance.tryComplete(a);
  }

  private void onEvent(Message<Object> message, TurnEvent e) {
    if (e.accepted() != null) {
      onAccepted(e.accepted());
    }
    if (e.event() instanceof ChatEvent.Heartbeat) {
      heartbeats.add(e);
      heartbeatWasRequest.add(message.replyAddress() != null);
      message.reply(null);
      return;
    }
    events.add(e);
    if (e.precedingText() != null || e.event() instanceof ChatEvent.TextDelta || e.event() instanceof ChatEvent.ToolCallDelta) {
      firstDelta.tryComplete(e);
    }
    if (e.event().terminal()) {
      terminal.tryComplete(e);
    }
  }

  /**
   * Sends the turn to the pool (one way, as the API does); completes with the pool's acceptance or fails with its typed
   * error, or with the send's failure when no pool listens.
   */
  Future<TurnAccepted> start(ChatRequest request) {
    vertx.eventBus().<TurnRequest>sender(Addresses.POOL_TURN).write(new TurnRequest(turnId, address, "req-" + turnId, request))
        .onFailure(acceptance::tryFail);
    return acceptance.future();
  }

  /** Runs the turn to its end: the terminal event. */
  Future<TurnEvent> run(ChatRequest request) {
    return start(request).compose(a -> terminal.future());
  }

  void cancel() {
    vertx.eventBus().send(accepted.controlAddress(), new TurnCancel(turnId));
  }

  Future<Void> unregister() {
    return consumer.unregister();
  }

  String text() {
    StringBuilder sb = new StringBuilder();
    events.forEach(e -> {
      if (e.precedingText() != null) {
        sb.append(e.precedingText());
      }
      if (e.event() instanceof ChatEvent.TextDelta t) {
        sb.append(t.text());
      }
    });
    return sb.toString();
  }

  /** Pieces of text sent, whether alone (a delta) or with the event that followed them. */
  long deltas() {
    return events.stream().filter(e -> e.event() instanceof ChatEvent.TextDelta || e.precedingText() != null).count();
  }

  long terminals() {
    return events.stream().filter(e -> e.event().terminal()).count();
  }

  static Future<PoolStats> stats(Vertx vertx) {
    return vertx.eventBus().<PoolStats>request(Addresses.POOL_STATS, null).map(Message::body);
  }

  /** The first {@code POOL_STATS} reply that satisfies {@code condition}, asking every 20 ms for {@code timeoutMs}. */
  static Future<PoolStats> statsWhen(Vertx vertx, long timeoutMs, String what, Predicate<PoolStats> condition) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    return stats(vertx).compose(s -> {
      if (condition.test(s)) {
        return Future.succeededFuture(s);
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new AssertionError("not within " + timeoutMs + " ms: " + what + "; last stats " + s));
      }
      return Steps.delay(vertx, 20).compose(v -> statsWhen(vertx, deadline - System.currentTimeMillis(), what, condition));
    });
  }
}
