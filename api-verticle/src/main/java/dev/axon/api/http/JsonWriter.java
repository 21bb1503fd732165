package dev.axon.api.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.axon.common.json.Json;
import dev.axon.common.log.EncodedLine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Streams JSON straight into bytes with Jackson's generator: no intermediate trees on the hot path. Every dialect's renderers use it. */
public final class JsonWriter {

  @FunctionalInterface
  public interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private JsonWriter() {
  }

  public static byte[] bytes(Body body) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(512);
         JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      body.write(g);
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The body straight into a buffer: the generator's own (recycled) bytes are copied once, into the buffer, where
   * going through {@link #bytes} copied them three times (into a growing builder, out of it, into the buffer).
   */
  public static Buffer buffer(Body body) {
    ByteBuf out = VertxByteBufAllocator.DEFAULT.heapBuffer(1024);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator((OutputStream) new ByteBufOutputStream(out), JsonEncoding.UTF8)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return BufferInternal.buffer(out);
  }

  /**
   * The body as text, written as characters (no detour through UTF-8 bytes and back). As Jackson's own
   * {@code writeValueAsString}: the recycler the writer borrows goes back to its pool.
   */
  public static String string(Body body) {
    JsonFactory factory = Json.MAPPER.getFactory();
    BufferRecycler recycler = factory._getBufferRecycler();
    try (SegmentedStringWriter out = new SegmentedStringWriter(recycler);
         JsonGenerator g = factory.createGenerator(out)) {
      body.write(g);
      g.flush();
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      recycler.releaseToPool();
    }
  }

  /** Writes a string field, or null when the value is null. */
  public static void stringOrNull(JsonGenerator g, String name, String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }
}
