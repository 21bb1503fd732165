package dev.axon.pool.tests;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Session;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider for tests whose sessions do what the test says and record every call ({@code open s1},
 * {@code run s1}, {@code reset s1}, {@code reset-done s1}, {@code cancel s1}, {@code close s1}) in one ordered
 * log. It can fail the next N opens or all of them, delay opens, resets and turn pieces, fail or hang resets, and
 * script how each turn runs. It also tracks how many sessions are open at once (an open counts from the call,
 * so a session being started counts too) and the peak of that number.
 *
 * <p>Threading: like a real provider it is called on the pool's context; its counters are safe to read from
 * the test thread.
 */
final class ScriptedProvider implements Provider {

  static final String NAME = "scripted";
  static final String OPEN_ERROR = "claude binary not found on PATH";

  /** What {@link Session#reset()} does. */
  enum ResetMode {
    /** Succeeds, after {@link #resetDelayMs} when it is above 0. */
    OK,
    /** Returns an already failed future. */
    FAIL_NOW,
    /** Fails after {@link #resetDelayMs} (at least a few ms): an asynchronous failure. */
    FAIL_LATER,
    /** Throws instead of returning a future (a provider bug the pool must survive). */
    THROW,
    /** Never completes. */
    HANG,
    /** Completes when the test calls {@link ScriptedSession#completeReset()}. */
    GATED
  }

  /** How one turn runs. */
  enum RunMode {
    /** Emits {@link #reply} piece by piece ({@link #pieceDelayMs} apart), then {@code Done}. */
    OK,
    /** The session dies before the first piece. */
    DIE_BEFORE_STREAM,
    /** The session dies after the first piece. */
    DIE_AFTER_FIRST_PIECE,
    /** Emits nothing and never ends by itself (only cancel or close end it). */
    HANG
  }

  final Vertx vertx;
  /** Every call, in order. */
  final List<String> log = new CopyOnWriteArrayList<>();
  /** Every session opened successfully, in order (s1, s2, ...). */
  final List<ScriptedSession> sessions = new CopyOnWriteArrayList<>();
  /** Calls of {@link #open}, failed ones included. */
  final AtomicInteger opens = new AtomicInteger();
  final AtomicInteger failedOpens = new AtomicInteger();
  /** Sessions opened or being opened and not closed. */
  final AtomicInteger openNow = new AtomicInteger();
  final AtomicInteger peakOpen = new AtomicInteger();

  volatile boolean alwaysFailOpen;
  volatile int failNextOpens;
  volatile long openDelayMs;
  /** Completes opens on a plain thread, like a careless provider would. */
  volatile boolean completeOpensOnAnotherThread;
  volatile ResetMode resetMode = ResetMode.OK;
  volatile long resetDelayMs;
  volatile long pieceDelayMs;
  volatile List<String> reply = List.of("Hello", " from", " a", " scripted", " session");
  private final Deque<RunMode> runModes = new ArrayDeque<>();
  private int ids;

  ScriptedProvider(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The next turns (of any session) run in these modes, in order; later ones run {@link RunMode#OK}. */
  synchronized ScriptedProvider thenRun(RunMode... modes) {
    runModes.addAll(List.of(modes));
    return this;
  }

  synchronized RunMode nextRunMode() {
    RunMode m = runModes.pollFirst();
    return m == null ? RunMode.OK : m;
  }

  ScriptedSession session(String id) {
    return sessions.stream().filter(s -> s.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no session " + id + "; opened: " + sessions));
  }

  long count(String entry) {
    return log.stream().filter(entry::equals).count();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Session> open(String model) {
    if (completeOpensOnAnotherThread) {
      Promise<Session> promise = Promise.promise();
      Future<Session> opened = openHere(model);
      new Thread(() -> opened.onComplete(promise), "not-a-vertx-thread").start();
      return promise.future();
    }
    return openHere(model);
  }

  private Future<Session> openHere(String model) {
    opens.incrementAndGet();
    peakOpen.accumulateAndGet(openNow.incrementAndGet(), Math::max);
    boolean fail;
    synchronized (this) {
      fail = alwaysFailOpen || failNextOpens > 0;
      if (failNextOpens > 0) {
        failNextOpens--;
      }
    }
    if (fail) {
      log.add("open failed");
      return later(openDelayMs, () -> {
        failedOpens.incrementAndGet();
        openNow.decrementAndGet();
        throw new AxonException(ErrorKind.UNAVAILABLE, OPEN_ERROR);
      });
    }
    ScriptedSession session;
    synchronized (this) {
      session = new ScriptedSession(this, "s" + (++ids), model);
    }
    log.add("open " + session.id());
    return later(openDelayMs, () -> {
      sessions.add(session);
      return session;
    });
  }

  /** Runs {@code action} now (delay 0) or after a timer on the caller's context; a thrown error fails the future. */
  <T> Future<T> later(long delayMs, java.util.function.Supplier<T> action) {
    if (delayMs <= 0) {
      try {
        return Future.succeededFuture(action.get());
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    Promise<T> promise = Promise.promise();
    vertx.setTimer(delayMs, t -> {
      try {
        promise.complete(action.get());
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }
}
