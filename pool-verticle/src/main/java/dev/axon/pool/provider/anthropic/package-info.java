/**
 * Anthropic Messages API wire knowledge shared by the providers that speak it (directly over HTTP, or through
 * the {@code claude} CLI): stream event decoding and error mapping; and the {@code anthropic} provider itself:
 * request translation from the canonical model (an OpenAI client's request, or an Anthropic client's, which reaches
 * the upstream as it was sent), structured outputs, the reading of its responses (thinking, redacted thinking and
 * server-tool blocks included) and token counts. Per-response objects, used on the pool verticle's context.
 */
package dev.axon.pool.provider.anthropic;
