package dev.axon.api.ops;

import dev.axon.api.auth.AuthHandler;
import dev.axon.api.http.Responses;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * The operations routes beyond health and stats: {@code GET /metrics} (Prometheus text, behind the metrics token
 * when one is configured), {@code GET /stats/traffic} (the last minute of every API node), and the status page on
 * {@code GET /status} and {@code GET /}. Also decides who may read the status data: any API key, or the read-only
 * status token. Options apply live ({@link #apply}).
 */
public final class OpsRoutes {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final EdgeOps ops;
  private final AuthHandler keys;
  private final StatusPage page = StatusPage.load();
  private volatile OpsOptions options;

  /**
   * @param keys authenticates API keys (the status data accepts them, as {@code /stats} always did)
   */
  public OpsRoutes(Vertx vertx, EdgeOps ops, AuthHandler keys, OpsOptions options) {
    this.vertx = vertx;
    this.ops = ops;
    this.keys = keys;
    this.options = options;
  }

  /** Takes new tokens. */
  public void apply(OpsOptions next) {
    this.options = next;
  }

  /** Adds the routes; call before the catch-all route. */
  public void install(Router router) {
    router.get("/metrics").handler(this::metrics);
    router.get("/stats/traffic").handler(readAccess()).handler(rc -> Responses.json(rc, 200, ops.cluster().toBuffer()));
    router.get("/status").handler(page);
    router.get("/").handler(page);
  }

  /**
   * Lets a request read the status data ({@code /stats}, {@code /stats/traffic}) with the status token or any API
   * key; anything else gets the API's 401.
   */
  public Handler<RoutingContext> readAccess() {
    return rc -> {
      BearerToken status = options.statusToken();
      if (status != null && status.matches(rc)) {
        rc.next();
      } else {
        keys.handle(rc);
      }
    };
  }

  private void metrics(RoutingContext rc) {
    Supplier<String> scrape = ops.scrape();
    if (scrape == null || !options.metricsEnabled()) {
      Responses.error(rc, new AxonException(ErrorKind.NOT_FOUND, "Metrics are turned off on this node (ops.metrics.enabled)."));
      return;
    }
    BearerToken token = options.metricsToken();
    if (token != null && !token.matches(rc)) {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"axon-metrics\"");
      Responses.error(rc, new AxonException(ErrorKind.UNAUTHENTICATED, "The metrics endpoint needs its bearer token (ops.metrics.token)."));
      return;
    }
    vertx.executeBlocking(scrape::get, false).onComplete(ar -> {
      if (ar.failed()) {
        Responses.error(rc, new AxonException(ErrorKind.INTERNAL, "The metrics could not be rendered."));
        return;
      }
      if (!rc.response().ended() && !rc.response().closed()) {
        rc.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end(Buffer.buffer(ar.result()));
      }
    });
  }
}
