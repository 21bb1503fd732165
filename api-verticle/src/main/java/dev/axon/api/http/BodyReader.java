package dev.axon.api.http;

import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Reads a request body whole, up to a limit, and leaves it as the routing context's body, as vert.x-web's
 * {@code BodyHandler} does for JSON routes (no forms, no uploads): 413 past the limit (at once when the declared length
 * is over it), {@code Expect: 100-continue} answered, any other expectation refused with 417.
 *
 * <p>Unlike {@code BodyHandler} it does not resume the request: resuming schedules a task on the event loop for every
 * request, although nothing is paused at this point (a handler that pauses a request resumes it before it passes it
 * on), and a body that arrives in one piece (a chat request, nearly always) is kept as it came instead of being copied
 * into a buffer of its own.
 */
public final class BodyReader implements Handler<RoutingContext> {

  /** The most preallocated for a body declared larger: a client that declares a length does not get it reserved. */
  private static final int MAX_PREALLOCATED = 64 * 1024;

  private final long limitBytes;

  public BodyReader(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  @Override
  public void handle(RoutingContext rc) {
    RoutingContextInternal context = (RoutingContextInternal) rc;
    if (context.seenHandler(RoutingContextInternal.BODY_HANDLER)) {
      // Rerouted: the body was read on the first pass.
      rc.next();
      return;
    }
    context.visitHandler(RoutingContextInternal.BODY_HANDLER);
    HttpServerRequest request = rc.request();
    long declared = declaredLength(request);
    boolean chunked = request.version() == HttpVersion.HTTP_2 || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    if (!chunked && declared < 0) {
      rc.next();
      return;
    }
    if (declared > limitBytes) {
      rc.fail(413);
      return;
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null) {
      if (!expect.equalsIgnoreCase("100-continue")) {
        rc.fail(417);
        return;
      }
      if (request.version() != HttpVersion.HTTP_1_0) {
        rc.response().writeContinue();
      }
    }
    if (request.isEnded()) {
      rc.fail(new VertxException("the body was read before the body reader ran", true));
      return;
    }
    Body body = new Body(rc, declared);
    request.handler(body).endHandler(body::end);
  }

  /** The {@code Content-Length} the request declares, or -1 when none (or none valid) is there. */
  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null || value.isEmpty()) {
      return -1;
    }
    try {
      long length = Long.parseLong(value);
      return length < 0 ? -1 : length;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** One request's body as it arrives. */
  private final class Body implements Handler<Buffer> {

    private final RoutingContext rc;
    private final long declared;
    /** The first piece, kept as it came while it is the only one. */
    private Buffer first;
    /** Every piece, once a second one came. */
    private Buffer joined;
    private long size;
    private boolean failed;

    Body(RoutingContext rc, long declared) {
      this.rc = rc;
      this.declared = declared;
    }

    @Override
    public void handle(Buffer piece) {
      if (failed) {
        return;
      }
      size += piece.length();
      if (size > limitBytes) {
        failed = true;
        first = null;
        joined = null;
        rc.fail(413);
        return;
      }
      if (first == null && joined == null) {
        first = piece;
        return;
      }
      if (joined == null) {
        // Room for the declared length (at most the limit, checked before reading), else for twice what came so far.
        joined = Buffer.buffer((int) Math.min(declared > 0 ? declared : 2L * size, MAX_PREALLOCATED));
        joined.appendBuffer(first);
        first = null;
      }
      joined.appendBuffer(piece);
    }

    void end(Void ignored) {
      if (failed || rc.failed()) {
        return;
      }
      Buffer body = joined != null ? joined : first != null ? first : Buffer.buffer();
      first = null;
      joined = null;
      ((RoutingContextInternal) rc).setBody(body);
      rc.next();
    }
  }
}
