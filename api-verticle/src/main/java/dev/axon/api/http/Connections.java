package dev.axon.api.http;

import dev.axon.common.net.Flushes;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * What the HTTP edge does to its connections: responses written in one event-loop pass leave together
 * ({@link #coalesceFlushes}), a stream's chunks as they come ({@link #flushPromptly}), and a client can be cut off.
 * {@link HttpConnection#close()} is graceful in Vert.x 5: it waits for the request in progress, which is exactly what
 * a slow client never finishes; a shutdown with a 1 ms grace closes the connection at once whatever is in progress on
 * it.
 */
public final class Connections {

  private Connections() {
  }

  /**
   * Holds a connection's flushes until the event loop's queued tasks have run ({@link Flushes}). A gateway writes its
   * responses outside the connection's read (the reply comes back over the event bus), and Vert.x flushes such a
   * write at once: each response a {@code writev} that woke the client for that one response. Against {@code wrk} at
   * 64 connections the client made 1.45 {@code epoll_wait} calls and 0.52 context switches a request (0.73 and 0.15
   * against a server answering inside its reads); coalesced, 1.06 and 0.41, and the gateway served 7–31 % more
   * requests a second in three sets of interleaved rounds. Call from the server's connection handler; a connection
   * type this Vert.x does not expose flushes as before ({@code ConnectionsTest} holds this Vert.x to it).
   */
  public static void coalesceFlushes(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      Flushes.coalesce(base.channelHandlerContext().pipeline());
    }
  }

  /**
   * Lets a stream's chunks leave as they come, for the rest of the connection's life: held behind the loop's queued
   * tasks, each chunk waited for other requests' work (the benchmark's relay delay p99 went from 0.73–0.91 to 1.01 ms).
   * Call on the connection's event loop before the stream's first write.
   */
  public static void flushPromptly(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      Flushes.stop(base.channelHandlerContext().pipeline());
    }
  }

  /** Closes the connection now, whatever request or response is in progress on it. */
  public static void forceClose(HttpConnection connection) {
    if (connection != null) {
      connection.shutdown(1, TimeUnit.MILLISECONDS);
    }
  }

  /** Ends one request's exchange now: its stream on HTTP/2 (the connection's other streams go on), its connection on HTTP/1. */
  public static void cut(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      request.response().reset();
    } else {
      forceClose(request.connection());
    }
  }
}
