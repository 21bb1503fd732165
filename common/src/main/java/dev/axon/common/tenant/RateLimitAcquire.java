package dev.axon.common.tenant;

/**
 * Asks, in one atomic step, whether a request of a limited key may run, and if so counts it. Every request counts
 * against {@code requestsPerMinute}; a turn (a chat completion) must also find tokens left in the per-minute bucket
 * and the day's quota, and takes a concurrency slot when {@code concurrentRequests} is set. Nothing is consumed when
 * the answer is no. Replies {@link RateLimitDecision}.
 *
 * @param subject    whose counters: the key's configured name
 * @param turn       a chat completion (checks tokens, takes a slot) rather than another request
 * @param leaseId    the concurrency slot to take, or null when the key has no concurrency limit
 * @param leaseTtlMs the slot frees itself this long after its last renewal (a node that died holds nothing for long)
 */
public record RateLimitAcquire(String subject, KeyLimits limits, boolean turn, String leaseId, long leaseTtlMs) {
}
