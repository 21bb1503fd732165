package dev.axon.api.tenant;

import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.AuthHandler;
import dev.axon.api.http.Responses;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageRecord;
import dev.axon.common.tenant.UsageReport;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD[&key=NAME|*]}: metered usage per UTC day and model, with
 * totals per model and overall. A key reads its own usage; an admin key may name any key, or {@code *} for the
 * gateway-wide totals. {@code to} defaults to today (UTC), {@code from} to {@code to}; at most 92 days at once.
 *
 * <pre>
 * {"object": "usage", "key": "alice", "from": "2026-03-01", "to": "2026-03-07",
 *  "total": {"requests": 3, "prompt_tokens": 30, "completion_tokens": 12, "cached_tokens": 0, "total_tokens": 42},
 *  "models": [{"model": "claude-sonnet-4-6", "requests": 3, ...}],
 *  "days": [{"date": "2026-03-02", "total": {...}, "models": [{"model": "claude-sonnet-4-6", ...}]}]}
 * </pre>
 * {@code days} lists only the days with any request, oldest first; models are sorted by name.
 */
public final class UsageHandler implements Handler<RoutingContext> {

  /** The {@code key} value that asks for all keys together. */
  public static final String ALL = "*";

  private final TenantClient client;

  public UsageHandler(TenantClient client) {
    this.client = client;
  }

  @Override
  public void handle(RoutingContext rc) {
    ApiKey caller = AuthHandler.key(rc);
    LocalDate to;
    LocalDate from;
    try {
      to = date(rc, "to", LocalDate.now(ZoneOffset.UTC));
      from = date(rc, "from", to);
    } catch (AxonException e) {
      Responses.error(rc, e);
      return;
    }
    List<String> keys = rc.queryParam("key");
    String subject = keys.isEmpty() || keys.get(0).isEmpty() ? caller.name() : keys.get(0);
    if (!subject.equals(caller.name()) && !caller.admin()) {
      Responses.error(rc, new AxonException(ErrorKind.FORBIDDEN,
          "Only an admin key can read the usage of other keys or the totals.", "key", null));
      return;
    }
    client.usage(new UsageQuery(ALL.equals(subject) ? null : subject, from.toString(), to.toString()))
        .onSuccess(report -> Responses.json(rc, 200, render(subject, from, to, report).toBuffer()))
        .onFailure(e -> Responses.error(rc, e));
  }

  private static LocalDate date(RoutingContext rc, String name, LocalDate fallback) {
    List<String> values = rc.queryParam(name);
    if (values.isEmpty() || values.get(0).isEmpty()) {
      return fallback;
    }
    String value = values.get(0);
    if (value.length() != 10) {
      throw AxonException.invalid(name, "Invalid '" + name + "': expected a date as YYYY-MM-DD.");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw AxonException.invalid(name, "Invalid '" + name + "': expected a date as YYYY-MM-DD.");
    }
  }

  static JsonObject render(String subject, LocalDate from, LocalDate to, UsageReport report) {
    long[] total = new long[4];
    Map<String, long[]> models = new TreeMap<>();
    Map<String, Map<String, long[]>> days = new TreeMap<>();
    for (UsageRecord r : report.records()) {
      long[] c = {r.requests(), r.promptTokens(), r.completionTokens(), r.cachedTokens()};
      add(total, c);
      add(models.computeIfAbsent(r.model(), m -> new long[4]), c);
      add(days.computeIfAbsent(r.date(), d -> new TreeMap<>()).computeIfAbsent(r.model(), m -> new long[4]), c);
    }
    JsonArray dayList = new JsonArray();
    days.forEach((date, byModel) -> {
      long[] dayTotal = new long[4];
      byModel.values().forEach(c -> add(dayTotal, c));
      dayList.add(new JsonObject().put("date", date).put("total", counts(dayTotal)).put("models", models(byModel)));
    });
    return new JsonObject()
        .put("object", "usage")
        .put("key", subject)
        .put("from", from.toString())
        .put("to", to.toString())
        .put("total", counts(total))
        .put("models", models(models))
        .put("days", dayList);
  }

  private static void add(long[] into, long[] c) {
    for (int i = 0; i < 4; i++) {
      into[i] += c[i];
    }
  }

  private static JsonArray models(Map<String, long[]> byModel) {
    JsonArray out = new JsonArray();
    byModel.forEach((model, c) -> out.add(new JsonObject().put("model", model).mergeIn(counts(c))));
    return out;
  }

  private static JsonObject counts(long[] c) {
    return new JsonObject()
        .put("requests", c[0])
        .put("prompt_tokens", c[1])
        .put("completion_tokens", c[2])
        .put("cached_tokens", c[3])
        .put("total_tokens", c[1] + c[2]);
  }
}
