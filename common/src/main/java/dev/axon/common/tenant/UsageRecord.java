package dev.axon.common.tenant;

/** What one key (or every key) used of one model on one UTC day. {@code promptTokens} includes the cached ones. */
public record UsageRecord(String date, String model, long requests, long promptTokens, long completionTokens, long cachedTokens) {
}
