package dev.axon.store.ratelimit;

import dev.axon.common.error.ErrorKind;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateWindow;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** What both limiters share: the calendar, and the words of a refusal (the key's name, never the key). */
final class Refusals {

  static final long WINDOW_MS = 60_000;
  /** A day counter outlives its day by this much, then goes. */
  static final long DAY_TTL_SECONDS = 2 * 86_400;

  private Refusals() {
  }

  static String today(long nowMs) {
    return LocalDate.ofEpochDay(Math.floorDiv(nowMs, 86_400_000L)).toString();
  }

  static long msToMidnight(long nowMs) {
    return 86_400_000L - Math.floorMod(nowMs, 86_400_000L);
  }

  static RateLimitDecision decide(String subject, KeyLimits limits, String refusal, String reason, long retryMs,
                                  RateWindow requests, RateWindow tokens) {
    if (refusal == null || refusal.isEmpty()) {
      return new RateLimitDecision(true, null, null, 0, requests, tokens);
    }
    ErrorKind kind = refusal.equals("quota") ? ErrorKind.QUOTA_EXCEEDED : ErrorKind.RATE_LIMITED;
    return new RateLimitDecision(false, kind, message(subject, limits, reason, retryMs), Math.max(1, retryMs), requests, tokens);
  }

  private static String message(String subject, KeyLimits limits, String reason, long retryMs) {
    String wait = "Please try again in " + seconds(retryMs) + ".";
    switch (reason) {
      case "requests":
        return "Rate limit reached for key '" + subject + "' on requests per min (RPM): Limit " + limits.requestsPerMinute() + ". " + wait;
      case "tokens":
        return "Rate limit reached for key '" + subject + "' on tokens per min (TPM): Limit " + limits.tokensPerMinute() + ". " + wait;
      case "concurrency":
        return "Too many concurrent requests for key '" + subject + "': Limit " + limits.concurrentRequests()
            + ". Please try again when one of them has finished.";
      default:
        return "You exceeded your daily token quota for key '" + subject + "': Limit " + limits.tokensPerDay()
            + " tokens per day (UTC). It resets at 00:00 UTC, in " + seconds(retryMs) + ".";
    }
  }

  private static String seconds(long ms) {
    long s = Math.max(1, (ms + 999) / 1000);
    return s < 120 ? s + "s" : s < 7200 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }
}
