package dev.axon.common.tenant;

/** Frees a concurrency slot taken by a {@link RateLimitAcquire}. Replies with an empty body; unknown slots are ignored. */
public record RateLimitRelease(String subject, String leaseId) {
}
