package dev.axon.api.chat;

import dev.axon.api.auth.ApiKey;
import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.http.Connections;
import dev.axon.api.http.RequestIds;
import dev.axon.api.http.Responses;
import dev.axon.api.http.StreamGuard;
import dev.axon.api.turn.TurnClient;
import dev.axon.api.turn.TurnHandle;
import dev.axon.api.turn.TurnListener;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.Usage;
import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat exchange, whatever its dialect, from the moment its conversation is open: runs {@code n} turns, relays
 * their events through the dialect's {@link ExchangeRenderer} (streaming) or collects them (plain), stores the turn
 * once every choice succeeded, and renders the end. Any failure ends the exchange once: the other turns are
 * cancelled, the conversation lock released, and
 * the client gets an error (a JSON error with its status before the stream started, an error event after). The
 * stream starts with the first event, not when the sessions are acquired, so a turn that fails before its first
 * token still gets its status and Retry-After. A client that goes away cancels the turns. A stream silent for the
 * bounds' keep-alive interval gets the dialect's keep-alive, when it has one (and opens for it, if the first event
 * has not come by then).
 *
 * <p>Threading: confined to the API verticle's context.
 */
final class ChatExchange {

  private static final Logger log = LoggerFactory.getLogger(ChatExchange.class);

  private final RoutingContext rc;
  private final HttpServerResponse response;
  private final ChatContext context;
  private final TurnClient turnClient;
  private final ConversationClient store;
  private final ExchangeRenderer renderer;
  private final ChatCall call;
  private final ApiKey key;
  private final ConversationState conversation;
  private final String requestId;
  private final ChoiceAccumulator[] choices;
  private final List<TurnHandle> turns;
  private final List<List<ChatEvent>> early;
  private StreamGuard guard;
  private long lastWriteNanos;
  private int remaining;
  private boolean allAccepted;
  private boolean opened;
  private boolean finished;
  /** The usage went to the store with the turn's commit: the exchange's listeners must not meter it again. */
  private boolean usageMetered;
  private final long startNanos;
  private long acceptedNanos;
  private long firstEventNanos;
  private long turnsStartedNanos;
  private long turnsEndedNanos;
  private String provider;

  ChatExchange(RoutingContext rc, ChatContext context, ChatCall call, ApiKey key, ConversationState conversation,
               ExchangeRenderer renderer) {
    this.rc = rc;
    this.response = rc.response();
    this.context = context;
    this.turnClient = context.turns();
    this.store = context.store();
    this.renderer = renderer;
    this.startNanos = RequestIds.startNanos(rc);
    this.call = call;
    this.key = key;
    this.conversation = conversation;
    this.requestId = RequestIds.of(rc);
    this.choices = new ChoiceAccumulator[call.n()];
    this.turns = new ArrayList<>(call.n());
    this.early = new ArrayList<>(call.n());
    this.remaining = call.n();
    ExchangeSummary.expect(rc);
  }

  void start() {
    ChatRequest request = call.request();
    if (!conversation.history().isEmpty()) {
      request = request.withMessages(call.withHistory(conversation.history()));
    }
    response.closeHandler(v -> clientGone());
    List<Future<?>> accepted = new ArrayList<>(call.n());
    turnsStartedNanos = System.nanoTime();
    for (int i = 0; i < call.n(); i++) {
      final int index = i;
      choices[i] = new ChoiceAccumulator(i);
      early.add(new ArrayList<>(2));
      TurnHandle turn = turnClient.start(request, call.stream(), requestId, new TurnListener() {
        @Override
        public void onEvent(ChatEvent event) {
          ChatExchange.this.onEvent(index, event);
        }

        @Override
        public boolean restart() {
          return restartChoice(index);
        }
      });
      turns.add(turn);
      accepted.add(turn.accepted());
    }
    // One choice (nearly every request) needs no composite future.
    Future<?> acceptance = accepted.size() == 1 ? accepted.get(0) : Future.all(accepted);
    acceptance.onComplete(ar -> {
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      acceptedNanos = System.nanoTime();
      provider = turns.get(0).accepted().result().provider();
      allAccepted = true;
      if (!finished && hasEarlyEvents()) {
        open();
      } else if (!finished) {
        openWhenSilent();
      }
    });
  }

  /**
   * A stream whose dialect has keep-alives opens, even before the model's first event, once the sessions have been
   * silent for the keep-alive interval: a long think before the first token (or thinking whose text is not shown)
   * then keeps the connection and any proxy on the way alive. A failure before that still gets its HTTP status.
   */
  private void openWhenSilent() {
    long intervalMs = context.bounds().get().streamKeepAliveMs();
    if (!call.stream() || renderer.keepAlive() == null || intervalMs <= 0) {
      return;
    }
    rc.vertx().setTimer(intervalMs, t -> {
      if (!opened && !finished && !response.closed()) {
        open();
      }
    });
  }

  private void onEvent(int index, ChatEvent event) {
    if (finished) {
      return;
    }
    if (firstEventNanos == 0) {
      firstEventNanos = System.nanoTime();
    }
    if (event instanceof ChatEvent.Failed f) {
      fail(f.toException());
      return;
    }
    if (!opened) {
      early.get(index).add(event);
      if (allAccepted) {
        open();
      }
      return;
    }
    process(index, event);
  }

  /** A choice's producer died: it may start over as long as none of it reached the client. */
  private boolean restartChoice(int index) {
    if (finished || (opened && call.stream())) {
      return false;
    }
    if (choices[index].done()) {
      remaining++;
    }
    choices[index] = new ChoiceAccumulator(index);
    early.get(index).clear();
    return true;
  }

  private boolean hasEarlyEvents() {
    for (List<ChatEvent> events : early) {
      if (!events.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first event arrived and every turn has a session: start the response and replay what came so far.
   * Opening only now (not at acceptance) lets a failure before the first byte, e.g. an upstream 429 or 400,
   * reach the client as a proper HTTP status instead of an error event inside a 200 stream.
   */
  private void open() {
    opened = true;
    if (call.stream()) {
      TurnBounds bounds = context.bounds().get();
      guard = new StreamGuard(rc.vertx(), rc.request(), bounds.streamStallTimeoutMs(), bounds.streamBufferLimitBytes(), this::clientGone);
      Connections.flushPromptly(rc.request().connection());
      response.setChunked(true);
      write(renderer.openStream(response));
      keepAlive(bounds.streamKeepAliveMs());
    }
    for (int i = 0; i < call.n() && !finished; i++) {
      List<ChatEvent> events = early.get(i);
      for (int j = 0; j < events.size() && !finished; j++) {
        process(i, events.get(j));
      }
      events.clear();
    }
  }

  private void process(int index, ChatEvent event) {
    choices[index].add(event);
    if (call.stream()) {
      Buffer bytes = renderer.streamEvent(index, event);
      if (bytes != null) {
        write(bytes);
      }
    }
    if (event instanceof ChatEvent.Done && --remaining == 0) {
      turnsEnded();
      complete();
    }
  }

  /** Every choice is done: store the turn, then end the response. */
  private void complete() {
    persist().onComplete(ar -> {
      if (finished) {
        return;
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      finished = true;
      Usage usage = totalUsage();
      // Reported before the response ends, so the edge's end handler finds the summary there and records at once.
      report(200, null, usage);
      if (call.stream()) {
        write(renderer.closeStream(List.of(choices), usage));
        if (!response.closed() && !response.ended()) {
          response.end();
        }
      } else {
        renderer.reply(rc, List.of(choices), usage);
      }
    });
  }

  private Future<?> persist() {
    if (conversation.id() == null) {
      return Future.succeededFuture();
    }
    if (!call.store()) {
      releaseLock();
      return Future.succeededFuture();
    }
    List<ChatMessage> messages = new ArrayList<>(call.request().messages().size() + 1);
    messages.addAll(call.request().messages());
    messages.add(choices[0].toMessage());
    // The usage rides with the commit: one store round trip writes the turn and meters it. It counts as metered from
    // the moment it is sent, so a client leaving during the commit does not get it metered twice; a refused commit
    // meters nothing, and the exchange's failure then meters it as any other.
    Usage usage = totalUsage();
    RecordUsage metering = new RecordUsage(key.name(), call.request().model(), key.limits(), usage.promptTokens(),
        usage.completionTokens(), usage.cachedTokens());
    usageMetered = true;
    return store.commit(new CommitTurn(conversation.id(), key.ownerHash(), call.clientModel(), messages,
        conversation.lockToken(), conversation.expectedCount(), metering)).onFailure(e -> usageMetered = false);
  }

  /** Prompt tokens are counted once (every choice saw the same prompt); completions add up. */
  private Usage totalUsage() {
    Usage first = choices[0].usage();
    int completion = 0;
    int reasoning = 0;
    for (ChoiceAccumulator c : choices) {
      completion += c.usage().completionTokens();
      reasoning += c.usage().reasoningTokens();
    }
    return new Usage(first.promptTokens(), completion, first.cachedTokens(), reasoning, first.cacheWriteTokens());
  }

  private void fail(Throwable failure) {
    if (finished) {
      return;
    }
    finished = true;
    turnsEnded();
    turns.forEach(TurnHandle::cancel);
    releaseLock();
    AxonException error = AxonException.from(failure, "The gateway");
    boolean streamed = opened && call.stream();
    if (streamed) {
      if (!response.closed() && !response.ended()) {
        response.end(renderer.streamError(error));
      }
    } else {
      Responses.error(rc, error);
    }
    report(streamed ? 200 : response.getStatusCode(), error.kind(), partialUsage());
  }

  /** Tokens of the choices that finished, for a failed exchange (what the provider did bill). */
  private Usage partialUsage() {
    Usage sum = Usage.ZERO;
    for (ChoiceAccumulator c : choices) {
      if (c != null && c.done()) {
        sum = sum.plus(c.usage());
      }
    }
    return sum;
  }

  /** Tells the listeners how the exchange ended, and leaves the summary for handlers that run at the response's end. */
  private void report(int status, ErrorKind error, Usage usage) {
    String servedModel = null;
    String servedProvider = provider;
    for (ChoiceAccumulator c : choices) {
      if (c != null && c.done()) {
        servedModel = c.outcome().servedModel();
        servedProvider = c.outcome().provider() != null ? c.outcome().provider() : provider;
        break;
      }
    }
    ExchangeSummary summary = new ExchangeSummary(requestId, key.name(), key.ownerHash(), call.clientModel(), call.request().model(),
        servedModel, servedProvider, conversation.id(), call.stream(), call.n(), status, error, usage,
        startNanos, acceptedNanos, firstEventNanos, System.nanoTime(), turnsStartedNanos, turnsEndedNanos, usageMetered);
    ExchangeSummary.leave(rc, summary);
    for (ExchangeListener listener : context.listeners()) {
      try {
        listener.onExchange(summary);
      } catch (RuntimeException e) {
        log.error("an exchange listener failed", e);
      }
    }
  }

  private void clientGone() {
    if (finished) {
      return;
    }
    finished = true;
    turnsEnded();
    log.debug("client of request {} went away; cancelling its turns", requestId);
    turns.forEach(TurnHandle::cancel);
    releaseLock();
    report(499, ErrorKind.CANCELLED, partialUsage());
  }

  /** The turns are over (done, failed or abandoned): what follows is the gateway's own time again. */
  private void turnsEnded() {
    if (turnsEndedNanos == 0 && turnsStartedNanos != 0) {
      turnsEndedNanos = System.nanoTime();
    }
  }

  private void releaseLock() {
    if (conversation.lockToken() != null && conversation.id() != null) {
      store.abort(new AbortTurn(conversation.id(), conversation.lockToken()))
          .onFailure(e -> log.warn("could not release the lock of conversation {}: {}", conversation.id(), e.getMessage()));
    }
  }

  /**
   * Sends the dialect's keep-alive whenever the stream has been silent for {@code intervalMs}, until the exchange
   * ends. A client waiting on a slow model (or a long thought) then sees the connection alive.
   */
  private void keepAlive(long intervalMs) {
    Buffer probe = renderer.keepAlive();
    if (probe == null || intervalMs <= 0) {
      return;
    }
    rc.vertx().setPeriodic(intervalMs, intervalMs, timer -> {
      if (finished || response.closed() || response.ended()) {
        rc.vertx().cancelTimer(timer);
        return;
      }
      if (System.nanoTime() - lastWriteNanos >= intervalMs * 1_000_000L) {
        write(renderer.keepAlive());
      }
    });
  }

  /** Writes a stream chunk, bounded by the guard: a client that stops reading gets its stream cut (see {@link StreamGuard}). */
  private void write(Buffer chunk) {
    lastWriteNanos = System.nanoTime();
    if (guard != null) {
      guard.write(chunk);
    } else if (!response.closed() && !response.ended()) {
      response.write(chunk);
    }
  }
}
