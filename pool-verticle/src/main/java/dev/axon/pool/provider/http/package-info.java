/**
 * What every HTTP provider shares: the upstream (a kept-alive connection pool with a circuit breaker), one turn's
 * attempts with retries, timeouts and cancel, an incremental SSE parser, and sessions as slots on the pool. The
 * protocols ({@code anthropic}, {@code openai}) plug in as {@link dev.axon.pool.provider.http.UpstreamCall}s.
 * Everything here runs on the pool verticle's context.
 */
package dev.axon.pool.provider.http;
