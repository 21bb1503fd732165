package dev.axon.api.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import java.io.IOException;

/**
 * The one place where error kinds become OpenAI's dialect: a status, an error {@code type} and {@code code}, and
 * the body {@code {"error":{"message","type","param","code"}}}.
 */
public final class OpenAiErrors {

  /** How a kind looks to an OpenAI client. */
  public record Mapping(int status, String type, String code) {
  }

  private OpenAiErrors() {
  }

  public static Mapping map(ErrorKind kind) {
    switch (kind) {
      case INVALID_REQUEST: return new Mapping(400, "invalid_request_error", null);
      case UNAUTHENTICATED: return new Mapping(401, "invalid_request_error", "invalid_api_key");
      case FORBIDDEN: return new Mapping(403, "permission_error", "permission_denied");
      case NOT_FOUND: return new Mapping(404, "invalid_request_error", "not_found");
      case MODEL_NOT_FOUND: return new Mapping(404, "invalid_request_error", "model_not_found");
      case CONFLICT: return new Mapping(409, "invalid_request_error", "conversation_busy");
      case PAYLOAD_TOO_LARGE: return new Mapping(413, "invalid_request_error", "request_too_large");
      case EXPECTATION_FAILED: return new Mapping(417, "invalid_request_error", "expectation_failed");
      case RATE_LIMITED: return new Mapping(429, "requests", "rate_limit_exceeded");
      case QUOTA_EXCEEDED: return new Mapping(429, "insufficient_quota", "insufficient_quota");
      case POOL_BUSY: return new Mapping(429, "server_busy", "pool_busy");
      case UNAVAILABLE: return new Mapping(503, "server_error", "service_unavailable");
      case UPSTREAM_ERROR: return new Mapping(502, "server_error", "upstream_error");
      case UPSTREAM_AUTH: return new Mapping(502, "server_error", "upstream_authentication_failed");
      case UPSTREAM_OVERLOADED: return new Mapping(503, "server_error", "upstream_overloaded");
      case TIMEOUT: return new Mapping(504, "server_error", "timeout");
      case CANCELLED: return new Mapping(499, "server_error", "cancelled");
      default: return new Mapping(500, "server_error", null);
    }
  }

  /** Writes the {@code error} object (not the envelope). */
  public static void writeError(JsonGenerator g, AxonException e) throws IOException {
    Mapping m = map(e.kind());
    g.writeObjectFieldStart("error");
    g.writeStringField("message", e.getMessage() == null ? "Unexpected error." : e.getMessage());
    g.writeStringField("type", m.type());
    if (e.param() == null) {
      g.writeNullField("param");
    } else {
      g.writeStringField("param", e.param());
    }
    if (m.code() == null) {
      g.writeNullField("code");
    } else {
      g.writeStringField("code", m.code());
    }
    g.writeEndObject();
  }
}
