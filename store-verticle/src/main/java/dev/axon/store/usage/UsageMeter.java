package dev.axon.store.usage;

import dev.axon.common.error.AxonException;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageReport;
import dev.axon.store.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Usage metering: requests and prompt, completion and cached tokens per key, per model, per UTC day, and the same
 * for all keys together, as counters (never computed by scanning), kept {@link #RETENTION_DAYS} days. Used from the
 * store verticle's context.
 */
public interface UsageMeter {

  /** How long usage is kept. */
  int RETENTION_DAYS = 90;
  /** The longest range one query may read. */
  int MAX_QUERY_DAYS = 92;

  static UsageMeter create(Vertx vertx, StoreOptions options, Redis redis) {
    return redis == null ? new InMemoryUsageMeter() : new ValkeyUsageMeter(vertx, options, redis);
  }

  /**
   * Adds one request and its tokens on today's (UTC) date, for the key and for the totals. May complete before the
   * counts are written (see {@link ValkeyUsageMeter}); a query on the same meter sees them.
   */
  Future<Void> record(RecordUsage usage);

  /** The usage of one key, or of all keys ({@code subject} null), per day and model. */
  Future<UsageReport> query(UsageQuery query);

  default void reconfigure(StoreOptions options) {
  }

  /** Writes what is still only counted in memory; the verticle is stopping. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The days of a query, checked: valid dates, {@code from <= to}, at most {@link #MAX_QUERY_DAYS}. */
  static List<LocalDate> days(UsageQuery query) {
    LocalDate from;
    LocalDate to;
    try {
      from = LocalDate.parse(query.from());
      to = LocalDate.parse(query.to());
    } catch (DateTimeParseException | NullPointerException e) {
      throw AxonException.invalid("from", "Invalid date: expected YYYY-MM-DD.");
    }
    if (to.isBefore(from)) {
      throw AxonException.invalid("to", "Invalid range: 'to' is before 'from'.");
    }
    if (from.plusDays(MAX_QUERY_DAYS).isBefore(to.plusDays(1))) {
      throw AxonException.invalid("from", "Invalid range: at most " + MAX_QUERY_DAYS + " days at once.");
    }
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      days.add(d);
    }
    return days;
  }
}
