package dev.axon.store.usage;

import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageRecord;
import dev.axon.common.tenant.UsageReport;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The same counters as {@link ValkeyUsageMeter} in this JVM's memory. Confined to the store verticle's context. */
final class InMemoryUsageMeter implements UsageMeter {

  /** Subject ("" for all keys) and day → model → requests, prompt, completion, cached. */
  private final Map<String, Map<String, long[]>> days = new HashMap<>();

  @Override
  public Future<Void> record(RecordUsage usage) {
    LocalDate today = LocalDate.ofEpochDay(Math.floorDiv(System.currentTimeMillis(), 86_400_000L));
    add(usage.subject() + "|" + today, usage);
    add("|" + today, usage);
    String oldest = "|" + today.minusDays(RETENTION_DAYS);
    days.keySet().removeIf(k -> k.substring(k.indexOf('|')).compareTo(oldest) < 0);
    return Future.succeededFuture();
  }

  private void add(String key, RecordUsage usage) {
    long[] c = days.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(usage.model(), m -> new long[4]);
    c[0]++;
    c[1] += usage.promptTokens();
    c[2] += usage.completionTokens();
    c[3] += usage.cachedTokens();
  }

  @Override
  public Future<UsageReport> query(UsageQuery query) {
    List<LocalDate> range;
    try {
      range = UsageMeter.days(query);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    List<UsageRecord> records = new ArrayList<>();
    for (LocalDate day : range) {
      Map<String, long[]> byModel = days.get((query.subject() == null ? "" : query.subject()) + "|" + day);
      if (byModel != null) {
        byModel.forEach((model, c) -> records.add(new UsageRecord(day.toString(), model, c[0], c[1], c[2], c[3])));
      }
    }
    return Future.succeededFuture(new UsageReport(records));
  }
}
