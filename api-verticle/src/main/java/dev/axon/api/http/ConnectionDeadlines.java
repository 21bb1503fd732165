package dev.axon.api.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
import java.util.Map;
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
  }

  public ConnectionDeadlines(Vertx vertx, LongSupplier headersTimeoutMs, LongSupplier bodyTimeoutMs) {
    this.vertx = vertx;
    this.headersTimeoutMs = headersTimeoutMs;
    this.bodyTimeoutMs = bodyTimeoutMs;
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
    arm(connection, entry);
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    HttpConnection connection = request.connection();
    Entry entry = connection == null ? null : connections.get(connection);
    if (entry != null) {
      cancel(entry);
      entry.active++;
      rc.addEndHandler(v -> {
        entry.active--;
        if (entry.active == 0 && !entry.closed) {
          arm(connection, entry);
        }
      });
    }
    if (!request.isEnded()) {
      long bodyTimer = vertx.setTimer(bodyTimeoutMs.getAsLong(), t -> {
        if (!request.isEnded() && connection != null) {
          log.debug("request {} sent its body too slowly; closing its connection", RequestIds.of(rc));
          Connections.forceClose(connection);
        }
      });
      rc.addEndHandler(v -> vertx.cancelTimer(bodyTimer));
    }
    rc.next();
  }

  /** Open connections being watched (for tests and stats). */
  public int watched() {
    return connections.size();
  }

  private void arm(HttpConnection connection, Entry entry) {
    cancel(entry);
    entry.timer = vertx.setTimer(headersTimeoutMs.getAsLong(), t -> {
      entry.timer = -1;
      if (entry.active == 0 && !entry.closed) {
        Connections.forceClose(connection);
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
