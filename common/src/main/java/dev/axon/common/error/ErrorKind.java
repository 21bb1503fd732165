package dev.axon.common.error;

/**
 * What went wrong, independent of any client dialect. The HTTP edge maps each kind once to a status
 * and an error body; nothing deeper knows about HTTP.
 */
public enum ErrorKind {
  /** The client's request is malformed or asks for something impossible. */
  INVALID_REQUEST,
  /** No API key, a malformed one, or an unknown one. */
  UNAUTHENTICATED,
  /** A known key that may not do this. */
  FORBIDDEN,
  /** The resource does not exist, or belongs to someone else (the two are never told apart). */
  NOT_FOUND,
  /** The requested model is not served. */
  MODEL_NOT_FOUND,
  /** Another turn holds the conversation. */
  CONFLICT,
  /** The request body or a part of it is too large. */
  PAYLOAD_TOO_LARGE,
  /** The request's {@code Expect} header asks for something other than {@code 100-continue}. */
  EXPECTATION_FAILED,
  /** A per-key rate limit was hit. */
  RATE_LIMITED,
  /** A per-key quota is used up. */
  QUOTA_EXCEEDED,
  /** No session became free within the queue deadline, or the wait queue is full. */
  POOL_BUSY,
  /** A dependency (the store, the pool, an open breaker) cannot serve now. */
  UNAVAILABLE,
  /** The provider failed. */
  UPSTREAM_ERROR,
  /** The provider rejected the gateway's own credentials. */
  UPSTREAM_AUTH,
  /** The provider says it is overloaded. */
  UPSTREAM_OVERLOADED,
  /** The provider or the turn took too long. */
  TIMEOUT,
  /** The caller went away; nobody waits for the answer. */
  CANCELLED,
  /** A bug in the gateway. */
  INTERNAL;

  private static final ErrorKind[] VALUES = values();

  public static ErrorKind ofOrdinal(int ordinal) {
    return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : INTERNAL;
  }

  /** Whether a fresh attempt (another session, another node) may succeed where this one failed. */
  public boolean retryable() {
    return this == UPSTREAM_ERROR || this == UPSTREAM_OVERLOADED || this == TIMEOUT || this == UNAVAILABLE;
  }
}
