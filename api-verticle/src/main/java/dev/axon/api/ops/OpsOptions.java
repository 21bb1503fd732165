package dev.axon.api.ops;

import dev.axon.common.config.ConfigReader;
import io.vertx.core.json.JsonObject;

/**
 * The {@code ops} section: who may read the operations endpoints, and how a node drains on shutdown. Durations in
 * milliseconds. The launcher passes the section to the API verticle under {@code ops}; tokens apply live, the drain
 * settings are read when the drain starts, {@code metrics.enabled} needs a restart.
 */
public final class OpsOptions {

  /** {@code GET /metrics} and the Vert.x meters behind it. */
  public static final boolean DEFAULT_METRICS_ENABLED = true;
  /** After SIGTERM readiness answers 503 at once; new requests are still served for this long (load balancers catch up). */
  public static final long DEFAULT_DRAIN_GRACE_MS = 5_000;
  /** The whole drain, grace included, is bounded by this: requests still running then are cut. */
  public static final long DEFAULT_DRAIN_TIMEOUT_MS = 25_000;

  private final boolean metricsEnabled;
  private final BearerToken metricsToken;
  private final BearerToken statusToken;
  private final long drainGraceMs;
  private final long drainTimeoutMs;

  public OpsOptions(JsonObject ops) {
    ConfigReader r = new ConfigReader(ops, "ops");
    ConfigReader metrics = r.child("metrics");
    metricsEnabled = metrics.bool("enabled", DEFAULT_METRICS_ENABLED);
    metricsToken = BearerToken.fromConfig(metrics.raw().getValue("token"), metrics.key("token"));
    ConfigReader status = r.child("status");
    statusToken = BearerToken.fromConfig(status.raw().getValue("token"), status.key("token"));
    ConfigReader drain = r.child("drain");
    drainGraceMs = drain.longValue("graceMs", DEFAULT_DRAIN_GRACE_MS, 0, 600_000);
    drainTimeoutMs = drain.longValue("timeoutMs", DEFAULT_DRAIN_TIMEOUT_MS, 0, 3_600_000);
  }

  /** The defaults: metrics on and open, no status token, the default drain. */
  public static OpsOptions defaults() {
    return new OpsOptions(new JsonObject());
  }

  public boolean metricsEnabled() {
    return metricsEnabled;
  }

  /** The token {@code /metrics} demands, or null when it is open. */
  public BearerToken metricsToken() {
    return metricsToken;
  }

  /** The read-only token for the status page's data ({@code /stats}, {@code /stats/traffic}), or null. */
  public BearerToken statusToken() {
    return statusToken;
  }

  public long drainGraceMs() {
    return drainGraceMs;
  }

  public long drainTimeoutMs() {
    return drainTimeoutMs;
  }
}
