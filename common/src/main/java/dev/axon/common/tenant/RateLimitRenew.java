package dev.axon.common.tenant;

/** Keeps a concurrency slot of a running request alive for another {@code leaseTtlMs}. Replies with an empty body. */
public record RateLimitRenew(String subject, String leaseId, long leaseTtlMs) {
}
