package dev.axon.store.usage;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageRecord;
import dev.axon.common.tenant.UsageReport;
import dev.axon.store.StoreOptions;
import dev.axon.store.valkey.LuaScript;
import dev.axon.store.valkey.ValkeyClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage in Valkey, in the hashes {@link UsageHashes} names, with the fields {@code requests:<model>},
 * {@code prompt:<model>}, {@code completion:<model>} and {@code cached:<model>} (atomic {@code HINCRBY}s, so any number
 * of store verticles on any nodes add to the same counters).
 *
 * <p>Records are counted in memory and written every {@code usageFlushMs}: one script call per hash and interval
 * instead of one per turn (at 6,000 turns a second, six {@code HINCRBY}s a turn were a fifth of Valkey's work). A query
 * writes this verticle's counts first, so a key reads its own usage at once; another node's shows up within its
 * interval. A write that fails for want of Valkey is kept and tried again; one refused as an error is dropped (it would
 * fail again). What is counted but not yet written is lost if the process dies (a stop writes it first).
 */
final class ValkeyUsageMeter implements UsageMeter {

  private static final Logger log = LoggerFactory.getLogger(ValkeyUsageMeter.class);
  private static final LuaScript ADD = LuaScript.load("usage_add.lua");

  private final Vertx vertx;
  private final Redis redis;
  private volatile StoreOptions options;
  private final ValkeyClients.Guard guard;
  private final UsageTally tally = new UsageTally();
  /** The pending write's timer, or -1. */
  private long flushTimer = -1;
  /** The write under way, so a query or a stop waits for it rather than racing it. */
  private Future<Void> flushing = Future.succeededFuture();

  ValkeyUsageMeter(Vertx vertx, StoreOptions options, Redis redis) {
    this.vertx = vertx;
    this.redis = redis;
    this.options = new StoreOptions(options);
    this.guard = new ValkeyClients.Guard(log, "usage meter", () -> this.options.getCommandTimeoutMs());
  }

  @Override
  public void reconfigure(StoreOptions next) {
    this.options = new StoreOptions(next);
  }

  @Override
  public Future<Void> record(RecordUsage usage) {
    tally.add(usage, System.currentTimeMillis());
    long interval = options.getUsageFlushMs();
    if (interval == 0) {
      return flush();
    }
    scheduleFlush(interval);
    return Future.succeededFuture();
  }

  /** Writes in {@code delayMs}, unless a write is scheduled already. */
  private void scheduleFlush(long delayMs) {
    if (flushTimer < 0) {
      flushTimer = vertx.setTimer(delayMs, t -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  /**
   * Writes what was counted, one script call per hash, all sent together; completes when every call has answered.
   * What Valkey could not take is counted again for the next write, which is scheduled.
   */
  Future<Void> flush() {
    flushing = flushing.transform(previous -> write());
    return flushing;
  }

  private Future<Void> write() {
    if (tally.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<UsageTally.Hash, Map<String, UsageTally.Counts>> drained = tally.drain();
    List<Future<Response>> writes = new ArrayList<>(drained.size());
    drained.forEach((hash, byModel) -> {
      List<String> args = new ArrayList<>(1 + 5 * byModel.size());
      args.add(Long.toString(UsageHashes.expiresAt(hash.epochDay())));
      byModel.forEach((model, c) -> {
        args.add(model);
        args.add(Long.toString(c.requests));
        args.add(Long.toString(c.prompt));
        args.add(Long.toString(c.completion));
        args.add(Long.toString(c.cached));
      });
      writes.add(guard.guard(ADD.run(redis, List.of(hash.key()), args), "record")
          .onFailure(failure -> {
            if (failure instanceof AxonException e && e.kind() == ErrorKind.UNAVAILABLE) {
              tally.restore(hash, byModel);
            }
          }));
    });
    return Future.join(writes).transform(ar -> {
      if (ar.failed() && !tally.isEmpty()) {
        scheduleFlush(Math.max(options.getUsageFlushMs(), 1_000));
      }
      return ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(ar.cause());
    });
  }

  @Override
  public Future<Void> close() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    return flush();
  }

  @Override
  public Future<UsageReport> query(UsageQuery query) {
    List<LocalDate> days;
    try {
      days = UsageMeter.days(query);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // This verticle's own counts first (a failed write leaves them counted, and the read goes on without them).
    return flush().transform(written -> read(query, days));
  }

  private Future<UsageReport> read(UsageQuery query, List<LocalDate> days) {
    List<Future<Response>> reads = new ArrayList<>(days.size());
    for (LocalDate day : days) {
      String key = query.subject() == null ? UsageHashes.allDay(day.toString()) : UsageHashes.keyDay(query.subject(), day.toString());
      reads.add(guard.guard(redis.send(Request.cmd(Command.HGETALL).arg(key)), "query"));
    }
    return Future.all(reads).map(all -> {
      List<UsageRecord> records = new ArrayList<>();
      for (int i = 0; i < days.size(); i++) {
        Response hash = all.resultAt(i);
        Map<String, long[]> byModel = new TreeMap<>();
        for (String field : hash.getKeys()) {
          int colon = field.indexOf(':');
          if (colon < 0) {
            continue;
          }
          long[] counts = byModel.computeIfAbsent(field.substring(colon + 1), m -> new long[4]);
          long value = hash.get(field).toLong();
          switch (field.substring(0, colon)) {
            case "requests": counts[0] = value; break;
            case "prompt": counts[1] = value; break;
            case "completion": counts[2] = value; break;
            case "cached": counts[3] = value; break;
            default: break;
          }
        }
        String date = days.get(i).toString();
        byModel.forEach((model, c) -> records.add(new UsageRecord(date, model, c[0], c[1], c[2], c[3])));
      }
      return new UsageReport(records);
    });
  }
}
