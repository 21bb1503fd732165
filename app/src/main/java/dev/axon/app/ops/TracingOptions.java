package dev.axon.app.ops;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The {@code tracing} section. Axon always propagates W3C {@code traceparent} (client → event bus → upstream) unless
 * tracing is turned off; with the {@code otlp} exporter it also records spans (HTTP server, event bus, Valkey,
 * upstream HTTP) and sends them over OTLP/HTTP. Standard {@code OTEL_*} variables refine the exporter (headers,
 * timeouts) and win over these values. Needs a restart.
 */
public final class TracingOptions {

  /** Propagate the caller's trace context. */
  public static final boolean DEFAULT_ENABLED = true;
  /** {@code none}: propagate only, record nothing; {@code otlp}: record spans and export them. */
  public static final String DEFAULT_EXPORTER = "none";
  /** The OTLP/HTTP endpoint (the collector's base URL; {@code /v1/traces} is appended). */
  public static final String DEFAULT_ENDPOINT = "http://localhost:4318";
  public static final String DEFAULT_SERVICE_NAME = "axon";
  /** Share of the traces Axon starts itself that are recorded; a caller's sampling decision is followed. */
  public static final double DEFAULT_SAMPLE_RATIO = 1.0;

  private final boolean enabled;
  private final String exporter;
  private final String endpoint;
  private final String serviceName;
  private final double sampleRatio;
  private final Map<String, String> properties;

  public TracingOptions(JsonObject section) {
    ConfigReader r = new ConfigReader(section, "tracing");
    enabled = r.bool("enabled", DEFAULT_ENABLED);
    exporter = r.string("exporter", DEFAULT_EXPORTER).toLowerCase();
    if (!exporter.equals("none") && !exporter.equals("otlp")) {
      throw new ConfigException("tracing.exporter", "must be none or otlp, got '" + exporter + "'");
    }
    endpoint = r.string("endpoint", DEFAULT_ENDPOINT);
    if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      throw new ConfigException("tracing.endpoint", "must be an http:// or https:// URL");
    }
    serviceName = r.string("serviceName", DEFAULT_SERVICE_NAME);
    String ratio = r.string("sampleRatio", Double.toString(DEFAULT_SAMPLE_RATIO));
    try {
      sampleRatio = Double.parseDouble(ratio);
    } catch (NumberFormatException e) {
      throw new ConfigException("tracing.sampleRatio", "must be a number between 0 and 1, got '" + ratio + "'");
    }
    if (sampleRatio < 0 || sampleRatio > 1) {
      throw new ConfigException("tracing.sampleRatio", "must be between 0 and 1, got " + sampleRatio);
    }
    properties = r.stringMap("properties");
  }

  public boolean enabled() {
    return enabled;
  }

  /** Whether spans are recorded and exported (else only propagated). */
  public boolean exporting() {
    return enabled && exporter.equals("otlp");
  }

  public String exporter() {
    return exporter;
  }

  public String endpoint() {
    return endpoint;
  }

  public String serviceName() {
    return serviceName;
  }

  public double sampleRatio() {
    return sampleRatio;
  }

  /** Extra OpenTelemetry SDK properties ({@code otel.*}), e.g. {@code otel.exporter.otlp.headers}. */
  public Map<String, String> properties() {
    return properties;
  }
}
