package dev.axon.api.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class UtcMillisTest {

  private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void aWholeSecondKeepsItsThreeFractionDigits() {
    assertEquals("2026-11-28T05:01:02.000Z", UtcMillis.format(Instant.parse("2026-11-28T05:01:02Z").toEpochMilli()));
    assertEquals("2026-11-28T05:01:02.007Z", UtcMillis.format(Instant.parse("2026-11-28T05:01:02.007Z").toEpochMilli()));
    assertEquals("2026-11-28T05:01:02.070Z", UtcMillis.format(Instant.parse("2026-11-28T05:01:02.070Z").toEpochMilli()));
    assertEquals("1970-01-01T00:00:00.000Z", UtcMillis.format(0));
  }

  @Test
  void everyInstantFormatsAsTheJdkFormatsIt() {
    long start = Instant.parse("2024-02-28T23:59:58.990Z").toEpochMilli();
    // Across a second, a day and a leap day boundary, one millisecond at a time, then at random.
    for (long ms = start; ms < start + 2 * 86_400_000L; ms += ms < start + 5_000 ? 1 : 997) {
      assertEquals(REFERENCE.format(Instant.ofEpochMilli(ms)), UtcMillis.format(ms));
    }
    for (int i = 0; i < 10_000; i++) {
      long ms = ThreadLocalRandom.current().nextLong(0, 4_102_444_800_000L);
      assertEquals(REFERENCE.format(Instant.ofEpochMilli(ms)), UtcMillis.format(ms));
    }
  }

  @Test
  void timeGoingBackIsFormattedAsIs() {
    long later = Instant.parse("2026-11-28T05:01:03.500Z").toEpochMilli();
    assertEquals("2026-11-28T05:01:03.500Z", UtcMillis.format(later));
    assertEquals("2026-11-28T05:01:02.999Z", UtcMillis.format(later - 501));
  }
}
