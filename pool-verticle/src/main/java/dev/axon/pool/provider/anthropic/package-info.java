/**
 * Anthropic Messages API wire knowledge shared by the providers that speak it (directly over HTTP, or through
 * the {@code claude} CLI): stream event decoding and error mapping. Per-response objects, used on the pool
 * verticle's context.
 */
package dev.axon.pool.provider.anthropic;
