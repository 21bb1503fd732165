package dev.axon.api.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Bounds what a streamed response may pile up for a client that stopped reading. Writes go through {@link #write};
 * once the response's write queue is full, the stream is cut if it stays full longer than {@code stallTimeoutMs}
 * or if more than {@code bufferLimitBytes} are written into it meanwhile. Cutting tells the exchange (which cancels
 * the turn and releases its session and lock) and closes the connection (resets the stream on HTTP/2), which ends the
 * response and so releases the key's concurrency slot.
 * Confined to the response's context.
 */
public final class StreamGuard {

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final long stallTimeoutMs;
  private final long bufferLimitBytes;
  private final Runnable onCut;
  private long stalledBytes;
  private long timer = -1;
  private boolean cut;

  /**
   * @param onCut told once when the stream is cut, before the connection closes (cancel the turn, release what it holds)
   */
  public StreamGuard(Vertx vertx, HttpServerRequest request, long stallTimeoutMs, long bufferLimitBytes, Runnable onCut) {
    this.onCut = onCut;
    this.vertx = vertx;
    this.request = request;
    this.response = request.response();
    this.stallTimeoutMs = stallTimeoutMs;
    this.bufferLimitBytes = bufferLimitBytes;
  }

  /** Writes the chunk unless the stream was cut or has ended. */
  public void write(Buffer chunk) {
    if (cut || response.closed() || response.ended()) {
      return;
    }
    if (timer >= 0) {
      stalledBytes += chunk.length();
      if (stalledBytes > bufferLimitBytes) {
        cut();
        return;
      }
    }
    response.write(chunk);
    if (timer < 0 && response.writeQueueFull()) {
      stalledBytes = 0;
      timer = vertx.setTimer(stallTimeoutMs, t -> {
        timer = -1;
        cut();
      });
      response.drainHandler(v -> {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
          timer = -1;
        }
      });
    }
  }

  /** Whether the stream was cut for a client that did not read. */
  public boolean wasCut() {
    return cut;
  }

  private void cut() {
    if (cut || response.ended() || response.closed()) {
      return;
    }
    cut = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    onCut.run();
    Connections.cut(request);
  }
}
