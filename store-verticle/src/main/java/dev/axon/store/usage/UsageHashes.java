package dev.axon.store.usage;

import dev.axon.common.tenant.RecordUsage;
import java.time.LocalDate;
import java.util.List;

/**
 * Where and how usage is counted in Valkey: one hash per key and day, {@code axon:usage:{<key name>}:<YYYY-MM-DD>},
 * and one per day for all keys, {@code axon:usage:all:{<YYYY-MM-DD>}}, each expiring {@value UsageMeter#RETENTION_DAYS}
 * full days after its day. Shared by the usage meter and by the conversation store, whose commit meters the turn it
 * stores in the same call (usage_add.lua).
 */
public final class UsageHashes {

  private UsageHashes() {
  }

  static String keyDay(String subject, String day) {
    return "axon:usage:{" + subject + "}:" + day;
  }

  static String allDay(String day) {
    return "axon:usage:all:{" + day + "}";
  }

  /** Today's (UTC) date at {@code nowMs}. */
  static String day(long nowMs) {
    return LocalDate.ofEpochDay(Math.floorDiv(nowMs, 86_400_000L)).toString();
  }

  /** The hashes one record adds to at {@code nowMs}: the key's, then the totals'. */
  public static List<String> keys(String subject, long nowMs) {
    String day = day(nowMs);
    return List.of(keyDay(subject, day), allDay(day));
  }

  /** The script arguments of one record at {@code nowMs}: model, prompt, completion, cached, ttl seconds. */
  public static List<String> args(RecordUsage usage, long nowMs) {
    // Kept RETENTION_DAYS full days after the day itself.
    long ttl = (UsageMeter.RETENTION_DAYS + 1) * 86_400L - Math.floorMod(nowMs, 86_400_000L) / 1000;
    return List.of(usage.model(), Integer.toString(usage.promptTokens()), Integer.toString(usage.completionTokens()),
        Integer.toString(usage.cachedTokens()), Long.toString(ttl));
  }
}
