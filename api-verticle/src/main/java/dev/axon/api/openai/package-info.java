/**
 * The OpenAI dialect at the edge: request parsing into the canonical model, response and SSE rendering, and
 * the mapping of error kinds to OpenAI's statuses and error bodies. It plugs into the dialect-neutral chat chain
 * ({@link dev.axon.api.chat}); nothing deeper knows this dialect. Parsers and renderers are stateless and safe from
 * any thread; an exchange's renderer (its stream's chunk writer) belongs to that exchange's context.
 */
package dev.axon.api.openai;
