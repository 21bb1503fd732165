package dev.axon.store.usage;

import dev.axon.common.tenant.RecordUsage;
import java.util.HashMap;
import java.util.Map;

/**
 * Usage counts summed per hash (a key's day, or the totals' day) and model: what a Valkey meter has not written yet, or
 * all the in-memory meter knows. Confined to the store verticle's context.
 */
final class UsageTally {

  /** One day's usage hash: a key's ({@code subject} set) or the totals' ({@code subject} null). */
  record Hash(String subject, long epochDay) {

    String key() {
      String day = UsageHashes.day(epochDay);
      return subject == null ? UsageHashes.allDay(day) : UsageHashes.keyDay(subject, day);
    }
  }

  /** Requests and prompt, completion and cached tokens of one model in one hash. */
  static final class Counts {
    long requests;
    long prompt;
    long completion;
    long cached;

    void add(Counts other) {
      requests += other.requests;
      prompt += other.prompt;
      completion += other.completion;
      cached += other.cached;
    }
  }

  private Map<Hash, Map<String, Counts>> hashes = new HashMap<>();

  /** Counts one request at {@code nowMs} (its UTC day) for its key and for the totals. */
  void add(RecordUsage usage, long nowMs) {
    long epochDay = Math.floorDiv(nowMs, 86_400_000L);
    add(new Hash(usage.subject(), epochDay), usage);
    add(new Hash(null, epochDay), usage);
  }

  private void add(Hash hash, RecordUsage usage) {
    Counts c = hashes.computeIfAbsent(hash, h -> new HashMap<>(4)).computeIfAbsent(usage.model(), m -> new Counts());
    c.requests++;
    c.prompt += usage.promptTokens();
    c.completion += usage.completionTokens();
    c.cached += usage.cachedTokens();
  }

  /** One hash's counts by model, or null when nothing was counted there. */
  Map<String, Counts> counts(Hash hash) {
    return hashes.get(hash);
  }

  /** Drops the hashes of days before {@code epochDay}. */
  void forgetBefore(long epochDay) {
    hashes.keySet().removeIf(h -> h.epochDay() < epochDay);
  }

  boolean isEmpty() {
    return hashes.isEmpty();
  }

  /** Everything counted so far; the tally starts again from zero. */
  Map<Hash, Map<String, Counts>> drain() {
    Map<Hash, Map<String, Counts>> drained = hashes;
    hashes = new HashMap<>();
    return drained;
  }

  /** Puts back what a failed write drained, added to whatever was counted meanwhile. */
  void restore(Hash hash, Map<String, Counts> byModel) {
    Map<String, Counts> current = hashes.computeIfAbsent(hash, h -> new HashMap<>(4));
    byModel.forEach((model, counts) -> current.computeIfAbsent(model, m -> new Counts()).add(counts));
  }
}
