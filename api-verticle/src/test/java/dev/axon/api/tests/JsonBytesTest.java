package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.api.http.JsonBytes;
import dev.axon.api.http.JsonWriter;
import dev.axon.common.log.EncodedLine;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonBytes} writes the bytes Jackson's generator wrote for the same fields (strings escaped alike, numbers
 * alike), and durations as the access log wrote them: rounded to the microsecond, as Double.toString writes that
 * double (below 10^7 ms, where Double.toString turns to exponents).
 */
class JsonBytesTest {

  private static final byte[] S = JsonBytes.firstName("s");
  private static final byte[] END = JsonBytes.constant("}");
  private static final byte[] MS = JsonBytes.firstName("ms");

  @Test
  void stringsAreEscapedAsJacksonEscapesThem() {
    String[] samples = {"", "plain", "a \"quote\"", "back\\slash", "line\nfeed\ttab\r\b\f", "\u0000\u0001\u001f\u007f",
        "é café", "emoji 🙂 pair", "\u2028\u2029", "</script>", "mixed \"é\" \\ 🙂\n"};
    for (String s : samples) {
      assertEquals(jackson(s), line(s), "for [" + s + "]");
    }
    SplittableRandom random = new SplittableRandom(11);
    char[] alphabet = {'a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\u0001', '\u007f', '\u0080', 'é', '\u20ac', '\uD83D', '\uDE42'};
    for (int n = 0; n < 20_000; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        char c = alphabet[random.nextInt(alphabet.length)];
        if (c == '\uD83D') {
          s.append("\uD83D\uDE42");
        } else if (c != '\uDE42') {
          s.append(c);
        }
      }
      assertEquals(jackson(s.toString()), line(s.toString()), "for [" + s + "]");
    }
  }

  @Test
  void namesAreWrittenEscaped() {
    assertEquals("{\"a \\\"quoted\\\" näme\":1,\"b\":2}", new String(JsonBytes.pooled().raw(JsonBytes.firstName("a \"quoted\" näme"))
        .number(1).raw(JsonBytes.name("b")).number(2).raw(END).toByteArray(), StandardCharsets.UTF_8));
  }

  @Test
  void aLoneSurrogateStillGivesALine() {
    String written = line("bad \uD83D end");
    assertEquals("bad \uFFFD end", new JsonObject(written).getString("s"));
  }

  @Test
  void numbersAndLiterals() {
    long[] values = {0, 1, 9, 10, 99, 100, 12345, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE};
    for (long v : values) {
      assertEquals("{\"s\":" + v + "}", text(JsonBytes.pooled().raw(S).number(v).raw(END).line()));
    }
    assertEquals("{\"s\":true,\"t\":false,\"u\":null}", text(JsonBytes.pooled().raw(S).bool(true).raw(JsonBytes.name("t")).bool(false)
        .raw(JsonBytes.name("u")).stringOrNull(null).raw(END).line()));
  }

  @Test
  void numbersAroundEachPowerOfTenAndTheIntBoundary() {
    List<Long> values = new ArrayList<>(List.of((long) Integer.MAX_VALUE - 1, (long) Integer.MAX_VALUE, (long) Integer.MAX_VALUE + 1,
        Long.MAX_VALUE - 1, Long.MIN_VALUE + 1));
    for (long p = 1; p <= Long.MAX_VALUE / 10; p *= 10) {
      values.addAll(List.of(p - 1, p, p + 1, -p, p * 10 - 1));
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      values.add(random.nextLong() >> random.nextInt(64));
    }
    for (long v : values) {
      assertEquals("{\"s\":" + v + "}", text(JsonBytes.pooled().raw(S).number(v).raw(END).line()), "for " + v);
    }
  }

  @Test
  void writesTheRoundedDurationsDigits() {
    double[] edges = {0, -0.0, 0.0004, 0.0005, 0.001, 0.01, 0.1, 0.5, 1, 1.5, 1.25, 1.05, 12, 12.0004, 12.0005, 99.9995,
        0.377, 2.098, 1000, 123456.789, 9_999_999.999, -0.0004, -0.0006, -1.5, -123.4567};
    for (double ms : edges) {
      assertEquals(expected(ms), millis(ms), "for " + ms);
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      double ms = random.nextDouble() * Math.pow(10, random.nextInt(-4, 7)) * (random.nextInt(10) == 0 ? -1 : 1);
      assertEquals(expected(ms), millis(ms), "for " + ms);
    }
  }

  @Test
  void farOutOfRangeValuesStillWriteANumber() {
    assertEquals("{\"ms\":1.0E13}", millis(1e13));
  }

  @Test
  void aLineLongerThanExpectedGrows() {
    String longText = "x".repeat(5000);
    assertEquals(jackson(longText), line(longText));
  }

  @Test
  void theScratchBufferIsNeverHandedOutNorShared() {
    EncodedLine first = JsonBytes.pooled().raw(S).string("1234").raw(END).line();
    EncodedLine second = JsonBytes.pooled().raw(S).string("abcd").raw(END).line();
    assertEquals("{\"s\":\"1234\"}", text(first), "each line is a copy of its own");
    assertEquals("{\"s\":\"abcd\"}", text(second));
    JsonBytes outer = JsonBytes.pooled().raw(S).string("outer");
    EncodedLine inner = JsonBytes.pooled().raw(S).string("inner").raw(END).line();
    assertEquals("{\"s\":\"outer\"}", text(outer.raw(END).line()), "one written within another has its own array");
    assertEquals("{\"s\":\"inner\"}", text(inner));
    JsonBytes large = JsonBytes.pooled().raw(S).string("y".repeat(100_000));
    assertEquals(100_007, large.toByteArray().length, "{\"s\":\", the text and its quote");
    assertEquals("{\"s\":\"z\"}", new String(JsonBytes.pooled().raw(S).string("z").raw(END).toByteArray(), StandardCharsets.UTF_8));
  }

  private static String expected(double ms) {
    double rounded = Math.round(ms * 1000) / 1000.0;
    return "{\"ms\":" + (rounded == 0 ? "0.0" : Double.toString(rounded)) + "}";
  }

  private static String millis(double ms) {
    return text(JsonBytes.pooled().raw(MS).millis(ms).raw(END).line());
  }

  private static String line(String s) {
    return text(JsonBytes.pooled().raw(S).string(s).raw(END).line());
  }

  private static String jackson(String s) {
    return JsonWriter.string(g -> {
      g.writeStartObject();
      g.writeStringField("s", s);
      g.writeEndObject();
    });
  }

  /** The line without its line feed, which every line ends in. */
  private static String text(EncodedLine line) {
    byte[] b = line.bytes();
    assertEquals('\n', b[b.length - 1]);
    return new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
  }
}
