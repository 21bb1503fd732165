package dev.axon.api.ops;

import io.vertx.core.json.JsonObject;

/**
 * What the API requests of one node looked like over the last minute, for the status page: rate, error rate,
 * latency and time-to-first-token percentiles (from fixed buckets, so approximate), tokens. Operations endpoints
 * are not counted. Sixty one-second slots in a ring; thread-safe (every API instance of the node records here).
 */
public final class TrafficWindow {

  /** The window's length in seconds. */
  public static final int SECONDS = 60;
  /** Upper bounds of the latency buckets, in milliseconds; the last bucket is open. */
  private static final double[] BOUNDS_MS = {2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000};

  private static final class Slot {
    long second = -1;
    long requests;
    long errors;
    long rejected;
    long chat;
    double latencySumMs;
    final long[] latency = new long[BOUNDS_MS.length + 1];
    long ttftCount;
    final long[] ttft = new long[BOUNDS_MS.length + 1];
    long tokensIn;
    long tokensOut;

    void reset(long second) {
      this.second = second;
      requests = errors = rejected = chat = ttftCount = tokensIn = tokensOut = 0;
      latencySumMs = 0;
      java.util.Arrays.fill(latency, 0);
      java.util.Arrays.fill(ttft, 0);
    }
  }

  private final Slot[] slots = new Slot[SECONDS];
  private final long startedMs;
  private long totalRequests;
  private long totalErrors;

  public TrafficWindow() {
    this(System.currentTimeMillis());
  }

  TrafficWindow(long startedMs) {
    this.startedMs = startedMs;
    for (int i = 0; i < SECONDS; i++) {
      slots[i] = new Slot();
    }
  }

  /**
   * Counts one finished request.
   *
   * @param error    the gateway failed it (a 5xx, or a stream that ended with an error)
   * @param rejected it was turned away for capacity or limits (429)
   * @param ttftMs   time to the model's first token, or a negative number when none came (or not a chat request)
   */
  public synchronized void record(long nowMs, double latencyMs, double ttftMs, boolean error, boolean rejected, boolean chat,
                                  long tokensIn, long tokensOut) {
    Slot slot = slot(nowMs / 1000);
    slot.requests++;
    totalRequests++;
    if (error) {
      slot.errors++;
      totalErrors++;
    }
    if (rejected) {
      slot.rejected++;
    }
    if (chat) {
      slot.chat++;
    }
    slot.latencySumMs += latencyMs;
    slot.latency[bucket(latencyMs)]++;
    if (ttftMs >= 0) {
      slot.ttftCount++;
      slot.ttft[bucket(ttftMs)]++;
    }
    slot.tokensIn += tokensIn;
    slot.tokensOut += tokensOut;
  }

  /** The last minute, as the status page shows it. */
  public synchronized JsonObject snapshot(long nowMs) {
    long current = nowMs / 1000;
    long requests = 0, errors = 0, rejected = 0, chat = 0, ttftCount = 0, tokensIn = 0, tokensOut = 0;
    double latencySum = 0;
    long[] latency = new long[BOUNDS_MS.length + 1];
    long[] ttft = new long[BOUNDS_MS.length + 1];
    for (Slot s : slots) {
      if (s.second < 0 || current - s.second >= SECONDS || s.second > current) {
        continue;
      }
      requests += s.requests;
      errors += s.errors;
      rejected += s.rejected;
      chat += s.chat;
      latencySum += s.latencySumMs;
      ttftCount += s.ttftCount;
      tokensIn += s.tokensIn;
      tokensOut += s.tokensOut;
      for (int i = 0; i < latency.length; i++) {
        latency[i] += s.latency[i];
        ttft[i] += s.ttft[i];
      }
    }
    long windowSeconds = Math.max(1, Math.min(SECONDS, (nowMs - startedMs) / 1000 + 1));
    return new JsonObject()
        .put("windowSeconds", windowSeconds)
        .put("requests", requests)
        .put("chatRequests", chat)
        .put("ratePerSecond", round(requests / (double) windowSeconds))
        .put("errors", errors)
        .put("errorRate", requests == 0 ? 0.0 : round(errors / (double) requests))
        .put("rejected", rejected)
        .put("latencyMs", new JsonObject()
            .put("avg", requests == 0 ? null : round(latencySum / requests))
            .put("p50", percentile(latency, requests, 0.50))
            .put("p95", percentile(latency, requests, 0.95)))
        .put("ttftMs", new JsonObject()
            .put("p50", percentile(ttft, ttftCount, 0.50))
            .put("p95", percentile(ttft, ttftCount, 0.95)))
        .put("tokens", new JsonObject().put("in", tokensIn).put("out", tokensOut))
        .put("totalRequests", totalRequests)
        .put("totalErrors", totalErrors);
  }

  private Slot slot(long second) {
    Slot slot = slots[(int) Math.floorMod(second, (long) SECONDS)];
    if (slot.second != second) {
      slot.reset(second);
    }
    return slot;
  }

  private static int bucket(double ms) {
    for (int i = 0; i < BOUNDS_MS.length; i++) {
      if (ms <= BOUNDS_MS[i]) {
        return i;
      }
    }
    return BOUNDS_MS.length;
  }

  /** The q-quantile, interpolated within its bucket; null when there are no samples. */
  private static Double percentile(long[] buckets, long count, double q) {
    if (count == 0) {
      return null;
    }
    double rank = q * count;
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i] == 0) {
        continue;
      }
      if (seen + buckets[i] >= rank) {
        double lower = i == 0 ? 0 : BOUNDS_MS[i - 1];
        double upper = i < BOUNDS_MS.length ? BOUNDS_MS[i] : BOUNDS_MS[BOUNDS_MS.length - 1] * 2;
        double within = (rank - seen) / buckets[i];
        return round(lower + (upper - lower) * Math.max(0, Math.min(1, within)));
      }
      seen += buckets[i];
    }
    return round(BOUNDS_MS[BOUNDS_MS.length - 1]);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
