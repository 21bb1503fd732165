package dev.axon.common.tokens;

/**
 * The input tokens of a request: the provider's own count when its upstream counts (Anthropic's
 * {@code count_tokens}), else an estimate.
 *
 * @param inputTokens system, messages and tools together
 */
public record TokenCount(int inputTokens) {
}
