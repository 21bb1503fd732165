package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Token counts of one turn as the provider reported them.
 *
 * @param promptTokens     all input tokens, cached ones (read or written) included
 * @param completionTokens generated tokens, reasoning included
 * @param cachedTokens     the part of the input read from the provider's cache (Anthropic's
 *                         {@code cache_read_input_tokens})
 * @param reasoningTokens  the part of the output spent on reasoning, 0 when unknown
 * @param cacheWriteTokens the part of the input written to the provider's cache (Anthropic's
 *                         {@code cache_creation_input_tokens}), 0 when none or unknown
 */
public record Usage(int promptTokens, int completionTokens, int cachedTokens, int reasoningTokens,
                    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int cacheWriteTokens) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

  public Usage(int promptTokens, int completionTokens, int cachedTokens, int reasoningTokens) {
    this(promptTokens, completionTokens, cachedTokens, reasoningTokens, 0);
  }

  public static Usage of(int promptTokens, int completionTokens) {
    return new Usage(promptTokens, completionTokens, 0, 0, 0);
  }

  public int totalTokens() {
    return promptTokens + completionTokens;
  }

  /** The input tokens neither read from nor written to the cache (Anthropic's {@code input_tokens}). */
  public int uncachedPromptTokens() {
    return Math.max(0, promptTokens - cachedTokens - cacheWriteTokens);
  }

  public Usage plus(Usage other) {
    return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
        cachedTokens + other.cachedTokens, reasoningTokens + other.reasoningTokens, cacheWriteTokens + other.cacheWriteTokens);
  }
}
