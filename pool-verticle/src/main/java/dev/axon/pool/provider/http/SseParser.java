package dev.axon.pool.provider.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
  /** The current line's bytes (a plain array: this runs once per upstream event, on the pool's event loop). */
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean lastWasCr;
  private String event;
  /** The event's first data line; later ones go to {@link #moreData} (rare: Anthropic and OpenAI send one). */
  private String data;
  private StringBuilder moreData;

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
        if (b == '\n' && lastWasCr && i == start && lineLength == 0) {
          // The LF of a CRLF whose CR ended the previous buffer (or the previous byte).
          lastWasCr = false;
          start = i + 1;
          continue;
        }
        append(bytes, start, i - start);
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
      append(bytes, start, bytes.length - start);
    }
  }

  private void append(byte[] bytes, int from, int length) {
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
    }
    System.arraycopy(bytes, from, line, lineLength, length);
    lineLength += length;
  }

  /** The end of the body: an event not closed by a blank line is dispatched as the SSE spec says it is not; dropped. */
  public void end() {
    lineLength = 0;
    event = null;
    data = null;
    moreData = null;
  }

  private void endLine() {
    int length = lineLength;
    lineLength = 0;
    if (length == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') {
      return;
    }
    int colon = 0;
    while (colon < length && line[colon] != ':') {
      colon++;
    }
    int valueStart = Math.min(length, colon + 1);
    if (valueStart < length && line[valueStart] == ' ') {
      valueStart++;
    }
    if (field(colon, "data")) {
      String value = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
      if (data == null) {
        data = value;
      } else {
        if (moreData == null) {
          moreData = new StringBuilder(data);
        }
        moreData.append('\n').append(value);
      }
    } else if (field(colon, "event")) {
      event = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
    }
  }

  /** Whether the line's field name (its first {@code nameLength} bytes) is {@code name}. */
  private boolean field(int nameLength, String name) {
    if (nameLength != name.length()) {
      return false;
    }
    for (int i = 0; i < nameLength; i++) {
      if (line[i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void dispatch() {
    String name = event;
    String payload = moreData != null ? moreData.toString() : data;
    event = null;
    data = null;
    moreData = null;
    if (payload != null) {
      listener.onEvent(name, payload);
    }
  }
}
