/**
 * The OpenAI dialect at the edge: request parsing into the canonical model, response and SSE rendering, and
 * the mapping of error kinds to OpenAI's statuses and error bodies. Nothing deeper knows this dialect.
 * Stateless; safe from any thread.
 */
package dev.axon.api.openai;
