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

  // Names and values written on every response, made once: Netty then neither validates nor hashes them per request.
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence PROVIDER = HttpHeaders.createOptimized("x-axon-provider");
  private static final CharSequence SERVED_MODEL = HttpHeaders.createOptimized("x-axon-served-model");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence X_ACCEL_BUFFERING = HttpHeaders.createOptimized("X-Accel-Buffering");
  private static final CharSequence NO = HttpHeaders.createOptimized("no");

  private Responses() {
  }

  public static void json(RoutingContext rc, int status, Buffer body) {
    HttpServerResponse response = rc.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body);
  }

  /** The head of a server-sent event stream: never cached, never buffered by a proxy in front. */
  public static void eventStream(HttpServerResponse response) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM).putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE)
        .putHeader(X_ACCEL_BUFFERING, NO);
  }

  /** Which provider and model served a reply, when known ({@code x-axon-provider}, {@code x-axon-served-model}). */
  public static void servedBy(HttpServerResponse response, String provider, String model) {
    if (provider != null) {
      response.putHeader(PROVIDER, provider);
    }
    if (model != null) {
      response.putHeader(SERVED_MODEL, model);
    }
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
    Dialect dialect = Dialect.of(rc);
    Buffer body = errorBody(dialect, e, RequestIds.of(rc));
    if (dialect == Dialect.ANTHROPIC) {
      json(rc, AnthropicErrors.status(e.kind()), body);
      return;
    }
    int status = OpenAiErrors.map(e.kind()).status();
    json(rc, status == 499 ? 400 : status, body);
  }

  /** An error's body in a dialect: Anthropic's carries the request id, OpenAI's does not. */
  public static Buffer errorBody(Dialect dialect, AxonException e, String requestId) {
    return dialect == Dialect.ANTHROPIC ? AnthropicErrors.body(e, requestId) : OpenAiRenderer.error(e);
  }
}
