package dev.axon.api.http;

import dev.axon.api.anthropic.AnthropicErrors;
import dev.axon.api.openai.OpenAiErrors;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Ends HTTP exchanges: JSON bodies, and errors in the request's {@link Dialect} (OpenAI's or Anthropic's body and
 * status) with Retry-After when the error has one.
 */
public final class Responses {

  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private Responses() {
  }

  public static void json(RoutingContext rc, int status, Buffer body) {
    HttpServerResponse response = rc.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body);
  }

  public static void error(RoutingContext rc, Throwable failure) {
    AxonException e = AxonException.from(failure, "The gateway");
    HttpServerResponse response = rc.response();
    if (response.headWritten()) {
      if (!response.ended() && !response.closed()) {
        response.end();
      }
      return;
    }
    if (e.retryAfterSeconds() != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
    }
    if (Dialect.of(rc) == Dialect.ANTHROPIC) {
      json(rc, AnthropicErrors.status(e.kind()), AnthropicErrors.body(e, RequestIds.of(rc)));
      return;
    }
    int status = OpenAiErrors.map(e.kind()).status();
    json(rc, status == 499 ? 400 : status, OpenAiRenderer.error(e));
  }
}
