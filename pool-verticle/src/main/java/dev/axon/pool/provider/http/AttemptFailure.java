package dev.axon.pool.provider.http;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.MultiMap;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Why one attempt at an upstream request failed: the typed error the client would see, where it happened (which
 * decides whether a retry is safe and whether the circuit breaker counts it) and the upstream's retry hint. Travels
 * as the failure of the breaker's operation future, so it is an exception without a stack trace.
 */
final class AttemptFailure extends RuntimeException {

  /** Where the attempt failed. */
  enum Stage {
    /** No connection could be had (refused, unreachable, TLS, a kept-alive connection closed under the request). */
    CONNECT,
    /** The upstream answered with an error status. */
    STATUS,
    /** A 2xx response carried an error (an {@code error} event) or ended early. */
    STREAM,
    /** The upstream took too long to answer, or went silent in the middle of a response. */
    TIMEOUT,
    /** The caller cancelled the turn. */
    CANCELLED
  }

  private final AxonException error;
  private final Stage stage;
  private final Long retryAfterMs;

  AttemptFailure(AxonException error, Stage stage, Long retryAfterMs) {
    super(error.getMessage(), null, false, false);
    this.error = error;
    this.stage = stage;
    this.retryAfterMs = retryAfterMs;
  }

  static AttemptFailure connect(String why) {
    return new AttemptFailure(new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream could not be reached (" + why + ").", null, null),
        Stage.CONNECT, null);
  }

  static AttemptFailure status(AxonException error, MultiMap headers) {
    return new AttemptFailure(error, Stage.STATUS, retryAfterMs(headers));
  }

  static AttemptFailure stream(AxonException error) {
    return new AttemptFailure(error, Stage.STREAM, null);
  }

  static AttemptFailure timeout(String what, long ms) {
    return new AttemptFailure(new AxonException(ErrorKind.TIMEOUT, "The upstream timed out: " + what + " for " + ms + " ms.", null, null),
        Stage.TIMEOUT, null);
  }

  static AttemptFailure cancelled() {
    return new AttemptFailure(new AxonException(ErrorKind.CANCELLED, "The turn was cancelled."), Stage.CANCELLED, null);
  }

  AxonException error() {
    return error;
  }

  Stage stage() {
    return stage;
  }

  /** The upstream's {@code retry-after-ms} / {@code retry-after} in milliseconds, or null when it sent none. */
  Long retryAfterMs() {
    return retryAfterMs;
  }

  /**
   * Whether another attempt may succeed and is safe: connect errors (nothing was processed), rate limits and
   * overloads (the upstream refused the work).
   */
  boolean retryable() {
    switch (stage) {
      case CONNECT:
        return true;
      case STATUS:
      case STREAM:
        return error.kind() == ErrorKind.RATE_LIMITED || error.kind() == ErrorKind.UPSTREAM_OVERLOADED;
      default:
        return false;
    }
  }

  /**
   * Whether the circuit breaker counts this failure against the upstream's health: it could not be reached, timed
   * out, failed or was overloaded. Client errors, rate limits, bad credentials and cancels say nothing about it.
   */
  boolean countsAgainstUpstream() {
    switch (stage) {
      case CONNECT:
      case TIMEOUT:
        return true;
      case STATUS:
      case STREAM:
        return error.kind() == ErrorKind.UPSTREAM_ERROR || error.kind() == ErrorKind.UPSTREAM_OVERLOADED || error.kind() == ErrorKind.TIMEOUT;
      default:
        return false;
    }
  }

  /** {@code retry-after-ms} (non-standard, milliseconds), else {@code retry-after} (seconds or an HTTP date). */
  static Long retryAfterMs(MultiMap headers) {
    if (headers == null) {
      return null;
    }
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        return Math.max(0, (long) Double.parseDouble(ms.trim()));
      } catch (NumberFormatException e) {
        // fall through to retry-after
      }
    }
    String value = headers.get("retry-after");
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Math.max(0, (long) (Double.parseDouble(value.trim()) * 1000));
    } catch (NumberFormatException e) {
      try {
        long at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, at - System.currentTimeMillis());
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
