/**
 * The Anthropic Messages dialect at the edge: request parsing into the canonical model, the {@code message} body and
 * its event stream, token counts and models in Anthropic's shape, and the mapping of error kinds to Anthropic's
 * statuses and error bodies. It plugs into the same chat chain as OpenAI's dialect ({@link dev.axon.api.chat}); nothing
 * deeper knows this dialect. Parsers and renderers are stateless and safe from any thread; a stream's
 * {@link dev.axon.api.anthropic.AnthropicSseWriter} belongs to its exchange's context.
 */
package dev.axon.api.anthropic;
