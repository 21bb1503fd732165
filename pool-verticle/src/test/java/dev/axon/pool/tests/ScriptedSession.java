package dev.axon.pool.tests;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.pool.provider.Session;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A session of {@link ScriptedProvider}: records its calls and behaves as the provider's script says. */
final class ScriptedSession implements Session {

  private final ScriptedProvider provider;
  private final String id;
  private final String model;
  private volatile boolean alive = true;
  private boolean closed;
  private Promise<ChatEvent.Done> running;
  private long timer = -1;
  private Promise<Void> resetGate;

  final AtomicInteger runs = new AtomicInteger();
  final AtomicInteger resets = new AtomicInteger();
  final AtomicInteger cancels = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();

  ScriptedSession(ScriptedProvider provider, String id, String model) {
    this.provider = provider;
    this.id = id;
    this.model = model;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }

  /** The session's process dies: it is no longer alive, a running turn fails. */
  void die() {
    alive = false;
    fail(new AxonException(ErrorKind.UPSTREAM_ERROR, "the session process exited"));
  }

  /** Completes a {@link ScriptedProvider.ResetMode#GATED} reset; call it on the pool's context. */
  void completeReset() {
    Promise<Void> gate = resetGate;
    if (gate == null) {
      throw new AssertionError("no gated reset is pending on " + id);
    }
    resetGate = null;
    provider.log.add("reset-done " + id);
    gate.complete();
  }

  boolean resetPending() {
    return resetGate != null;
  }

  @Override
  public Future<ChatEvent.Done> run(ChatRequest request, Consumer<ChatEvent> sink) {
    runs.incrementAndGet();
    provider.log.add("run " + id);
    if (running != null) {
      throw new AssertionError("session " + id + " was given a turn while it serves another");
    }
    Promise<ChatEvent.Done> promise = Promise.promise();
    running = promise;
    ScriptedProvider.RunMode mode = provider.nextRunMode();
    List<String> pieces = provider.reply;
    switch (mode) {
      case DIE_BEFORE_STREAM:
        die();
        break;
      case HANG:
        break;
      default:
        emit(mode, pieces, 0, sink);
    }
    return promise.future();
  }

  private void emit(ScriptedProvider.RunMode mode, List<String> pieces, int index, Consumer<ChatEvent> sink) {
    if (running == null) {
      return;
    }
    if (index == pieces.size()) {
      Promise<ChatEvent.Done> p = running;
      running = null;
      p.complete(new ChatEvent.Done(FinishReason.STOP, Usage.of(3, pieces.size()), model, null));
      return;
    }
    Runnable step = () -> {
      timer = -1;
      if (running == null) {
        return;
      }
      sink.accept(new ChatEvent.TextDelta(pieces.get(index)));
      if (mode == ScriptedProvider.RunMode.DIE_AFTER_FIRST_PIECE && index == 0) {
        die();
        return;
      }
      emit(mode, pieces, index + 1, sink);
    };
    long delay = provider.pieceDelayMs;
    if (delay > 0) {
      timer = provider.vertx.setTimer(delay, t -> step.run());
    } else {
      step.run();
    }
  }

  private void fail(AxonException error) {
    if (timer >= 0) {
      provider.vertx.cancelTimer(timer);
      timer = -1;
    }
    Promise<ChatEvent.Done> p = running;
    running = null;
    if (p != null) {
      p.fail(error);
    }
  }

  @Override
  public void cancel() {
    cancels.incrementAndGet();
    provider.log.add("cancel " + id);
    fail(new AxonException(ErrorKind.CANCELLED, "The turn was cancelled."));
  }

  @Override
  public Future<Void> reset() {
    resets.incrementAndGet();
    provider.log.add("reset " + id);
    long delay = provider.resetDelayMs;
    switch (provider.resetMode) {
      case FAIL_NOW:
        return Future.failedFuture(new AxonException(ErrorKind.UPSTREAM_ERROR, "reset failed"));
      case FAIL_LATER:
        return provider.later(Math.max(5, delay), () -> {
          throw new AxonException(ErrorKind.UPSTREAM_ERROR, "reset failed");
        });
      case THROW:
        throw new IllegalStateException("reset blew up");
      case HANG:
        return Promise.<Void>promise().future();
      case GATED:
        resetGate = Promise.promise();
        return resetGate.future();
      default:
        return provider.later(delay, () -> {
          provider.log.add("reset-done " + id);
          return null;
        });
    }
  }

  @Override
  public boolean alive() {
    return alive;
  }

  @Override
  public Future<Void> close() {
    closes.incrementAndGet();
    provider.log.add("close " + id);
    if (!closed) {
      closed = true;
      provider.openNow.decrementAndGet();
    }
    alive = false;
    fail(new AxonException(ErrorKind.CANCELLED, "The session was closed."));
    return Future.succeededFuture();
  }
}
