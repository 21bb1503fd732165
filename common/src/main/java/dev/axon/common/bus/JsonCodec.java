package dev.axon.common.bus;

import dev.axon.common.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Codec for an immutable contract record. Within one JVM the record itself is delivered (no copy: records
 * and their lists are immutable); across JVMs it travels as length-prefixed JSON.
 */
public final class JsonCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;
  private final String name;

  public JsonCodec(Class<T> type) {
    this.type = type;
    this.name = "axon." + type.getSimpleName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    byte[] bytes = Json.toBytes(value);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return Json.fromBytes(buffer.getBytes(pos + 4, pos + 4 + length), type);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
