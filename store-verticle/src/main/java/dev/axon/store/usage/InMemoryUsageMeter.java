package dev.axon.store.usage;

import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageRecord;
import dev.axon.common.tenant.UsageReport;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The same counters as {@link ValkeyUsageMeter} in this JVM's memory: a tally that is never written anywhere, only
 * trimmed to the retention. Confined to the store verticle's context.
 */
final class InMemoryUsageMeter implements UsageMeter {

  private final UsageTally tally = new UsageTally();
  /** The first day kept after the last trim; days before it are gone. */
  private long keptFrom = Long.MIN_VALUE;

  @Override
  public Future<Void> record(RecordUsage usage) {
    long now = System.currentTimeMillis();
    tally.add(usage, now);
    // Trimmed once a day, not on every record: a trim walks every key's hash of every kept day.
    long oldest = Math.floorDiv(now, 86_400_000L) - RETENTION_DAYS;
    if (oldest > keptFrom) {
      tally.forgetBefore(oldest);
      keptFrom = oldest;
    }
    return Future.succeededFuture();
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
      Map<String, UsageTally.Counts> byModel = tally.counts(new UsageTally.Hash(query.subject(), day.toEpochDay()));
      if (byModel != null) {
        new TreeMap<>(byModel).forEach((model, c) ->
            records.add(new UsageRecord(day.toString(), model, c.requests, c.prompt, c.completion, c.cached)));
      }
    }
    return Future.succeededFuture(new UsageReport(records));
  }
}
