package dev.axon.common.error;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * An error as a value with a kind. It extends {@link ReplyException} so that a verticle can reply with it
 * over the event bus (its codec carries kind, message, param and retry-after across JVMs) and the caller's
 * {@code request} future fails with the same typed error. No stack trace: these are expected outcomes,
 * not bugs, and they are created on hot paths.
 */
public final class AxonException extends ReplyException {

  private final ErrorKind kind;
  private final String param;
  private final Integer retryAfterSeconds;

  public AxonException(ErrorKind kind, String message, String param, Integer retryAfterSeconds) {
    super(ReplyFailure.RECIPIENT_FAILURE, kind.ordinal(), message, true);
    this.kind = kind;
    this.param = param;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public AxonException(ErrorKind kind, String message) {
    this(kind, message, null, null);
  }

  public static AxonException invalid(String param, String message) {
    return new AxonException(ErrorKind.INVALID_REQUEST, message, param, null);
  }

  public static AxonException of(ErrorKind kind, String message) {
    return new AxonException(kind, message);
  }

  /**
   * Turns any failure into a typed one: an {@code AxonException} stays as it is, event-bus failures that
   * mean "nobody is there" or "no answer in time" become {@link ErrorKind#UNAVAILABLE} / {@link ErrorKind#TIMEOUT},
   * the rest is {@link ErrorKind#INTERNAL} with a generic message (the original is for the log, not the client).
   */
  public static AxonException from(Throwable failure, String what) {
    if (failure instanceof AxonException e) {
      return e;
    }
    if (failure instanceof ReplyException re) {
      switch (re.failureType()) {
        case NO_HANDLERS:
          return new AxonException(ErrorKind.UNAVAILABLE, what + " is not available");
        case TIMEOUT:
          return new AxonException(ErrorKind.TIMEOUT, what + " did not answer in time");
        default:
          break;
      }
    }
    return new AxonException(ErrorKind.INTERNAL, what + " failed");
  }

  public ErrorKind kind() {
    return kind;
  }

  /** The request field the error is about, or null. */
  public String param() {
    return param;
  }

  /** Seconds after which a retry may succeed, or null when unknown. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public String toString() {
    return "AxonException{" + kind + ": " + getMessage() + (param != null ? ", param=" + param : "") + "}";
  }
}
