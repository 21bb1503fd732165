package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.http.JsonWriter;
import dev.axon.common.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The ways a body leaves {@link JsonWriter} (bytes, a buffer, a string) write the same JSON: escapes, characters
 * outside ASCII and bodies larger than the buffer's first size.
 */
class JsonWriterTest {

  private static final JsonWriter.Body BODY = g -> {
    g.writeStartObject();
    g.writeStringField("text", "line\nbreak, \"quotes\", tab\t, é, 東京, 🙂");
    g.writeNumberField("count", 42);
    g.writeNumberField("ratio", 0.125);
    JsonWriter.stringOrNull(g, "absent", null);
    g.writeBooleanField("flag", true);
    g.writeNullField("a \"quoted\" näme");
    g.writeArrayFieldStart("list");
    for (int i = 0; i < 300; i++) {
      g.writeString("item " + i + " ünïcödé");
    }
    g.writeEndArray();
    g.writeObjectFieldStart("inner");
    JsonWriter.stringOrNull(g, "text", "x");
    g.writeEndObject();
    g.writeEndObject();
  };

  @Test
  void aBufferHoldsTheBytes() {
    byte[] expected = JsonWriter.bytes(BODY);
    assertTrue(expected.length > 4096, "the body outgrows the buffer's first size");
    assertArrayEquals(expected, JsonWriter.buffer(BODY).getBytes());
  }

  /** The same JSON; only the escaping differs: the byte writer escapes a surrogate pair, the text keeps the emoji. */
  @Test
  void aStringHoldsTheSameJson() throws Exception {
    String text = JsonWriter.string(BODY);
    assertEquals(Json.MAPPER.readTree(JsonWriter.bytes(BODY)), Json.MAPPER.readTree(text));
    assertTrue(text.contains("東京, 🙂"), "characters outside ASCII are written as they are");
  }
}
