package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.api.http.JsonField;
import dev.axon.api.http.JsonWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonField#millis} writes what the access log wrote before it: the duration rounded to the microsecond, as
 * Double.toString writes that double (below 10^7 ms, where Double.toString turns to exponents).
 */
class JsonFieldMillisTest {

  private static final JsonField MS = JsonField.of("ms");

  @Test
  void writesTheRoundedDurationsDigits() {
    double[] edges = {0, -0.0, 0.0004, 0.0005, 0.001, 0.01, 0.1, 0.5, 1, 1.5, 1.25, 12, 12.0004, 12.0005, 99.9995,
        0.377, 2.098, 1000, 123456.789, 9_999_999.999, -0.0004, -0.0006, -1.5, -123.4567};
    for (double ms : edges) {
      assertEquals(expected(ms), written(ms), "for " + ms);
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      double ms = random.nextDouble() * Math.pow(10, random.nextInt(-4, 7)) * (random.nextInt(10) == 0 ? -1 : 1);
      assertEquals(expected(ms), written(ms), "for " + ms);
    }
  }

  @Test
  void farOutOfRangeValuesStillWriteANumber() {
    assertEquals("{\"ms\":1.0E13}", JsonWriter.string(g -> {
      g.writeStartObject();
      MS.millis(g, 1e13);
      g.writeEndObject();
    }));
  }

  private static String expected(double ms) {
    double rounded = Math.round(ms * 1000) / 1000.0;
    return "{\"ms\":" + (rounded == 0 ? "0.0" : Double.toString(rounded)) + "}";
  }

  private static String written(double ms) {
    return JsonWriter.string(g -> {
      g.writeStartObject();
      MS.millis(g, ms);
      g.writeEndObject();
    });
  }
}
