package dev.axon.api.ops;

import dev.axon.api.http.Dialect;
import dev.axon.api.http.RequestIds;
import dev.axon.api.http.Responses;
import dev.axon.api.http.TrustedProxies;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Supplier;

/**
 * Requests the HTTP decoder could not read, which never reach the router: a request line or headers past the
 * server's limits, or a malformed request. They get the status Vert.x gives them (414, 431, else 400) with an error
 * body in the request's {@link Dialect} and a request id, as every other error does (Vert.x's default sends the
 * status alone); they are counted and logged like any request, on the route {@value #ROUTE}; and the connection
 * closes: what follows on it cannot be framed.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {

  /** The route such requests are counted and logged on. */
  public static final String ROUTE = "invalid";

  private final EdgeOps ops;
  private final Supplier<TrustedProxies> proxies;
  private final int maxRequestLine;
  private final int maxHeaders;

  /**
   * @param proxies        the proxies whose {@code X-Forwarded-For} names the client the access log shows
   * @param maxRequestLine the server's longest request line, in bytes, named in the message
   * @param maxHeaders     the server's largest headers, in bytes, named in the message
   */
  public InvalidRequests(EdgeOps ops, Supplier<TrustedProxies> proxies, int maxRequestLine, int maxHeaders) {
    this.ops = ops;
    this.proxies = proxies;
    this.maxRequestLine = maxRequestLine;
    this.maxHeaders = maxHeaders;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = System.nanoTime();
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
    HttpServerResponse response = request.response();
    Dialect dialect = Dialect.decide(request);
    if (dialect == Dialect.ANTHROPIC) {
      response.putHeader(Dialect.REQUEST_ID_HEADER, requestId);
    }
    response.setStatusCode(status).putHeader(RequestIds.HEADER, requestId)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CONNECTION, "close")
        .end(Responses.errorBody(dialect, error, requestId))
        .onComplete(ended -> {
          ops.record(new RequestRecord(requestId, request.method().name(), request.path(), ROUTE, false,
              ended.succeeded() ? status : 499, (System.nanoTime() - start) / 1e6, response.bytesWritten(), null,
              proxies.get().clientAddress(request), null, null));
          request.connection().close();
        });
  }
}
