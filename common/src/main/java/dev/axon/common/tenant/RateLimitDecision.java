package dev.axon.common.tenant;

import dev.axon.common.error.ErrorKind;

/**
 * The store's answer to a {@link RateLimitAcquire}.
 *
 * @param allowed      whether the request may run (and was counted)
 * @param refusal      {@code RATE_LIMITED} or {@code QUOTA_EXCEEDED} when refused, else null
 * @param message      why it was refused, for the client; null when allowed
 * @param retryAfterMs when a retry may succeed; 0 when allowed
 * @param requests     the requests-per-minute window, or null when not limited
 * @param tokens       the tokens window (per minute, else per day), or null when not limited
 */
public record RateLimitDecision(boolean allowed, ErrorKind refusal, String message, long retryAfterMs,
                                RateWindow requests, RateWindow tokens) {
}
