package dev.axon.store.valkey;

import dev.axon.store.StoreOptions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every command down one long-lived connection, pipelined, instead of leasing a pooled connection per command.
 *
 * <p>The pooled client holds a connection for the whole round trip of one command, so a store verticle could have at
 * most {@code maxPoolSize} commands in flight. Usage records leave after the response, without back-pressure, so under
 * load they queued for a connection until the pool's wait queue overflowed: at 64 connections through the
 * {@code anthropic} provider, 2.6 % of the requests went unmetered ({@code ConnectionPoolTooBusyException}), and the
 * failures' stack traces alone were 1.6 % of the event loop. Pipelined, commands wait only for Valkey, and those sent
 * in one event-loop pass leave in one write ({@link FlushCoalescing}), which Valkey reads in one go.
 *
 * <p>A connection that fails or closes is dropped, and the next command opens another (through the client, so
 * Sentinel and cluster modes find their servers as before); commands in flight on it fail, and the store's guard
 * reports them {@code UNAVAILABLE}. A connection that neither answers nor closes (a server that hangs, a peer gone
 * behind a firewall that drops packets) is dropped too, by a watchdog: with every command on one connection, keeping
 * it would fail them all until TCP gave up, minutes later. Confined to the store verticle's context, like the client.
 */
public final class PipelinedRedis implements Redis {

  private static final Logger log = LoggerFactory.getLogger(PipelinedRedis.class);
  /** How often the watchdog looks; a stall is noticed within the command timeout plus this. */
  static final long WATCH_PERIOD_MS = 250;

  private final Redis client;
  private final Vertx vertx;
  private final long watchdog;
  private volatile long stallMs;
  private Future<Line> line;

  PipelinedRedis(Vertx vertx, Redis client, StoreOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.stallMs = options.getCommandTimeoutMs();
    this.watchdog = vertx.setPeriodic(WATCH_PERIOD_MS, id -> watch());
  }

  /** Takes the new command timeout as the watchdog's bound. */
  public void reconfigure(StoreOptions next) {
    stallMs = next.getCommandTimeoutMs();
  }

  @Override
  public Future<Response> send(Request command) {
    return line().compose(l -> l.track(l.connection.send(command)));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return line().compose(l -> l.track(l.connection.batch(commands)));
  }

  /** A connection of its own, for a caller that needs one (a transaction, a subscription): not the shared one. */
  @Override
  public Future<RedisConnection> connect() {
    return client.connect();
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(watchdog);
    Future<Line> open = line;
    line = null;
    Future<Void> closing = open != null && open.succeeded() ? open.result().connection.close().recover(e -> Future.succeededFuture()) : Future.succeededFuture();
    return closing.eventually(client::close);
  }

  private Future<Line> line() {
    Future<Line> current = line;
    if (current != null && !current.failed()) {
      return current;
    }
    Future<Line> opening = client.connect().map(c -> {
      Line l = new Line(c);
      FlushCoalescing.install(c);
      c.exceptionHandler(e -> drop(l));
      c.endHandler(v -> drop(l));
      return l;
    });
    line = opening;
    return opening;
  }

  /** A connection that failed or closed: given back to the client, whose pool discards it. */
  private void drop(Line l) {
    Future<Line> current = line;
    if (current != null && current.succeeded() && current.result() == l) {
      line = null;
    }
    l.giveBack();
  }

  /**
   * Drops the connection when commands wait on it and none has been answered for longer than the command timeout (plus
   * a period, so that a slow but healthy command is never the cause): their callers have had their 503s already.
   *
   * <p>It is set aside rather than closed: closing a pooled connection only gives it back to the client's pool, which
   * would hand the same hung socket to the next command. Kept leased, it makes the pool open another; it is given back
   * once it has answered what waits on it (a server that resumed) or failed (TCP gave up). The pool's size bounds how
   * many can be set aside during a long outage.
   */
  private void watch() {
    Future<Line> current = line;
    if (current == null || !current.succeeded()) {
      return;
    }
    Line l = current.result();
    long now = System.nanoTime();
    if (l.inFlight == 0 || l.answered != l.answeredAtLastLook) {
      l.answeredAtLastLook = l.answered;
      l.quietSince = now;
    } else if (now - l.quietSince > TimeUnit.MILLISECONDS.toNanos(stallMs + WATCH_PERIOD_MS)) {
      log.warn("Valkey connection gave no reply in {} ms with {} commands waiting; opening another",
          TimeUnit.NANOSECONDS.toMillis(now - l.quietSince), l.inFlight);
      line = null;
      l.setAside = true;
    }
  }

  /** The shared connection and what the watchdog needs: two counters per command, no clock read. */
  private static final class Line {
    final RedisConnection connection;
    int inFlight;
    long answered;
    long answeredAtLastLook;
    long quietSince = System.nanoTime();
    /** Set aside by the watchdog: given back once nothing waits on it any more. */
    boolean setAside;
    /** Given back to the client's pool: a lease may be given back only once (a second time throws). */
    boolean givenBack;
    final Handler<AsyncResult<Object>> answer = done -> answered();

    Line(RedisConnection connection) {
      this.connection = connection;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    <T> Future<T> track(Future<T> command) {
      inFlight++;
      return command.onComplete((Handler) answer);
    }

    private void answered() {
      answered++;
      if (--inFlight == 0 && setAside) {
        giveBack();
      }
    }

    /** Closes the pooled connection once, whichever of its failure, its end or its last answer comes first. */
    void giveBack() {
      if (!givenBack) {
        givenBack = true;
        connection.close();
      }
    }
  }
}
