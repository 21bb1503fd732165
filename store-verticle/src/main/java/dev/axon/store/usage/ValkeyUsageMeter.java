package dev.axon.store.usage;

import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageRecord;
import dev.axon.common.tenant.UsageReport;
import dev.axon.store.StoreOptions;
import dev.axon.store.valkey.LuaScript;
import dev.axon.store.valkey.ValkeyClients;
import io.vertx.core.Future;
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
 * Usage in Valkey, one hash per key and day, {@code axon:usage:{<key name>}:<YYYY-MM-DD>}, and one per day for all
 * keys, {@code axon:usage:all:{<YYYY-MM-DD>}}, with the fields {@code requests:<model>}, {@code prompt:<model>},
 * {@code completion:<model>} and {@code cached:<model>} (atomic {@code HINCRBY}s), each hash expiring
 * {@value UsageMeter#RETENTION_DAYS} days after its day. Outside a cluster one script call writes both hashes; in a
 * cluster they sit in different slots, so two calls are sent together.
 */
final class ValkeyUsageMeter implements UsageMeter {

  private static final Logger log = LoggerFactory.getLogger(ValkeyUsageMeter.class);
  private static final LuaScript RECORD = LuaScript.load("usage_record.lua");

  private final Redis redis;
  private volatile StoreOptions options;
  private final ValkeyClients.Guard guard;
  private final boolean clustered;

  ValkeyUsageMeter(StoreOptions options, Redis redis) {
    this.redis = redis;
    this.options = new StoreOptions(options);
    this.clustered = options.getMode().equals("cluster");
    this.guard = new ValkeyClients.Guard(log, "usage meter", () -> this.options.getCommandTimeoutMs());
  }

  static String keyDay(String subject, String day) {
    return "axon:usage:{" + subject + "}:" + day;
  }

  static String allDay(String day) {
    return "axon:usage:all:{" + day + "}";
  }

  @Override
  public void reconfigure(StoreOptions next) {
    this.options = new StoreOptions(next);
  }

  @Override
  public Future<Void> record(RecordUsage usage) {
    long now = System.currentTimeMillis();
    String day = LocalDate.ofEpochDay(Math.floorDiv(now, 86_400_000L)).toString();
    // Kept RETENTION_DAYS full days after the day itself.
    long ttl = (RETENTION_DAYS + 1) * 86_400L - Math.floorMod(now, 86_400_000L) / 1000;
    List<String> args = List.of(usage.model(), Integer.toString(usage.promptTokens()), Integer.toString(usage.completionTokens()),
        Integer.toString(usage.cachedTokens()), Long.toString(ttl));
    if (!clustered) {
      return guard.guard(RECORD.run(redis, List.of(keyDay(usage.subject(), day), allDay(day)), args), "record").mapEmpty();
    }
    return Future.all(
            guard.guard(RECORD.run(redis, List.of(keyDay(usage.subject(), day)), args), "record"),
            guard.guard(RECORD.run(redis, List.of(allDay(day)), args), "record"))
        .mapEmpty();
  }

  @Override
  public Future<UsageReport> query(UsageQuery query) {
    List<LocalDate> days;
    try {
      days = UsageMeter.days(query);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    List<Future<Response>> reads = new ArrayList<>(days.size());
    for (LocalDate day : days) {
      String key = query.subject() == null ? allDay(day.toString()) : keyDay(query.subject(), day.toString());
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
