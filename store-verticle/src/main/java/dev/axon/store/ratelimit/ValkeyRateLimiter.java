package dev.axon.store.ratelimit;

import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import dev.axon.common.tenant.RateWindow;
import dev.axon.store.StoreOptions;
import dev.axon.store.valkey.LuaScript;
import dev.axon.store.valkey.ValkeyClients;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits in Valkey. A key's counters share the hash tag {@code {<key name>}}, so one script sees them all, in a
 * cluster too:
 * <ul>
 *   <li>{@code axon:rl:{<name>}:rpm} and {@code :tpm} — token buckets (hash: level, ts), gone once full again;</li>
 *   <li>{@code axon:rl:{<name>}:tpd:<YYYY-MM-DD>} — the day's tokens, kept two days;</li>
 *   <li>{@code axon:rl:{<name>}:slots} — running turns (sorted set: lease id → expiry ms).</li>
 * </ul>
 * Time is the store's clock in milliseconds; the day is UTC.
 */
final class ValkeyRateLimiter implements RateLimiter {

  private static final Logger log = LoggerFactory.getLogger(ValkeyRateLimiter.class);
  private static final LuaScript ACQUIRE = LuaScript.load("ratelimit_acquire.lua");
  private static final LuaScript CHARGE = LuaScript.load("ratelimit_charge.lua");
  private static final LuaScript RENEW = LuaScript.load("ratelimit_renew.lua");

  private final Redis redis;
  private volatile StoreOptions options;
  private final ValkeyClients.Guard guard;

  ValkeyRateLimiter(StoreOptions options, Redis redis) {
    this.redis = redis;
    this.options = new StoreOptions(options);
    this.guard = new ValkeyClients.Guard(log, "rate limiter", () -> this.options.getCommandTimeoutMs());
  }

  static String prefix(String subject) {
    return "axon:rl:{" + subject + "}:";
  }

  @Override
  public void reconfigure(StoreOptions next) {
    this.options = new StoreOptions(next);
  }

  @Override
  public Future<RateLimitDecision> acquire(RateLimitAcquire request) {
    long now = System.currentTimeMillis();
    String p = prefix(request.subject());
    KeyLimits limits = request.limits();
    List<String> keys = List.of(p + "rpm", p + "tpm", p + "tpd:" + Refusals.today(now), p + "slots");
    List<String> args = List.of(Long.toString(now), Integer.toString(limits.requestsPerMinute()), Integer.toString(limits.tokensPerMinute()),
        Long.toString(limits.tokensPerDay()), Integer.toString(limits.concurrentRequests()), request.turn() ? "1" : "0",
        request.leaseId() == null ? "" : request.leaseId(), Long.toString(request.leaseTtlMs()), Long.toString(Refusals.msToMidnight(now)));
    return guard.guard(ACQUIRE.run(redis, keys, args), "acquire").map(r -> Refusals.decide(request.subject(), limits,
        r.get(1).toString(), r.get(2).toString(), r.get(3).toLong(),
        window(r.get(4).toLong(), r.get(5).toLong(), r.get(6).toLong()),
        window(r.get(7).toLong(), r.get(8).toLong(), r.get(9).toLong())));
  }

  private static RateWindow window(long limit, long remaining, long resetMs) {
    return limit < 0 ? null : new RateWindow(limit, remaining, Math.max(0, resetMs));
  }

  @Override
  public Future<Void> renew(RateLimitRenew request) {
    long now = System.currentTimeMillis();
    return guard.guard(RENEW.run(redis, List.of(prefix(request.subject()) + "slots"),
        List.of(request.leaseId(), Long.toString(now + request.leaseTtlMs()), Long.toString(request.leaseTtlMs()))), "renew").mapEmpty();
  }

  @Override
  public Future<Void> release(RateLimitRelease request) {
    return guard.guard(redis.send(Request.cmd(Command.ZREM).arg(prefix(request.subject()) + "slots").arg(request.leaseId())), "release")
        .mapEmpty();
  }

  @Override
  public Future<Void> charge(String subject, KeyLimits limits, long tokens) {
    if (!limits.countsTokens() || tokens <= 0) {
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    String p = prefix(subject);
    return guard.guard(CHARGE.run(redis, List.of(p + "tpm", p + "tpd:" + Refusals.today(now)),
        List.of(Long.toString(now), Integer.toString(limits.tokensPerMinute()), Long.toString(limits.tokensPerDay()),
            Long.toString(tokens), Long.toString(Refusals.DAY_TTL_SECONDS))), "charge").<Void>mapEmpty();
  }
}
