package dev.axon.common.bus;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/** Carries a typed error across JVMs: kind, retry-after, param and message. */
public final class AxonExceptionCodec implements MessageCodec<AxonException, AxonException> {

  @Override
  public void encodeToWire(Buffer buffer, AxonException e) {
    buffer.appendInt(e.kind().ordinal());
    buffer.appendInt(e.retryAfterSeconds() == null ? -1 : e.retryAfterSeconds());
    appendString(buffer, e.param());
    appendString(buffer, e.getMessage());
  }

  @Override
  public AxonException decodeFromWire(int pos, Buffer buffer) {
    ErrorKind kind = ErrorKind.ofOrdinal(buffer.getInt(pos));
    int retry = buffer.getInt(pos + 4);
    int[] cursor = {pos + 8};
    String param = readString(buffer, cursor);
    String message = readString(buffer, cursor);
    return new AxonException(kind, message, param, retry < 0 ? null : retry);
  }

  private static void appendString(Buffer buffer, String s) {
    if (s == null) {
      buffer.appendInt(-1);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String readString(Buffer buffer, int[] cursor) {
    int length = buffer.getInt(cursor[0]);
    cursor[0] += 4;
    if (length < 0) {
      return null;
    }
    String s = buffer.getString(cursor[0], cursor[0] + length, "UTF-8");
    cursor[0] += length;
    return s;
  }

  @Override
  public AxonException transform(AxonException e) {
    return e;
  }

  @Override
  public String name() {
    return "axon.AxonException";
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
