package dev.axon.api.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The API dialect a request speaks, decided once per request before anything can fail, so that every error it
 * gets (bad path, auth, limits, drain, validation, unknown routes) has that dialect's shape:
 * <ul>
 *   <li>{@link #ANTHROPIC} for {@code /v1/messages} and everything under it, and for {@code /v1/models} (and
 *       {@code /v1/models/...}) when the request carries {@code anthropic-version}, as Anthropic's SDKs and Claude
 *       Code always do; such responses also carry Anthropic's {@code request-id} header;</li>
 *   <li>{@link #OPENAI} for everything else.</li>
 * </ul>
 */
public enum Dialect {
  OPENAI,
  ANTHROPIC;

  /** The header every Anthropic client sends. */
  public static final String ANTHROPIC_VERSION = "anthropic-version";
  /** Anthropic's response header naming the request, sent besides {@code x-request-id}. */
  public static final String REQUEST_ID_HEADER = "request-id";
  private static final String KEY = "axon.dialect";

  /** Router-wide, right after {@link RequestIds}: records the request's dialect. */
  public static void mark(RoutingContext rc) {
    Dialect dialect = decide(rc.request());
    rc.put(KEY, dialect);
    if (dialect == ANTHROPIC) {
      rc.response().putHeader(REQUEST_ID_HEADER, RequestIds.of(rc));
    }
    rc.next();
  }

  /** The dialect of a request ({@link #OPENAI} when it was not marked). */
  public static Dialect of(RoutingContext rc) {
    Dialect d = rc.get(KEY);
    return d == null ? OPENAI : d;
  }

  /** The dialect of a request, from its path and headers (what {@link #mark} records). */
  public static Dialect decide(HttpServerRequest request) {
    String path = request.path();
    if (path == null) {
      return OPENAI;
    }
    if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) {
      return ANTHROPIC;
    }
    boolean models = path.equals("/v1/models") || path.startsWith("/v1/models/");
    return models && request.getHeader(ANTHROPIC_VERSION) != null ? ANTHROPIC : OPENAI;
  }
}
