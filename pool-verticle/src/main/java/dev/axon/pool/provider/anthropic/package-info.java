/**
 * Anthropic Messages API wire knowledge shared by the providers that speak it (directly over HTTP, or through
 * the {@code claude} CLI): stream event decoding and error mapping; and the {@code anthropic} provider itself:
 * request translation from the canonical (OpenAI-shaped) model, structured outputs, and the reading of its
 * responses. Per-response objects, used on the pool verticle's context.
 */
package dev.axon.pool.provider.anthropic;
