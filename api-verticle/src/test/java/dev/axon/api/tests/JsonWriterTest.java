package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.http.JsonField;
import dev.axon.api.http.JsonWriter;
import dev.axon.common.json.Json;
import dev.axon.common.log.EncodedLine;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ways a body leaves {@link JsonWriter} (bytes, a buffer, a log line, a string) write the same JSON, pre-encoded
 * {@link JsonField} names included: escapes, characters outside ASCII and bodies larger than the buffer's first size.
 */
class JsonWriterTest {

  private static final JsonField TEXT = JsonField.of("text");
  private static final JsonField COUNT = JsonField.of("count");
  private static final JsonField RATIO = JsonField.of("ratio");
  private static final JsonField ABSENT = JsonField.of("absent");
  private static final JsonField FLAG = JsonField.of("flag");
  private static final JsonField LIST = JsonField.of("list");
  private static final JsonField INNER = JsonField.of("inner");
  private static final JsonField QUOTED = JsonField.of("a \"quoted\" näme");

  private static final JsonWriter.Body BODY = g -> {
    g.writeStartObject();
    TEXT.string(g, "line\nbreak, \"quotes\", tab\t, é, 東京, 🙂");
    COUNT.number(g, 42);
    RATIO.number(g, 0.125);
    ABSENT.stringOrNull(g, null);
    FLAG.bool(g, true);
    QUOTED.nullValue(g);
    LIST.startArray(g);
    for (int i = 0; i < 300; i++) {
      g.writeString("item " + i + " ünïcödé");
    }
    g.writeEndArray();
    INNER.startObject(g);
    TEXT.stringOrNull(g, "x");
    g.writeEndObject();
    g.writeEndObject();
  };

  @Test
  void aBufferHoldsTheBytes() {
    byte[] expected = JsonWriter.bytes(BODY);
    assertTrue(expected.length > 4096, "the body outgrows the buffer's first size");
    assertArrayEquals(expected, JsonWriter.buffer(BODY).getBytes());
  }

  @Test
  void aLineHoldsTheBytesAndALineFeedInOneArray() {
    JsonWriter.Body big = g -> {
      g.writeStartArray();
      for (int i = 0; i < 4; i++) {
        BODY.write(g);
      }
      g.writeEndArray();
    };
    for (JsonWriter.Body body : List.<JsonWriter.Body>of(g -> g.writeString("x"), BODY, big)) {
      byte[] json = JsonWriter.bytes(body);
      byte[] expected = Arrays.copyOf(json, json.length + 1);
      expected[json.length] = '\n';
      EncodedLine line = JsonWriter.line(body);
      assertArrayEquals(expected, line.bytes());
      assertEquals(new String(json, StandardCharsets.UTF_8), line.toString());
    }
    assertTrue(JsonWriter.bytes(big).length > 16_000, "the generator hands over its bytes more than once");
  }

  /** The same JSON; only the escaping differs: the byte writer escapes a surrogate pair, the text keeps the emoji. */
  @Test
  void aStringHoldsTheSameJson() throws Exception {
    String text = JsonWriter.string(BODY);
    assertEquals(Json.MAPPER.readTree(JsonWriter.bytes(BODY)), Json.MAPPER.readTree(text));
    assertTrue(text.contains("東京, 🙂"), "characters outside ASCII are written as they are");
  }

  @Test
  void fieldsWriteTheirNamesEscaped() {
    String json = JsonWriter.string(g -> {
      g.writeStartObject();
      QUOTED.string(g, "v");
      ABSENT.stringOrNull(g, null);
      COUNT.number(g, 7L);
      g.writeEndObject();
    });
    assertEquals("{\"a \\\"quoted\\\" näme\":\"v\",\"absent\":null,\"count\":7}", json);
  }
}
