package dev.axon.pool.provider.claudecode;

import dev.axon.common.tokens.TokenEstimator;

/**
 * Counts output tokens while they stream, for {@code max_tokens}: the CLI reports the upstream's real count only
 * when a reply ends, so a cap is enforced on an estimate, {@link TokenEstimator}'s rule applied as the text comes. The
 * estimate errs toward counting more, which stops a capped reply a little early rather than late.
 *
 * <p>Not thread-safe: one counter per turn.
 */
final class TokenCounter {

  private long complete;
  private int partial;

  /** Tokens of everything added so far. */
  long count() {
    return complete + tokens(partial);
  }

  void add(String text) {
    for (int i = 0; i < text.length(); i++) {
      step(text.charAt(i));
    }
  }

  /**
   * Adds the longest prefix of {@code text} that keeps the count within {@code cap} and returns its length
   * (never splitting a surrogate pair); {@code text.length()} means everything fit.
   */
  int fit(String text, long cap) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      long before = complete;
      int partialBefore = partial;
      step(c);
      if (count() > cap) {
        complete = before;
        partial = partialBefore;
        int cut = i;
        if (cut > 0 && Character.isHighSurrogate(text.charAt(cut - 1))) {
          cut--;
          // the high surrogate was counted as a character of the word: take it back
          partial = Math.max(0, partial - 1);
        }
        return cut;
      }
    }
    return text.length();
  }

  private void step(char c) {
    if (Character.isWhitespace(c)) {
      complete += tokens(partial);
      partial = 0;
    } else {
      partial++;
    }
  }

  private static long tokens(int chars) {
    return TokenEstimator.wordTokens(chars);
  }
}
