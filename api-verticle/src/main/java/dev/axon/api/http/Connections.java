package dev.axon.api.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.concurrent.TimeUnit;

/**
 * Cutting a client off. {@link HttpConnection#close()} is graceful in Vert.x 5: it waits for the request in progress,
 * which is exactly what a slow client never finishes; a shutdown with a 1 ms grace closes the connection at once
 * whatever is in progress on it.
 */
public final class Connections {

  private Connections() {
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
