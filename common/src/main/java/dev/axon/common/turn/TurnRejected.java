package dev.axon.common.turn;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;

/**
 * The pool could not take the turn (no session within the deadline, a saturated pool asked not to queue, a model it
 * does not serve): sent to the request's {@code replyTo} instead of {@link TurnAccepted}. The error's fields travel
 * as they are, so the caller maps it to its client exactly as if it had been raised on its own node.
 */
public record TurnRejected(String turnId, ErrorKind kind, String message, String param, Integer retryAfterSeconds) {

  public static TurnRejected of(String turnId, AxonException error) {
    return new TurnRejected(turnId, error.kind(), error.getMessage(), error.param(), error.retryAfterSeconds());
  }

  public AxonException toException() {
    return new AxonException(kind, message, param, retryAfterSeconds);
  }
}
