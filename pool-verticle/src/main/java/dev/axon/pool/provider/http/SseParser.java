package dev.axon.pool.provider.http;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An incremental {@code text/event-stream} parser: feed it the body's buffers as they arrive, it calls back once per
 * complete event with the event's name (null when the event had no {@code event:} line) and its data ({@code data:}
 * lines joined with newlines). Lines may end in LF, CRLF or CR and may be split anywhere across buffers, multi-byte
 * characters included; comment lines ({@code :...}) are ignored; an event without data is not dispatched.
 *
 * <p>Not thread-safe: one parser per response.
 */
public final class SseParser {

  /** Receives each complete event. */
  @FunctionalInterface
  public interface Listener {
    void onEvent(String event, String data);
  }

  private final Listener listener;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean lastWasCr;
  private String event;
  private StringBuilder data;

  public SseParser(Listener listener) {
    this.listener = listener;
  }

  /** Parses the next piece of the body, dispatching every event it completes. */
  public void feed(Buffer buffer) {
    byte[] bytes = buffer.getBytes();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\n' || b == '\r') {
        if (b == '\n' && lastWasCr && i == start && line.size() == 0) {
          // The LF of a CRLF whose CR ended the previous buffer (or the previous byte).
          lastWasCr = false;
          start = i + 1;
          continue;
        }
        line.write(bytes, start, i - start);
        endLine();
        lastWasCr = b == '\r';
        start = i + 1;
        if (b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
          i++;
          start = i + 1;
          lastWasCr = false;
        }
      } else {
        lastWasCr = false;
      }
    }
    if (start < bytes.length) {
      line.write(bytes, start, bytes.length - start);
    }
  }

  /** The end of the body: an event not closed by a blank line is dispatched as the SSE spec says it is not; dropped. */
  public void end() {
    line.reset();
    event = null;
    data = null;
  }

  private void endLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event":
        event = value;
        break;
      case "data":
        if (data == null) {
          data = new StringBuilder(value.length());
        } else {
          data.append('\n');
        }
        data.append(value);
        break;
      default:
        break;
    }
  }

  private void dispatch() {
    String name = event;
    StringBuilder payload = data;
    event = null;
    data = null;
    if (payload != null) {
      listener.onEvent(name, payload.toString());
    }
  }
}
