package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.api.http.JsonLine;
import dev.axon.api.http.JsonWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonLine} writes exactly what Jackson's generator writes for the same fields (the access line moved to it). */
class JsonLineTest {

  @Test
  void everyKindOfFieldIsWrittenAsJacksonWritesIt() {
    String expected = JsonWriter.string(g -> {
      g.writeStartObject();
      g.writeStringField("text", "line\nbreak, \"quotes\", back\\slash, tab\t, \b\f\r, \u0001\u001f\u007f, é, 東京, 🙂");
      g.writeNumberField("count", 42L);
      g.writeNumberField("negative", -7L);
      g.writeNumberField("ratio", 0.125);
      g.writeNumberField("ms", 12.345);
      g.writeNumberField("whole", 3.0);
      g.writeNumberField("large", 86_400_000.5);
      g.writeBooleanField("flag", false);
      g.writeNullField("absent");
      g.writeNullField("nullString");
      g.writeEndObject();
    });
    String line = new JsonLine(8)
        .string("text", "line\nbreak, \"quotes\", back\\slash, tab\t, \b\f\r, \u0001\u001f\u007f, é, 東京, 🙂")
        .number("count", 42L)
        .number("negative", -7L)
        .number("ratio", 0.125)
        .number("ms", 12.345)
        .number("whole", 3.0)
        .number("large", 86_400_000.5)
        .bool("flag", false)
        .nullValue("absent")
        .string("nullString", null)
        .end();
    assertEquals(expected, line);
  }

  @Test
  void randomStringsAndMillisecondsMatchJackson() {
    Random random = new Random(7);
    char[] alphabet = {'a', 'Z', ' ', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u0007', '\u001b', '\u007f',
        '\u00e9', '\u2028', '\ud83d', '\ude42', '東'};
    for (int n = 0; n < 2000; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(24); i > 0; i--) {
        s.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = s.toString();
      double ms = Math.round(random.nextDouble() * Math.pow(10, random.nextInt(9))) / 1000.0;
      String expected = JsonWriter.string(g -> {
        g.writeStartObject();
        g.writeStringField("s", text);
        g.writeNumberField("ms", ms);
        g.writeEndObject();
      });
      assertEquals(expected, new JsonLine(16).string("s", text).number("ms", ms).end(), "for [" + text + "] and " + ms);
    }
  }
}
