package dev.axon.api.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts slow clients without waiting on them (slowloris and its slow-body variant):
 * <ul>
 *   <li>a connection with no request in progress is closed after {@code headersTimeoutMs}: a new connection must
 *       have sent complete request headers by then, and a keep-alive connection idle that long goes too;</li>
 *   <li>a request whose body has not fully arrived {@code bodyTimeoutMs} after its headers has its connection
 *       closed.</li>
 * </ul>
 * While a request is being answered nothing is timed here (a long completion may be silent for minutes; the turn's
 * own timeouts and {@link StreamGuard} bound that). Install {@link #connected} as the server's connection handler and
 * this as the router's first handler. Memory is one small entry per open connection.
 *
 * <p>A request does not touch the idle timer: it only notes when its connection fell idle, and the timer, when it
 * fires, closes the connection or waits out the rest of the timeout from that moment. Cancelling and re-arming it
 * for every request was 3 % of the event loop at load. Nor does a request arm a timer for its body: it notes that its
 * body is pending, and one sweep per instance (every quarter of the body timeout, at most every second) closes the
 * connections whose body is late, so a late body is cut within a quarter of the timeout after it.
 *
 * <p>Threading: each connection's events come on the context of the verticle instance whose server accepted it, and
 * every instance has its own; confined to that context.
 */
public final class ConnectionDeadlines implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionDeadlines.class);

  private final Vertx vertx;
  private final LongSupplier headersTimeoutMs;
  private final LongSupplier bodyTimeoutMs;
  private final Map<HttpConnection, Entry> connections = new IdentityHashMap<>();

  private static final class Entry {
    long timer = -1;
    int active;
    boolean closed;
    /** {@link System#nanoTime()} when the last request ended (or the connection opened). */
    long idleSince = System.nanoTime();
    /** The request whose body has not fully arrived yet, if any, and since when (its headers' arrival). */
    RoutingContext bodyPending;
    long bodyPendingSince;
  }

  /** Call on the context that serves the connections: the body sweep runs there. */
  public ConnectionDeadlines(Vertx vertx, LongSupplier headersTimeoutMs, LongSupplier bodyTimeoutMs) {
    this.vertx = vertx;
    this.headersTimeoutMs = headersTimeoutMs;
    this.bodyTimeoutMs = bodyTimeoutMs;
    scheduleBodySweep();
  }

  /** The server's connection handler: the new connection must send a request within the headers timeout. */
  public void connected(HttpConnection connection) {
    Entry entry = new Entry();
    connections.put(connection, entry);
    connection.closeHandler(v -> {
      entry.closed = true;
      cancel(entry);
      connections.remove(connection);
    });
    arm(connection, entry, headersTimeoutMs.getAsLong());
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    HttpConnection connection = request.connection();
    Entry entry = connection == null ? null : connections.get(connection);
    if (entry != null) {
      entry.active++;
      if (!request.isEnded()) {
        entry.bodyPending = rc;
        entry.bodyPendingSince = System.nanoTime();
      }
      rc.addEndHandler(v -> {
        if (entry.bodyPending == rc) {
          entry.bodyPending = null;
        }
        if (--entry.active == 0) {
          entry.idleSince = System.nanoTime();
          if (entry.timer < 0 && !entry.closed) {
            arm(connection, entry, headersTimeoutMs.getAsLong());
          }
        }
      });
    }
    rc.next();
  }

  private void scheduleBodySweep() {
    long period = Math.max(10, Math.min(1_000, bodyTimeoutMs.getAsLong() / 4));
    vertx.setTimer(period, t -> {
      sweepBodies();
      scheduleBodySweep();
    });
  }

  /** Closes the connections whose pending body is past the body timeout; forgets bodies that have arrived. */
  private void sweepBodies() {
    long now = System.nanoTime();
    long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMs.getAsLong());
    List<HttpConnection> late = null;
    for (Map.Entry<HttpConnection, Entry> e : connections.entrySet()) {
      Entry entry = e.getValue();
      RoutingContext rc = entry.bodyPending;
      if (rc == null) {
        continue;
      }
      if (rc.request().isEnded()) {
        entry.bodyPending = null;
      } else if (now - entry.bodyPendingSince >= timeoutNanos) {
        log.debug("request {} sent its body too slowly; closing its connection", RequestIds.of(rc));
        entry.bodyPending = null;
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(e.getKey());
      }
    }
    // Closed after the walk: a close handler removes its connection from the map.
    if (late != null) {
      late.forEach(Connections::forceClose);
    }
  }

  /** Open connections being watched (for tests and stats). */
  public int watched() {
    return connections.size();
  }

  /**
   * Times the connection's idleness. On firing: a connection serving a request is left alone (its last request's end
   * arms the timer again); one idle for the whole timeout is closed; one that fell idle later waits out the rest.
   */
  private void arm(HttpConnection connection, Entry entry, long delayMs) {
    entry.timer = vertx.setTimer(Math.max(1, delayMs), t -> {
      entry.timer = -1;
      if (entry.active > 0 || entry.closed) {
        return;
      }
      long left = headersTimeoutMs.getAsLong() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - entry.idleSince);
      if (left <= 0) {
        Connections.forceClose(connection);
      } else {
        arm(connection, entry, left);
      }
    });
  }

  private void cancel(Entry entry) {
    if (entry.timer >= 0) {
      vertx.cancelTimer(entry.timer);
      entry.timer = -1;
    }
  }
}
