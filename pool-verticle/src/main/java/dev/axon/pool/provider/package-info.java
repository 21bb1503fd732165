/**
 * The provider SPI: a {@link dev.axon.pool.provider.Provider} opens {@link dev.axon.pool.provider.Session}s that
 * the pool keeps warm and reuses. Providers know one upstream protocol each and nothing of HTTP dialects or
 * conversation storage. A provider also counts a request's input tokens (its upstream's count, or an estimate).
 * Everything here is called from the pool verticle's context.
 */
package dev.axon.pool.provider;
