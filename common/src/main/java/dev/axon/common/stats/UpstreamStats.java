package dev.axon.common.stats;

/**
 * One HTTP upstream of a pool (a provider's base URL) and the circuit breaker in front of it.
 *
 * @param provider          the provider's configuration name ({@code anthropic}, {@code openai})
 * @param baseUrl           the upstream's base URL (never with credentials)
 * @param breaker           {@code closed}, {@code open} or {@code half_open}
 * @param failures          failures counted by the breaker in its current window
 * @param opened            how often the breaker opened since start
 * @param rejected          requests failed fast because the breaker was open
 * @param attempts          HTTP requests sent upstream (retries included)
 * @param retries           of those, retries after a 429, an overload or a connect error
 * @param retryAfterSeconds while open, seconds until the breaker lets a probe through; null otherwise
 */
public record UpstreamStats(String provider, String baseUrl, String breaker, long failures, long opened, long rejected,
                            long attempts, long retries, Integer retryAfterSeconds) {
}
