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
 * Usage in Valkey, in the hashes {@link UsageHashes} names, with the fields {@code requests:<model>},
 * {@code prompt:<model>}, {@code completion:<model>} and {@code cached:<model>} (atomic {@code HINCRBY}s). Outside a
 * cluster one script call writes both hashes; in a cluster they sit in different slots, so two calls are sent
 * together. A stored turn's usage is usually written by the conversation store's commit instead (one round trip).
 */
final class ValkeyUsageMeter implements UsageMeter {

  private static final Logger log = LoggerFactory.getLogger(ValkeyUsageMeter.class);
  private static final LuaScript RECORD = LuaScript.load("usage_add.lua", "usage_record.lua");

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

  @Override
  public void reconfigure(StoreOptions next) {
    this.options = new StoreOptions(next);
  }

  @Override
  public Future<Void> record(RecordUsage usage) {
    long now = System.currentTimeMillis();
    List<String> keys = UsageHashes.keys(usage.subject(), now);
    List<String> args = UsageHashes.args(usage, now);
    if (!clustered) {
      return guard.guard(RECORD.run(redis, keys, args), "record").mapEmpty();
    }
    return Future.all(
            guard.guard(RECORD.run(redis, List.of(keys.get(0)), args), "record"),
            guard.guard(RECORD.run(redis, List.of(keys.get(1)), args), "record"))
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
