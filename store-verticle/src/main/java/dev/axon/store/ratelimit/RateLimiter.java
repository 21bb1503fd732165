package dev.axon.store.ratelimit;

import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import dev.axon.store.StoreOptions;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

/**
 * Per-key limits, shared by every API node: requests and tokens per minute (token buckets), tokens per UTC day (a
 * quota) and concurrent turns (leases that expire unless renewed). Deciding is one atomic step; tokens are charged
 * after a turn, when they are known. Every method fails with {@code UNAVAILABLE} when the backend cannot be reached.
 * Used from the store verticle's context.
 */
public interface RateLimiter {

  /** The Valkey limiter on a shared client, or the in-memory one for the {@code memory} backend. */
  static RateLimiter create(StoreOptions options, Redis redis) {
    return redis == null ? new InMemoryRateLimiter() : new ValkeyRateLimiter(options, redis);
  }

  Future<RateLimitDecision> acquire(RateLimitAcquire request);

  Future<Void> renew(RateLimitRenew request);

  Future<Void> release(RateLimitRelease request);

  /** Charges a finished turn's tokens to the key's per-minute bucket and day quota (those that are set). */
  Future<Void> charge(String subject, KeyLimits limits, long tokens);

  /** Applies run-time options (the command timeout). */
  default void reconfigure(StoreOptions options) {
  }
}
