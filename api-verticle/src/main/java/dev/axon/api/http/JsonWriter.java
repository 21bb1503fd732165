package dev.axon.api.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.axon.common.json.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

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

  public static Buffer buffer(Body body) {
    return Buffer.buffer(bytes(body));
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
