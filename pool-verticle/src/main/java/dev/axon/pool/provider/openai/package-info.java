/**
 * The {@code openai} provider: OpenAI-compatible upstreams (vLLM, Ollama, OpenAI) over HTTP, requests passed through
 * and streams relayed chunk by chunk. Runs on the pool verticle's context.
 */
package dev.axon.pool.provider.openai;
