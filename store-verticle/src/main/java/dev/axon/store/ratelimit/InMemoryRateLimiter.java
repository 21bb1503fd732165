package dev.axon.store.ratelimit;

import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import dev.axon.common.tenant.RateWindow;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * The same limits as {@link ValkeyRateLimiter}, in this JVM (the {@code memory} backend): one JVM's view only.
 * Confined to the store verticle's context.
 */
final class InMemoryRateLimiter implements RateLimiter {

  private static final class Bucket {
    double level;
    long ts;
  }

  private static final class Subject {
    Bucket requests;
    Bucket tokens;
    String day = "";
    long dayTokens;
    final Map<String, Long> slots = new HashMap<>();
  }

  private final Map<String, Subject> subjects = new HashMap<>();

  @Override
  public Future<RateLimitDecision> acquire(RateLimitAcquire request) {
    long now = System.currentTimeMillis();
    KeyLimits limits = request.limits();
    Subject s = subjects.computeIfAbsent(request.subject(), k -> new Subject());
    rollDay(s, now);
    String refusal = "";
    String reason = "";
    long retry = 0;
    Double r = null;
    Double t = null;
    if (limits.requestsPerMinute() > 0) {
      r = level(s.requests, limits.requestsPerMinute(), now);
      if (r < 1) {
        refusal = "rate";
        reason = "requests";
        retry = Math.max(retry, (long) Math.ceil((1 - r) * Refusals.WINDOW_MS / limits.requestsPerMinute()));
      }
    }
    if (limits.tokensPerMinute() > 0) {
      t = level(s.tokens, limits.tokensPerMinute(), now);
      if (request.turn() && t < 1) {
        refusal = "rate";
        reason = reason.isEmpty() ? "tokens" : reason;
        retry = Math.max(retry, (long) Math.ceil((1 - t) * Refusals.WINDOW_MS / limits.tokensPerMinute()));
      }
    }
    long msToMidnight = Refusals.msToMidnight(now);
    if (limits.tokensPerDay() > 0 && request.turn() && s.dayTokens >= limits.tokensPerDay()) {
      refusal = "quota";
      reason = reason.isEmpty() ? "tokens_per_day" : reason;
      retry = Math.max(retry, msToMidnight);
    }
    boolean wantsSlot = request.turn() && limits.concurrentRequests() > 0 && request.leaseId() != null;
    if (wantsSlot) {
      s.slots.values().removeIf(expiry -> expiry <= now);
      if (s.slots.size() >= limits.concurrentRequests()) {
        refusal = refusal.equals("quota") ? refusal : "rate";
        reason = reason.isEmpty() ? "concurrency" : reason;
        retry = Math.max(retry, 1000);
      }
    }
    if (refusal.isEmpty()) {
      if (r != null) {
        r -= 1;
        s.requests = bucket(r, now);
      }
      if (wantsSlot) {
        s.slots.put(request.leaseId(), now + request.leaseTtlMs());
      }
    }
    RateWindow requests = r == null ? null : new RateWindow(limits.requestsPerMinute(), Math.max(0, (long) Math.floor(r)),
        (long) Math.ceil((limits.requestsPerMinute() - r) * Refusals.WINDOW_MS / limits.requestsPerMinute()));
    RateWindow tokens = null;
    if (t != null) {
      tokens = new RateWindow(limits.tokensPerMinute(), Math.max(0, (long) Math.floor(t)),
          (long) Math.ceil((limits.tokensPerMinute() - t) * Refusals.WINDOW_MS / limits.tokensPerMinute()));
    } else if (limits.tokensPerDay() > 0) {
      tokens = new RateWindow(limits.tokensPerDay(), Math.max(0, limits.tokensPerDay() - s.dayTokens), s.dayTokens > 0 ? msToMidnight : 0);
    }
    return Future.succeededFuture(Refusals.decide(request.subject(), limits, refusal, reason, retry, requests, tokens));
  }

  @Override
  public Future<Void> renew(RateLimitRenew request) {
    Subject s = subjects.get(request.subject());
    if (s != null) {
      s.slots.computeIfPresent(request.leaseId(), (id, expiry) -> System.currentTimeMillis() + request.leaseTtlMs());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> release(RateLimitRelease request) {
    Subject s = subjects.get(request.subject());
    if (s != null) {
      s.slots.remove(request.leaseId());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> charge(String subject, KeyLimits limits, long tokens) {
    if (!limits.countsTokens() || tokens <= 0) {
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    Subject s = subjects.computeIfAbsent(subject, k -> new Subject());
    rollDay(s, now);
    if (limits.tokensPerMinute() > 0) {
      s.tokens = bucket(level(s.tokens, limits.tokensPerMinute(), now) - tokens, now);
    }
    if (limits.tokensPerDay() > 0) {
      s.dayTokens += tokens;
    }
    return Future.succeededFuture();
  }

  private static void rollDay(Subject s, long now) {
    String today = Refusals.today(now);
    if (!today.equals(s.day)) {
      s.day = today;
      s.dayTokens = 0;
    }
  }

  private static double level(Bucket b, double cap, long now) {
    if (b == null) {
      return cap;
    }
    return Math.min(cap, b.level + Math.max(0, now - b.ts) * cap / Refusals.WINDOW_MS);
  }

  private static Bucket bucket(double level, long now) {
    Bucket b = new Bucket();
    b.level = level;
    b.ts = now;
    return b;
  }
}
