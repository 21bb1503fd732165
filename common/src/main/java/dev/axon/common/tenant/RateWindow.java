package dev.axon.common.tenant;

/**
 * One limit's state as OpenAI's {@code x-ratelimit-*} headers show it.
 *
 * @param limit     the configured size of the window
 * @param remaining what is left now (never negative)
 * @param resetMs   milliseconds until the window is back to its full size
 */
public record RateWindow(long limit, long remaining, long resetMs) {
}
