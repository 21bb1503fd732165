package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.ops.TrafficWindow;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The status page's minute of traffic: counts, error rate, percentiles from buckets, and slots that expire. */
class TrafficWindowTest {

  @Test
  void countsRatesAndPercentilesOverTheLastMinute() {
    TrafficWindow window = new TrafficWindow();
    long now = System.currentTimeMillis();
    for (int i = 0; i < 90; i++) {
      window.record(now, 8, 4, false, false, true, 10, 20);
    }
    for (int i = 0; i < 10; i++) {
      window.record(now, 800, -1, true, false, true, 0, 0);
    }
    window.record(now, 1, -1, false, true, false, 0, 0);
    JsonObject s = window.snapshot(now);
    assertEquals(101, s.getLong("requests"));
    assertEquals(100, s.getLong("chatRequests"));
    assertEquals(10, s.getLong("errors"));
    assertEquals(1, s.getLong("rejected"));
    assertEquals(Math.round(10 / 101.0 * 1000) / 1000.0, s.getDouble("errorRate"));
    double p50 = s.getJsonObject("latencyMs").getDouble("p50");
    double p95 = s.getJsonObject("latencyMs").getDouble("p95");
    assertTrue(p50 > 5 && p50 <= 10, "p50 in the 5-10 ms bucket: " + p50);
    assertTrue(p95 > 500 && p95 <= 1000, "p95 in the 500-1000 ms bucket: " + p95);
    assertTrue(s.getJsonObject("ttftMs").getDouble("p50") <= 5);
    assertEquals(900, s.getJsonObject("tokens").getLong("in"));
    assertEquals(1800, s.getJsonObject("tokens").getLong("out"));
  }

  @Test
  void oldSecondsLeaveTheWindow() {
    TrafficWindow window = new TrafficWindow();
    long now = System.currentTimeMillis();
    window.record(now, 10, 5, false, false, true, 1, 1);
    assertEquals(1, window.snapshot(now + 59_000).getLong("requests"));
    JsonObject later = window.snapshot(now + 61_000);
    assertEquals(0, later.getLong("requests"));
    assertNull(later.getJsonObject("latencyMs").getDouble("p50"));
    assertEquals(1, later.getLong("totalRequests"), "the total since start stays");
    window.record(now + 61_000, 20, -1, false, false, false, 0, 0);
    assertEquals(1, window.snapshot(now + 61_000).getLong("requests"));
  }
}
