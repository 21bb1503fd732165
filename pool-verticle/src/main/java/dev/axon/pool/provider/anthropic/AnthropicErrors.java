package dev.axon.pool.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Anthropic's error statuses and types as typed errors. Shared by every provider that talks to a Messages API
 * (over HTTP, or through the {@code claude} CLI, which reports the upstream status). The gateway's own
 * credentials are never named in a message.
 */
public final class AnthropicErrors {

  private AnthropicErrors() {
  }

  /**
   * An upstream HTTP error. {@code message} is the upstream's text (passed on only for client errors, where it
   * explains what to fix); {@code retryAfter} is the {@code retry-after} header, or null.
   */
  public static AxonException fromStatus(int status, String message, String retryAfter) {
    Integer retry = parseRetryAfter(retryAfter);
    switch (status) {
      case 400:
      case 422:
        return new AxonException(ErrorKind.INVALID_REQUEST, "The upstream rejected the request: " + orDefault(message, "invalid request"), null, null);
      case 401:
      case 403:
        return new AxonException(ErrorKind.UPSTREAM_AUTH,
            "The gateway's upstream credentials were rejected (HTTP " + status + "); this is a gateway configuration problem.", null, null);
      case 404:
        return new AxonException(ErrorKind.MODEL_NOT_FOUND, "The upstream does not know the requested model: " + orDefault(message, "not found"), "model", null);
      case 408:
      case 504:
        return new AxonException(ErrorKind.TIMEOUT, "The upstream timed out (HTTP " + status + ").", null, retry);
      case 413:
        return new AxonException(ErrorKind.PAYLOAD_TOO_LARGE, "The request is too large for the upstream.", null, null);
      case 429:
        return new AxonException(ErrorKind.RATE_LIMITED, "The upstream rate limit was reached; retry later.", null, retry != null ? retry : 1);
      case 503:
      case 529:
        return new AxonException(ErrorKind.UPSTREAM_OVERLOADED, "The upstream is overloaded; retry later.", null, retry != null ? retry : 1);
      default:
        return new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream failed (HTTP " + status + ").", null, retry);
    }
  }

  /**
   * An unsuccessful HTTP response: its status, the message of Anthropic's error body when it has one (a proxy's page
   * or Cloudflare's 413 has none: the status says enough), its {@code retry-after}.
   */
  public static AxonException fromResponse(int status, Buffer body, MultiMap headers) {
    String message = null;
    try {
      JsonNode json = Json.MAPPER.readTree(body.getBytes());
      if (json != null) {
        message = json.path("error").path("message").asText(null);
      }
    } catch (IOException | RuntimeException e) {
      // not JSON
    }
    return fromStatus(status, message, headers.get("retry-after"));
  }

  /** An error event inside a stream, by its {@code error.type}. */
  public static AxonException fromType(String type, String message) {
    if (type == null) {
      return fromStatus(500, message, null);
    }
    switch (type) {
      case "invalid_request_error": return fromStatus(400, message, null);
      case "authentication_error": return fromStatus(401, message, null);
      case "permission_error": return fromStatus(403, message, null);
      case "not_found_error": return fromStatus(404, message, null);
      case "request_too_large": return fromStatus(413, message, null);
      case "rate_limit_error": return fromStatus(429, message, null);
      case "overloaded_error": return fromStatus(529, message, null);
      case "timeout_error": return fromStatus(504, message, null);
      default: return fromStatus(500, message, null);
    }
  }

  /** Seconds from a {@code retry-after} value (seconds, possibly fractional); null when absent or not a number. */
  public static Integer parseRetryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return (int) Math.max(1, Math.ceil(Double.parseDouble(value.trim())));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String orDefault(String message, String fallback) {
    return message == null || message.isBlank() ? fallback : message;
  }
}
