package dev.axon.common.tenant;

/**
 * The limits of one API key, enforced cluster-wide by the store. Zero means "no limit" for each.
 *
 * @param requestsPerMinute  requests of any kind per rolling minute (a token bucket of this size, refilled evenly)
 * @param tokensPerMinute    prompt + completion tokens per rolling minute (a bucket charged after each turn)
 * @param tokensPerDay       prompt + completion tokens per UTC day (a quota: past it, {@code insufficient_quota})
 * @param concurrentRequests chat completions running at the same time
 */
public record KeyLimits(int requestsPerMinute, int tokensPerMinute, long tokensPerDay, int concurrentRequests) {

  public static final KeyLimits NONE = new KeyLimits(0, 0, 0, 0);

  public KeyLimits {
    if (requestsPerMinute < 0 || tokensPerMinute < 0 || tokensPerDay < 0 || concurrentRequests < 0) {
      throw new IllegalArgumentException("limits cannot be negative");
    }
  }

  /** Whether any window or bound is set, i.e. whether the store must be asked before a request. */
  public boolean any() {
    return requestsPerMinute > 0 || tokensPerMinute > 0 || tokensPerDay > 0 || concurrentRequests > 0;
  }

  /** Whether tokens are counted against a limit (so turns must be charged after they end). */
  public boolean countsTokens() {
    return tokensPerMinute > 0 || tokensPerDay > 0;
  }
}
