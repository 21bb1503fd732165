package dev.axon.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Splits a streamed body into lines as buffers arrive, whatever their boundaries. */
final class SseLines {

  private final Consumer<String> onLine;
  private final StringBuilder pending = new StringBuilder();

  SseLines(Consumer<String> onLine) {
    this.onLine = onLine;
  }

  void accept(Buffer buffer) {
    pending.append(buffer.toString(StandardCharsets.UTF_8));
    int nl;
    while ((nl = pending.indexOf("\n")) >= 0) {
      String line = pending.substring(0, nl);
      pending.delete(0, nl + 1);
      onLine.accept(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
  }

  static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
