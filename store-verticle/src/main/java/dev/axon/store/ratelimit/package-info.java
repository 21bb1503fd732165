/**
 * Per-key rate limits and quotas for the store role: {@link dev.axon.store.ratelimit.RateLimiter} with a Valkey
 * implementation (atomic Lua scripts, shared by every API node) and an in-memory twin. Confined to the store
 * verticle's context.
 */
package dev.axon.store.ratelimit;
