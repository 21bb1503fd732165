package dev.axon.api.tests;

import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.tokens.CountTokens;
import dev.axon.common.tokens.TokenCount;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRejected;
import dev.axon.common.turn.TurnRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.function.Consumer;

/**
 * A pool that speaks the turn protocol from a script: it answers {@code POOL_TURN} as the test says (by default
 * {@link TurnAccepted} then "Hello world" and {@code Done}, all sent to the turn's reply address), records every turn request and every cancel sent to
 * its control address, and answers pool stats and health, and token counts (10 per message).
 */
final class FakePool {

  static final String MODEL = "claude-sonnet-4-6";
  static final String CONTROL = Addresses.turnControl("fake-pool");

  final Recorder<TurnRequest> requests = new Recorder<>();
  final Recorder<TurnCancel> cancels = new Recorder<>();
  final Recorder<CountTokens> counts = new Recorder<>();
  private final EventBus bus;
  private volatile Consumer<Message<TurnRequest>> behaviour;
  private MessageConsumer<TurnRequest> turns;

  FakePool(Vertx vertx) {
    this.bus = vertx.eventBus();
    script(text("Hello"), text(" world"), done());
  }

  Future<Void> register() {
    turns = bus.consumer(Addresses.POOL_TURN, m -> {
      requests.record(m.body());
      behaviour.accept(m);
    });
    return Future.all(List.of(
        turns.completion(),
        bus.<TurnCancel>consumer(CONTROL, m -> cancels.record(m.body())).completion(),
        bus.consumer(Addresses.POOL_STATS, m -> m.reply(PoolStats.of("fake-pool", List.of()))).completion(),
        bus.consumer(Addresses.POOL_HEALTH, m -> m.reply(new PoolHealth(true, "ok"))).completion(),
        bus.<CountTokens>consumer(Addresses.POOL_COUNT_TOKENS, m -> {
          counts.record(m.body());
          m.reply(new TokenCount(10 * m.body().request().messages().size()));
        }).completion())).mapEmpty();
  }

  /** Stops listening for turns: from now on no pool is there to send them to. */
  Future<Void> leave() {
    return turns.unregister();
  }

  /** From now on, every turn is handled by {@code next}. */
  void behave(Consumer<Message<TurnRequest>> next) {
    this.behaviour = next;
  }

  /** Every turn is accepted and then gets these events, numbered from 0. */
  void script(ChatEvent... events) {
    behave(m -> {
      accept(m);
      play(m.body(), events);
    });
  }

  /** Every turn is refused with this error, as the real pool refuses when it has no session. */
  void reject(AxonException error) {
    behave(m -> bus.send(m.body().replyTo(), TurnRejected.of(m.body().turnId(), error)));
  }

  /** Tells the caller its turn was accepted, as the real pool does (one way, to the turn's reply address). */
  void accept(Message<TurnRequest> m) {
    bus.send(m.body().replyTo(), new TurnAccepted(m.body().turnId(), CONTROL, "fake-session", "fake"));
  }

  void play(TurnRequest request, ChatEvent... events) {
    for (int i = 0; i < events.length; i++) {
      send(request, i, events[i]);
    }
  }

  void send(TurnRequest request, int seq, ChatEvent event) {
    send(request, seq, null, event);
  }

  /** An event with the text that came before it in the same message, as the pool sends a reply that arrived whole. */
  void send(TurnRequest request, int seq, String precedingText, ChatEvent event) {
    bus.send(request.replyTo(), new TurnEvent(request.turnId(), seq, precedingText, event, CONTROL));
  }

  /** A heartbeat as the pool sends it: sequence -1, as a request that the caller must answer. */
  Future<Message<Object>> heartbeat(TurnRequest request) {
    return bus.request(request.replyTo(), new TurnEvent(request.turnId(), -1, ChatEvent.Heartbeat.INSTANCE, CONTROL));
  }

  static ChatEvent.TextDelta text(String text) {
    return new ChatEvent.TextDelta(text);
  }

  static ChatEvent.Done done() {
    return new ChatEvent.Done(FinishReason.STOP, Usage.of(5, 2), MODEL, null);
  }

  static ChatEvent.Done done(FinishReason reason, int prompt, int completion) {
    return new ChatEvent.Done(reason, Usage.of(prompt, completion), MODEL, null);
  }
}
