package dev.axon.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.axon.api.http.JsonWriter;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * The one place where error kinds become Anthropic's dialect: a status and an error {@code type}, in the envelope
 * {@code {"type":"error","error":{"type","message"},"request_id"}}. Anthropic's own statuses where it has them
 * (400, 401, 403, 404, 413, 429, 500, 529); Axon's 409, 502, 503 and 504 where Axon uses them, with the type the
 * SDKs know best ({@code timeout_error} for 504).
 */
public final class AnthropicErrors {

  private AnthropicErrors() {
  }

  public static int status(ErrorKind kind) {
    switch (kind) {
      case INVALID_REQUEST: return 400;
      case UNAUTHENTICATED: return 401;
      case FORBIDDEN: return 403;
      case NOT_FOUND:
      case MODEL_NOT_FOUND: return 404;
      case CONFLICT: return 409;
      case PAYLOAD_TOO_LARGE: return 413;
      case EXPECTATION_FAILED: return 417;
      case RATE_LIMITED:
      case QUOTA_EXCEEDED:
      case POOL_BUSY: return 429;
      case UPSTREAM_ERROR:
      case UPSTREAM_AUTH: return 502;
      case UNAVAILABLE: return 503;
      case UPSTREAM_OVERLOADED: return 529;
      case TIMEOUT: return 504;
      case CANCELLED: return 400;
      default: return 500;
    }
  }

  /** The {@code error.type} of a kind. */
  public static String type(ErrorKind kind) {
    switch (kind) {
      case INVALID_REQUEST:
      case CONFLICT:
      case EXPECTATION_FAILED:
      case CANCELLED: return "invalid_request_error";
      case UNAUTHENTICATED: return "authentication_error";
      case FORBIDDEN: return "permission_error";
      case NOT_FOUND:
      case MODEL_NOT_FOUND: return "not_found_error";
      case PAYLOAD_TOO_LARGE: return "request_too_large";
      case RATE_LIMITED:
      case QUOTA_EXCEEDED:
      case POOL_BUSY: return "rate_limit_error";
      case UPSTREAM_OVERLOADED:
      case UNAVAILABLE: return "overloaded_error";
      case TIMEOUT: return "timeout_error";
      default: return "api_error";
    }
  }

  /** A whole error body; {@code requestId} may be null (an error event inside a stream has none). */
  public static Buffer body(AxonException e, String requestId) {
    return JsonWriter.buffer(g -> write(g, e, requestId));
  }

  static void write(JsonGenerator g, AxonException e, String requestId) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "error");
    g.writeObjectFieldStart("error");
    g.writeStringField("type", type(e.kind()));
    g.writeStringField("message", e.getMessage() == null ? "Unexpected error." : e.getMessage());
    g.writeEndObject();
    if (requestId != null) {
      g.writeStringField("request_id", requestId);
    }
    g.writeEndObject();
  }
}
