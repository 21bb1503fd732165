/**
 * Tenants at the edge: per-key limits checked with one store round trip before every {@code /v1} request
 * ({@link dev.axon.api.tenant.RateLimitHandler}, with OpenAI's {@code x-ratelimit-*} headers), usage metered after
 * every chat completion ({@link dev.axon.api.tenant.UsageRecorder}) and read back by {@code GET /v1/usage}
 * ({@link dev.axon.api.tenant.UsageHandler}). Handlers are confined to their API verticle instance's context.
 */
package dev.axon.api.tenant;
