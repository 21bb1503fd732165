package dev.axon.api.ops;

import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.AuthHandler;
import dev.axon.api.chat.ExchangeSummary;
import dev.axon.api.http.RequestIds;
import dev.axon.api.http.Responses;
import dev.axon.api.http.TrustedProxies;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The first handler after {@link RequestIds}: follows every request to its end (meters, the traffic window, the
 * access log), counts API requests in flight, and applies the drain — while draining, readiness answers 503 and
 * responses ask clients to close the connection; once refusing, new API requests get 503 with Retry-After
 * (operations endpoints keep answering).
 *
 * <p>A chat completion leaves its {@link ExchangeSummary} in the routing context before a reply ends, and the record
 * is made at the end; a failed or abandoned one leaves it right after, so that record waits for the next turn of the
 * event loop.
 */
public final class EdgeHandler implements Handler<RoutingContext> {

  /** The routes operations endpoints answer on; anything else is API traffic. */
  static final Set<String> OPS_PATHS = Set.of("/health", "/healthz", "/metrics", "/stats", "/stats/traffic", "/status", "/");
  private static final Set<String> KNOWN = Set.of("/v1/chat/completions", "/v1/models", "/v1/messages", "/v1/messages/count_tokens");
  private static final CharSequence CLOSE = HttpHeaders.createOptimized("close");

  private final EdgeOps ops;
  private final Supplier<TrustedProxies> proxies;

  public EdgeHandler(EdgeOps ops) {
    this(ops, () -> TrustedProxies.NONE);
  }

  /** @param proxies the proxies whose {@code X-Forwarded-For} names the client the access log shows */
  public EdgeHandler(EdgeOps ops, Supplier<TrustedProxies> proxies) {
    this.ops = ops;
    this.proxies = proxies;
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    String path = request.path();
    boolean opsPath = OPS_PATHS.contains(path);
    Drain drain = ops.drain();
    Drain.Phase phase = drain.phase();
    String traceId = ops.traceId();
    if (!opsPath) {
      drain.enter();
    }
    rc.addEndHandler(ar -> {
      if (!opsPath) {
        drain.exit();
      }
      if (ExchangeSummary.pending(rc)) {
        // A failed or abandoned exchange leaves its summary right after the response ended: read it on the next turn.
        rc.vertx().runOnContext(v -> ops.record(record(rc, opsPath, ar.succeeded(), traceId)));
      } else {
        ops.record(record(rc, opsPath, ar.succeeded(), traceId));
      }
    });
    if (phase != Drain.Phase.SERVING) {
      rc.response().putHeader(HttpHeaders.CONNECTION, CLOSE);
      if (path.equals("/health")) {
        Responses.json(rc, 503, new JsonObject().put("status", "draining")
            .put("detail", "this node is shutting down; send new requests elsewhere").toBuffer());
        return;
      }
      if (phase == Drain.Phase.REFUSING && !opsPath) {
        Responses.error(rc, new AxonException(ErrorKind.UNAVAILABLE,
            "This gateway node is shutting down and takes no new requests; retry, another node will serve it.", null, 1));
        return;
      }
    }
    rc.next();
  }

  private RequestRecord record(RoutingContext rc, boolean opsPath, boolean ended, String traceId) {
    HttpServerRequest request = rc.request();
    ExchangeSummary exchange = ExchangeSummary.of(rc);
    int status = ended ? rc.response().getStatusCode() : 499;
    ApiKey key = AuthHandler.key(rc);
    double latencyMs = (System.nanoTime() - RequestIds.startNanos(rc)) / 1e6;
    return new RequestRecord(RequestIds.of(rc), request.method().name(), request.path(), route(rc), opsPath, status,
        latencyMs, rc.response().bytesWritten(), key == null ? null : key.name(),
        proxies.get().clientAddress(request), traceId, exchange);
  }

  /** The route template of a request, bounded: a known path, the matched route's path, or {@code other}. */
  static String route(RoutingContext rc) {
    String path = rc.request().path();
    if (OPS_PATHS.contains(path) || KNOWN.contains(path)) {
      return path;
    }
    if (path.startsWith("/v1/conversations/") && path.indexOf('/', "/v1/conversations/".length()) < 0) {
      return "/v1/conversations/:id";
    }
    if (path.startsWith("/v1/models/") && path.indexOf('/', "/v1/models/".length()) < 0) {
      return "/v1/models/:id";
    }
    Route route = rc.currentRoute();
    String template = route == null ? null : route.getPath();
    return template == null || template.equals("/v1/") || !template.startsWith("/") ? "other" : template;
  }
}
