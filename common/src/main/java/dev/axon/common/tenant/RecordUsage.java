package dev.axon.common.tenant;

/**
 * Meters one finished chat completion: one request and its tokens for the key and model on the store's current UTC
 * day (kept 90 days), added to the gateway-wide totals too, and charged to the key's token limits when it has any.
 * Replies with an empty body.
 *
 * @param subject the key's configured name
 * @param model   the served model the request resolved to
 * @param limits  the key's limits now (the token windows to charge)
 */
public record RecordUsage(String subject, String model, KeyLimits limits, int promptTokens, int completionTokens, int cachedTokens) {
}
