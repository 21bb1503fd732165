package dev.axon.store.usage;

import java.time.LocalDate;

/**
 * Where usage is counted in Valkey: one hash per key and day, {@code axon:usage:{<key name>}:<YYYY-MM-DD>}, and one per
 * day for all keys, {@code axon:usage:all:{<YYYY-MM-DD>}}, each expiring {@value UsageMeter#RETENTION_DAYS} full days
 * after its day.
 */
final class UsageHashes {

  private UsageHashes() {
  }

  static String keyDay(String subject, String day) {
    return "axon:usage:{" + subject + "}:" + day;
  }

  static String allDay(String day) {
    return "axon:usage:all:{" + day + "}";
  }

  /** The UTC date of an epoch day, YYYY-MM-DD. */
  static String day(long epochDay) {
    return LocalDate.ofEpochDay(epochDay).toString();
  }

  /** When a day's hashes expire, in Unix seconds: at the end of the day, plus the retention. */
  static long expiresAt(long epochDay) {
    return (epochDay + 1 + UsageMeter.RETENTION_DAYS) * 86_400L;
  }
}
