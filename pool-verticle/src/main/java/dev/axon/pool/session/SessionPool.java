package dev.axon.pool.session;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.ModelPoolStats;
import dev.axon.common.stats.PoolCounters;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm sessions of one model.
 *
 * <p>{@link #acquire} hands out an idle session, else waits for one that is warming or resetting, else starts
 * one while the pool is below {@code max}, else queues the caller with a deadline; past the deadline or the
 * queue bound the caller gets {@code POOL_BUSY}, never unbounded growth. {@link #release} counts the turn and
 * decides, in a fixed order, what becomes of the session: close it when marked, recycle it past
 * {@code maxTurns}, discard it when it died, otherwise reset it (after the caller is gone, off the request
 * path) and offer it again. Start-up failures back off exponentially instead of respawning in a storm.
 *
 * <p>Recycling stays off the request path: a session in its last {@link #successorLead() tenth} of
 * {@code maxTurns} is leaving, and a leaving session does not count towards {@code size} or {@code max}, so its
 * successor warms beside it while it serves its last turns. Without that, a pool at capacity (a pool of one, or
 * every session busy) would make the request after the recycle wait for a whole process start.
 *
 * <p>Threading: all state is confined to the pool verticle's context; every method must be called on it.
 * Waiting callers are promises with timers, never blocked threads.
 */
public final class SessionPool {

  private static final Logger log = LoggerFactory.getLogger(SessionPool.class);
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final long FIRST_BACKOFF_MS = 500;

  private final Vertx vertx;
  private final Context context;
  /**
   * The event-loop thread of {@link #context}, or null when the pool was not created on it. Event-bus handlers
   * run on duplicates of the verticle's context, so "on the pool's context" is told by the thread.
   */
  private final Thread loop;
  private final String model;
  private final Provider provider;
  private final PoolMetrics metrics;
  private PoolSettings settings;

  /** A list, not a set: it is walked on every release, and a session leaves it only when retired. */
  private final List<PooledSession> live = new ArrayList<>();
  private final ArrayDeque<PooledSession> idle = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int starting;
  private boolean closed;

  private int startFailures;
  private long backoffUntilMs;
  private String lastError;
  private long retryTimer = -1;

  private long acquires, releases, warmups, misses, recycles, discards, requests;
  private double latencyTotalMs;
  private long latencySamples;

  private static final class Waiter {
    /**
     * Bound to the caller's context: a waiter served later, by a session freed on another request's context,
     * continues on its own context (with its own trace and context data), not on the releaser's.
     */
    final Promise<Lease> promise = Vertx.currentContext() instanceof ContextInternal caller ? caller.promise() : Promise.promise();
    final String requestId;
    final long since = System.nanoTime();
    long timer;

    Waiter(String requestId) {
      this.requestId = requestId;
    }
  }

  public SessionPool(Vertx vertx, String model, Provider provider, PoolSettings settings, PoolMetrics metrics) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.loop = Context.isOnEventLoopThread() && Vertx.currentContext() == context ? Thread.currentThread() : null;
    this.model = model;
    this.provider = provider;
    this.settings = settings;
    this.metrics = metrics;
  }

  public String model() {
    return model;
  }

  public Provider provider() {
    return provider;
  }

  /** Starts sessions up to the pool size in the background. */
  public void warm() {
    ensureMinimum();
  }

  /** Counts a turn request (for /stats); the pool itself does not need it. */
  public void countRequest() {
    requests++;
  }

  /** A session for one turn; fails with {@code POOL_BUSY} past the queue deadline or bound. */
  public Future<Lease> acquire(String requestId) {
    return acquire(requestId, true);
  }

  /**
   * A session for one turn. With {@code queue} false the pool serves only when it need not queue the caller
   * behind others (an idle session, or room to start one): otherwise it answers {@code POOL_BUSY} at once, so a
   * caller with several pools to choose from can try the next.
   */
  public Future<Lease> acquire(String requestId, boolean queue) {
    if (closed) {
      return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "The session pool for " + model + " is shutting down."));
    }
    PooledSession entry = idle.pollFirst();
    if (entry != null) {
      metrics.recordAcquireNanos(model, 0);
      return Future.succeededFuture(handOut(entry, requestId));
    }
    misses++;
    // The bound is on callers that must queue: those a warming or resetting session, or growth, will serve
    // do not count against it (maxWaiting 0 still lets the pool grow up to max).
    int servable = servableWithoutQueueing();
    if (!queue && waiters.size() >= servable) {
      return Future.failedFuture(busy("all " + model + " sessions of this pool are busy"));
    }
    if (waiters.size() >= settings.maxWaiting() + servable) {
      return Future.failedFuture(busy("all " + model + " sessions are busy and " + waiters.size() + " requests are already waiting"));
    }
    if (live.isEmpty() && starting == 0 && backingOff()) {
      return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE,
          "Sessions for " + model + " cannot start: " + lastError, null, retryAfterSeconds()));
    }
    Waiter waiter = new Waiter(requestId);
    waiters.addLast(waiter);
    waiter.timer = vertx.setTimer(settings.acquireTimeoutMs(), t -> {
      if (waiters.remove(waiter)) {
        waiter.promise.tryFail(busy("no " + model + " session became free within " + settings.acquireTimeoutMs() + " ms"));
      }
    });
    grow();
    return waiter.promise.future();
  }

  /**
   * Gives a session back after a turn. The session is reset after this returns, off the caller's clock,
   * unless it is due for recycling or no longer alive.
   */
  public void release(Lease lease) {
    if (!lease.markReturned()) {
      return;
    }
    PooledSession entry = lease.entry;
    entry.turns++;
    entry.holderRequestId = null;
    recordLatency(lease);
    if (entry.session.alive()) {
      releases++;
    }
    if (entry.retireOnReturn || closed) {
      retire(entry, CloseReason.MARKED_FOR_CLOSE);
    } else if (entry.turns >= settings.maxTurns()) {
      recycles++;
      retire(entry, CloseReason.PASSED_MAX_TURNS);
    } else if (!entry.session.alive()) {
      // Given back dead: it counts as discarded, not released (acquire == release + discard).
      discards++;
      retire(entry, CloseReason.SESSION_DEAD);
      replenish();
      return;
    } else {
      entry.moveTo(SessionState.RESETTING);
      Future<Void> resetting;
      try {
        resetting = entry.session.reset();
      } catch (RuntimeException e) {
        resetting = Future.failedFuture(e);
      }
      resetting.timeout(settings.resetTimeoutMs(), TimeUnit.MILLISECONDS).onComplete(ar -> onContext(() -> {
        if (entry.state != SessionState.RESETTING) {
          return;
        }
        if (ar.succeeded() && entry.session.alive()) {
          offer(entry);
        } else {
          // Counted as released already (the turn ended well); the replacement shows as a warm-up.
          log.warn("session {} of {} could not be reset ({}); closing it", entry.session.id(), model,
              ar.failed() ? ar.cause().getMessage() : "it died");
          retire(entry, CloseReason.RESET_FAILED);
          replenish();
        }
      }));
    }
    replenish();
  }

  /** Closes a session that failed and warms a replacement. */
  public void discard(Lease lease, CloseReason reason) {
    if (!lease.markReturned()) {
      return;
    }
    discards++;
    lease.entry.holderRequestId = null;
    recordLatency(lease);
    retire(lease.entry, reason);
    replenish();
  }

  /** Applies new limits: the pool grows at once and shrinks as sessions come back idle. */
  public void resize(PoolSettings next) {
    this.settings = next;
    trimIdle(0);
    replenish();
  }

  public PoolSettings settings() {
    return settings;
  }

  /**
   * Periodic care: replace idle sessions that died, refill to the minimum, trim idle extras, report leaked sessions. Never throws, so one
   * failure cannot stop the housekeeper.
   */
  public void housekeep() {
    try {
      evictDeadIdle();
      replenish();
      trimIdle(settings.idleTrimMs());
      reportLeaks();
    } catch (RuntimeException e) {
      log.error("housekeeping of the {} pool failed", model, e);
    }
  }

  public ModelPoolStats stats() {
    int busy = 0;
    for (PooledSession s : live) {
      if (s.state == SessionState.IN_USE || s.state == SessionState.RESETTING) {
        busy++;
      }
    }
    boolean ready = !live.isEmpty();
    return new ModelPoolStats(model, provider.name(), idle.size(), busy, starting, waiters.size(),
        new PoolCounters(acquires, releases, warmups, misses, recycles, discards, requests),
        latencySamples == 0 ? 0 : latencyTotalMs / latencySamples, latencySamples, ready,
        live.isEmpty() ? lastError : null);
  }

  /**
   * Stops serving without interrupting anyone: new callers are refused, waiting callers fail with
   * {@code UNAVAILABLE} (they may retry and reach the pool that replaces this one), idle sessions close now and
   * busy ones when their turn ends.
   */
  public void drain() {
    closed = true;
    Waiter w;
    while ((w = waiters.pollFirst()) != null) {
      vertx.cancelTimer(w.timer);
      w.promise.tryFail(new AxonException(ErrorKind.UNAVAILABLE, "The session pool for " + model + " was reconfigured; retry.", null, 1));
    }
    for (PooledSession entry : new ArrayList<>(idle)) {
      retire(entry, CloseReason.MARKED_FOR_CLOSE);
    }
    live.forEach(s -> s.retireOnReturn = true);
  }

  /** Fails waiting callers and closes every session, busy ones included. */
  public Future<Void> close() {
    closed = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    Waiter w;
    while ((w = waiters.pollFirst()) != null) {
      vertx.cancelTimer(w.timer);
      w.promise.tryFail(new AxonException(ErrorKind.UNAVAILABLE, "The session pool for " + model + " is shutting down."));
    }
    List<Future<Void>> closing = new ArrayList<>();
    for (PooledSession entry : new ArrayList<>(live)) {
      closing.add(retire(entry, CloseReason.POOL_CLOSED));
    }
    return Future.join(closing).mapEmpty();
  }

  // --- internals -------------------------------------------------------------------------------------------

  private Lease handOut(PooledSession entry, String requestId) {
    acquires++;
    entry.moveTo(SessionState.IN_USE);
    entry.holderRequestId = requestId;
    entry.leakReported = false;
    return new Lease(entry);
  }

  /** A session became ready: the longest-waiting caller gets it, else it goes idle. */
  private void offer(PooledSession entry) {
    if (closed || entry.retireOnReturn) {
      retire(entry, CloseReason.MARKED_FOR_CLOSE);
      return;
    }
    Waiter waiter = waiters.pollFirst();
    if (waiter != null) {
      vertx.cancelTimer(waiter.timer);
      metrics.recordAcquireNanos(model, System.nanoTime() - waiter.since);
      if (!waiter.promise.tryComplete(handOut(entry, waiter.requestId))) {
        entry.moveTo(SessionState.IDLE);
        idle.addLast(entry);
      }
      return;
    }
    entry.moveTo(SessionState.IDLE);
    idle.addLast(entry);
  }

  private Future<Void> retire(PooledSession entry, CloseReason reason) {
    if (entry.state == SessionState.RETIRED) {
      return Future.succeededFuture();
    }
    live.remove(entry);
    idle.remove(entry);
    entry.moveTo(SessionState.RETIRED);
    metrics.recordClose(model, reason);
    log.debug("closing session {} of {}: {} after {} turns", entry.session.id(), model, reason, entry.turns);
    return entry.session.close().recover(failure -> {
      log.warn("closing session {} of {} failed: {}", entry.session.id(), model, failure.getMessage());
      return Future.succeededFuture();
    });
  }

  /** Turns before {@code maxTurns} from which a session is leaving: a tenth of them (none below ten turns). */
  private int successorLead() {
    return settings.maxTurns() / 10;
  }

  /** In its last turns: its successor may warm beside it (see the class comment). */
  private boolean leaving(PooledSession entry) {
    return entry.turns >= settings.maxTurns() - successorLead();
  }

  /** Live sessions that are not leaving: what {@code size} and {@code max} bound. */
  private int staying() {
    int n = 0;
    for (PooledSession s : live) {
      if (!leaving(s)) {
        n++;
      }
    }
    return n;
  }

  /** Sessions being started or reset: each will serve a waiting caller soon. */
  private int comingBack() {
    int n = starting;
    for (PooledSession s : live) {
      if (s.state == SessionState.RESETTING) {
        n++;
      }
    }
    return n;
  }

  /** Callers that sessions now warming or resetting, plus those the pool may start now, will serve. */
  private int servableWithoutQueueing() {
    int room = backingOff() ? 0 : Math.max(0, settings.max() - staying() - starting);
    return comingBack() + room;
  }

  private void replenish() {
    ensureMinimum();
    grow();
  }

  /** Starts sessions until the pool holds its minimum. */
  private void ensureMinimum() {
    while (!closed && !backingOff() && staying() + starting < settings.size()) {
      startOne();
    }
  }

  /** Starts sessions for waiting callers that no warming or resetting session will serve, up to {@code max}. */
  private void grow() {
    int needed = waiters.size() - comingBack();
    while (needed > 0 && !closed && !backingOff() && staying() + starting < settings.max()) {
      startOne();
      needed--;
    }
  }

  private void startOne() {
    starting++;
    Future<Session> opening;
    try {
      opening = provider.open(model);
    } catch (RuntimeException e) {
      opening = Future.failedFuture(e);
    }
    opening.onComplete(ar -> onContext(() -> {
      starting--;
      if (ar.failed()) {
        onStartFailure(ar.cause());
        return;
      }
      Session session = ar.result();
      warmups++;
      startFailures = 0;
      lastError = null;
      if (closed) {
        session.close();
        return;
      }
      PooledSession entry = new PooledSession(session);
      live.add(entry);
      offer(entry);
    }));
  }

  private void onStartFailure(Throwable cause) {
    startFailures++;
    lastError = cause.getMessage();
    long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(startFailures - 1, 16));
    backoffUntilMs = System.currentTimeMillis() + backoff;
    log.warn("a {} session for {} failed to start ({} in a row): {}; next attempt in {} ms",
        provider.name(), model, startFailures, lastError, backoff);
    if (live.isEmpty() && starting == 0) {
      // Nobody will serve the waiting callers soon: tell them now instead of at their deadline.
      Waiter w;
      while ((w = waiters.pollFirst()) != null) {
        vertx.cancelTimer(w.timer);
        w.promise.tryFail(new AxonException(ErrorKind.UNAVAILABLE,
            "Sessions for " + model + " cannot start: " + lastError, null, retryAfterSeconds()));
      }
    }
    if (!closed) {
      // Each failure moves the end of the back-off: retry at the new end, not at an earlier failure's.
      if (retryTimer >= 0) {
        vertx.cancelTimer(retryTimer);
      }
      retryTimer = vertx.setTimer(backoff, t -> {
        retryTimer = -1;
        replenish();
      });
    }
  }

  private boolean backingOff() {
    return startFailures > 0 && System.currentTimeMillis() < backoffUntilMs;
  }

  private int retryAfterSeconds() {
    return (int) Math.max(1, (backoffUntilMs - System.currentTimeMillis() + 999) / 1000);
  }

  /**
   * Closes idle sessions above the pool size that have been idle for {@code idleForMs}, and any idle ones above
   * {@code max}; busy sessions above {@code max} are marked and close when they come back.
   */
  private void trimIdle(long idleForMs) {
    if (!waiters.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    List<PooledSession> extra = new ArrayList<>();
    int remaining = staying();
    for (PooledSession entry : idle) {
      if (remaining <= settings.size()) {
        break;
      }
      if (leaving(entry)) {
        continue; // its recycle is near anyway, and its successor may be the one idling
      }
      if (remaining + starting > settings.max() || now - entry.stateSinceMs >= idleForMs) {
        extra.add(entry);
        remaining--;
      }
    }
    extra.forEach(entry -> retire(entry, CloseReason.IDLE_TRIM));
    int excess = staying() + starting - settings.max();
    for (PooledSession s : live) {
      if (excess <= 0) {
        break;
      }
      if (s.state != SessionState.IDLE && !s.retireOnReturn && !leaving(s)) {
        s.retireOnReturn = true;
        excess--;
      }
    }
  }

  /** Idle sessions whose process or connection died while they waited are closed, so a replacement warms now. */
  private void evictDeadIdle() {
    List<PooledSession> dead = new ArrayList<>();
    for (PooledSession entry : idle) {
      if (!entry.session.alive()) {
        dead.add(entry);
      }
    }
    for (PooledSession entry : dead) {
      log.warn("idle session {} of {} is no longer alive; replacing it", entry.session.id(), model);
      discards++;
      retire(entry, CloseReason.SESSION_DEAD);
    }
  }

  private void reportLeaks() {
    if (settings.leakDetectionMs() <= 0) {
      return;
    }
    long now = System.currentTimeMillis();
    for (PooledSession s : live) {
      if (s.state == SessionState.IN_USE && !s.leakReported && now - s.stateSinceMs > settings.leakDetectionMs()) {
        s.leakReported = true;
        log.warn("session {} of {} held for {} ms by request {}: a turn that never ends, or a lease never given back",
            s.session.id(), model, now - s.stateSinceMs, s.holderRequestId);
      }
    }
  }

  private void recordLatency(Lease lease) {
    double ms = (System.nanoTime() - lease.acquiredAtNanos()) / 1e6;
    latencyTotalMs += ms;
    latencySamples++;
    metrics.recordTurnMillis(model, (long) ms);
  }

  private AxonException busy(String why) {
    return new AxonException(ErrorKind.POOL_BUSY, "The gateway is at capacity: " + why + ". Retry shortly.", null, 1);
  }

  /** Runs {@code action} at once on the pool's thread (its context or a duplicate of it), else on its context. */
  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context || (loop != null && Thread.currentThread() == loop)) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
