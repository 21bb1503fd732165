package dev.axon.api.http;

import dev.axon.api.anthropic.AnthropicErrors;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP decoder could not read, which never reach the router: a request line or headers past the
 * server's limits, or a malformed request. They get the status Vert.x gives them (414, 431, else 400) with an error
 * body in the request's {@link Dialect} and a request id, as every other error does (Vert.x's default sends the
 * status alone), and the connection closes: what follows on it cannot be framed.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {

  private final int maxRequestLine;
  private final int maxHeaders;

  /** The server's limits, named in the messages: its longest request line and its largest headers, in bytes. */
  public InvalidRequests(int maxRequestLine, int maxHeaders) {
    this.maxRequestLine = maxRequestLine;
    this.maxHeaders = maxHeaders;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    AxonException error;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      error = new AxonException(ErrorKind.PAYLOAD_TOO_LARGE, "The request line is longer than " + maxRequestLine + " bytes.");
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      error = new AxonException(ErrorKind.PAYLOAD_TOO_LARGE, "The request headers are larger than " + maxHeaders + " bytes.");
    } else {
      status = 400;
      error = AxonException.invalid(null, "The request could not be read.");
    }
    String requestId = RequestIds.random("req_", 24);
    Buffer body;
    if (Dialect.decide(request) == Dialect.ANTHROPIC) {
      request.response().putHeader("request-id", requestId);
      body = AnthropicErrors.body(error, requestId);
    } else {
      body = OpenAiRenderer.error(error);
    }
    request.response().setStatusCode(status).putHeader(RequestIds.HEADER, requestId)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CONNECTION, "close")
        .end(body)
        .onComplete(done -> request.connection().close());
  }
}
