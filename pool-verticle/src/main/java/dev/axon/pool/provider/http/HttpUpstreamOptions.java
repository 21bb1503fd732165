package dev.axon.pool.provider.http;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * How a provider reaches its HTTP upstream: where, with which key, with which timeouts and connection pool, how it
 * retries and when its circuit breaker opens. Read from {@code pool.<provider>}; durations in milliseconds.
 *
 * <pre>
 * baseUrl: https://api.anthropic.com   apiKey: ...
 * connectTimeoutMs: 10000   headersTimeoutMs: 60000   idleTimeoutMs: 120000   wholeReplyTimeoutMs: 600000
 * stream: auto                        # see {@link UpstreamStreaming}
 * maxConnections: 64   keepAliveSeconds: 60   http2: true   h2c: false
 * retry:   {maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8000, budgetMs: 15000}
 * breaker: {maxFailures: 5, windowMs: 10000, resetTimeoutMs: 30000}
 * </pre>
 *
 * <p>The API key is a secret: {@link #toString()} leaves it out and nothing logs it.
 */
public final class HttpUpstreamOptions {

  /** How long establishing a connection (TCP and TLS) may take. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
  /** How long the upstream may take to answer with a status line once the request is sent. */
  public static final long DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
  /** How long a response body (a stream) may stay silent before the request is abandoned with a timeout. */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 120_000;
  /**
   * How long a non-streamed request may take to answer: the upstream answers once the whole reply is generated, so
   * this is a bound on generation, not on silence (Anthropic's own bound for non-streamed requests is 10 minutes).
   */
  public static final long DEFAULT_WHOLE_REPLY_TIMEOUT_MS = 600_000;
  /** HTTP/1.1 connections kept to the upstream at most (HTTP/2 multiplexes over a few). */
  public static final int DEFAULT_MAX_CONNECTIONS = 64;
  /** An idle kept-alive connection is closed after this many seconds. */
  public static final int DEFAULT_KEEP_ALIVE_SECONDS = 60;
  /** Retries after a 429, an overload (529, 503) or a connect error, before anything reached the client. */
  public static final int DEFAULT_MAX_RETRIES = 2;
  /** The first retry waits about this long (jittered), each further one twice as long. */
  public static final long DEFAULT_RETRY_BASE_DELAY_MS = 500;
  /** No single wait is longer; a {@code retry-after} above it is passed to the client instead. */
  public static final long DEFAULT_RETRY_MAX_DELAY_MS = 8_000;
  /** No retry starts later than this after the turn started. */
  public static final long DEFAULT_RETRY_BUDGET_MS = 15_000;
  /** Failures within the window that open the breaker. */
  public static final int DEFAULT_BREAKER_MAX_FAILURES = 5;
  /** The window in which failures are counted. */
  public static final long DEFAULT_BREAKER_WINDOW_MS = 10_000;
  /** How long the breaker stays open before it lets one probe through. */
  public static final long DEFAULT_BREAKER_RESET_TIMEOUT_MS = 30_000;

  private final String baseUrl;
  private final URI base;
  private final String apiKey;
  private final long connectTimeoutMs;
  private final long headersTimeoutMs;
  private final long idleTimeoutMs;
  private final long wholeReplyTimeoutMs;
  private final UpstreamStreaming streaming;
  private final int maxConnections;
  private final int keepAliveSeconds;
  private final boolean http2;
  private final boolean h2c;
  private final int maxRetries;
  private final long retryBaseDelayMs;
  private final long retryMaxDelayMs;
  private final long retryBudgetMs;
  private final int breakerMaxFailures;
  private final long breakerWindowMs;
  private final long breakerResetTimeoutMs;

  public HttpUpstreamOptions(JsonObject json, String prefix, String defaultBaseUrl) {
    ConfigReader r = new ConfigReader(json, prefix);
    String url = r.string("baseUrl", defaultBaseUrl);
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    try {
      base = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(r.key("baseUrl"), "is not a URL: " + e.getMessage());
    }
    if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https")) || base.getHost() == null) {
      throw new ConfigException(r.key("baseUrl"), "must be an http:// or https:// URL with a host, got '" + url + "'");
    }
    if (base.getUserInfo() != null) {
      throw new ConfigException(r.key("baseUrl"), "must not carry credentials; set " + r.key("apiKey") + " instead");
    }
    baseUrl = url;
    String key = r.string("apiKey", null);
    apiKey = key == null || key.isBlank() ? null : key.trim();
    connectTimeoutMs = r.longValue("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT_MS, 1, 600_000);
    headersTimeoutMs = r.longValue("headersTimeoutMs", DEFAULT_HEADERS_TIMEOUT_MS, 1, 3_600_000);
    idleTimeoutMs = r.longValue("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS, 1, 3_600_000);
    wholeReplyTimeoutMs = r.longValue("wholeReplyTimeoutMs", DEFAULT_WHOLE_REPLY_TIMEOUT_MS, 1, 3_600_000);
    streaming = UpstreamStreaming.read(r);
    maxConnections = r.intValue("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000);
    keepAliveSeconds = r.intValue("keepAliveSeconds", DEFAULT_KEEP_ALIVE_SECONDS, 0, 86_400);
    http2 = r.bool("http2", true);
    h2c = r.bool("h2c", false);
    ConfigReader retry = r.child("retry");
    maxRetries = retry.intValue("maxRetries", DEFAULT_MAX_RETRIES, 0, 10);
    retryBaseDelayMs = retry.longValue("baseDelayMs", DEFAULT_RETRY_BASE_DELAY_MS, 1, 60_000);
    retryMaxDelayMs = retry.longValue("maxDelayMs", DEFAULT_RETRY_MAX_DELAY_MS, 1, 600_000);
    retryBudgetMs = retry.longValue("budgetMs", DEFAULT_RETRY_BUDGET_MS, 0, 3_600_000);
    ConfigReader breaker = r.child("breaker");
    breakerMaxFailures = breaker.intValue("maxFailures", DEFAULT_BREAKER_MAX_FAILURES, 1, 1_000_000);
    breakerWindowMs = breaker.longValue("windowMs", DEFAULT_BREAKER_WINDOW_MS, 1_000, 3_600_000);
    breakerResetTimeoutMs = breaker.longValue("resetTimeoutMs", DEFAULT_BREAKER_RESET_TIMEOUT_MS, 10, 3_600_000);
  }

  /** The base URL without a trailing slash; request paths are appended to it. */
  public String baseUrl() {
    return baseUrl;
  }

  public URI base() {
    return base;
  }

  public boolean ssl() {
    return "https".equals(base.getScheme());
  }

  public String host() {
    return base.getHost();
  }

  public int port() {
    return base.getPort() > 0 ? base.getPort() : ssl() ? 443 : 80;
  }

  /** The path prefix of the base URL ({@code ""} or e.g. {@code /v1}). */
  public String basePath() {
    String p = base.getRawPath();
    return p == null ? "" : p;
  }

  /** The key sent upstream, or null when none is configured. A secret: never log it. */
  public String apiKey() {
    return apiKey;
  }

  public long connectTimeoutMs() {
    return connectTimeoutMs;
  }

  public long headersTimeoutMs() {
    return headersTimeoutMs;
  }

  public long idleTimeoutMs() {
    return idleTimeoutMs;
  }

  /** How long a non-streamed request may wait for its response (the whole reply). */
  public long wholeReplyTimeoutMs() {
    return wholeReplyTimeoutMs;
  }

  /** When turns ask the upstream for a stream. */
  public UpstreamStreaming streaming() {
    return streaming;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public int keepAliveSeconds() {
    return keepAliveSeconds;
  }

  public boolean http2() {
    return http2;
  }

  public boolean h2c() {
    return h2c;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public long retryBaseDelayMs() {
    return retryBaseDelayMs;
  }

  public long retryMaxDelayMs() {
    return retryMaxDelayMs;
  }

  public long retryBudgetMs() {
    return retryBudgetMs;
  }

  public int breakerMaxFailures() {
    return breakerMaxFailures;
  }

  public long breakerWindowMs() {
    return breakerWindowMs;
  }

  public long breakerResetTimeoutMs() {
    return breakerResetTimeoutMs;
  }

  @Override
  public String toString() {
    return "HttpUpstreamOptions{" + baseUrl + ", key " + (apiKey == null ? "none" : "set") + ", connect " + connectTimeoutMs
        + " ms, headers " + headersTimeoutMs + " ms, idle " + idleTimeoutMs + " ms, " + maxConnections + " connections, http2 "
        + http2 + ", retries " + maxRetries + ", breaker " + breakerMaxFailures + "/" + breakerWindowMs + " ms → open "
        + breakerResetTimeoutMs + " ms}";
  }
}
