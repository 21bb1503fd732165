package dev.axon.common.chat;

/**
 * Token counts of one turn as the provider reported them.
 *
 * @param promptTokens     all input tokens, cached ones included
 * @param completionTokens generated tokens, reasoning included
 * @param cachedTokens     the part of the input read from the provider's cache
 * @param reasoningTokens  the part of the output spent on reasoning, 0 when unknown
 */
public record Usage(int promptTokens, int completionTokens, int cachedTokens, int reasoningTokens) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0);

  public static Usage of(int promptTokens, int completionTokens) {
    return new Usage(promptTokens, completionTokens, 0, 0);
  }

  public int totalTokens() {
    return promptTokens + completionTokens;
  }

  public Usage plus(Usage other) {
    return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
        cachedTokens + other.cachedTokens, reasoningTokens + other.reasoningTokens);
  }
}
