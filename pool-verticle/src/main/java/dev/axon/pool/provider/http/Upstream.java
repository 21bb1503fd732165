package dev.axon.pool.provider.http;

import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.UpstreamStats;
import dev.axon.common.upstream.BreakerChange;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider's HTTP upstream: a kept-alive connection pool (HTTP/2 over ALPN when the upstream offers it), the
 * circuit breaker in front of it, and its counters. Sessions of the provider are slots that share it.
 *
 * <p>The breaker (vertx-circuit-breaker) counts attempts that failed in a way that says the upstream is unwell
 * (connect errors, timeouts, 5xx, overloads; not client errors, rate limits or cancels). After
 * {@code breaker.maxFailures} of them within {@code breaker.windowMs} it opens: requests then fail at once with
 * {@code UNAVAILABLE} (503) and a {@code Retry-After} of the time left; after {@code breaker.resetTimeoutMs} it lets
 * one probe through (half-open) — the others still fail fast — and the probe's success closes it, its failure opens
 * it again. Each state change is logged and published once on {@link Addresses#UPSTREAM_BREAKER}.
 *
 * <p>Threading: created and used on the pool verticle's context.
 */
public final class Upstream {

  private static final Logger log = LoggerFactory.getLogger(Upstream.class);
  private static final String USER_AGENT = "axon-gateway/0.1";

  private final Vertx vertx;
  private final String provider;
  private HttpUpstreamOptions options;
  private final HttpClientAgent client;
  private CircuitBreaker breaker;
  /** Tells this breaker from the other pool verticle instances' breakers of the same upstream. */
  private final String breakerId = UUID.randomUUID().toString();
  private String state = "closed";
  /** Closed: its breaker has left the count, and a late transition must not bring it back. */
  private boolean retired;
  private long openedAtMs;
  private long opened;
  private long rejected;
  private long attempts;
  private long retries;

  public Upstream(Vertx vertx, String provider, HttpUpstreamOptions options) {
    this.vertx = vertx;
    this.provider = provider;
    this.options = options;
    HttpClientOptions http = new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.connectTimeoutMs()))
        .setKeepAlive(true)
        .setKeepAliveTimeout(options.keepAliveSeconds())
        .setHttp2KeepAliveTimeout(options.keepAliveSeconds())
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setDecompressionSupported(true)
        .setSsl(options.ssl());
    if (options.http2() && options.ssl()) {
      http.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    } else if (options.http2() && options.h2c()) {
      http.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(true);
    } else {
      http.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    io.vertx.core.http.PoolOptions pool = new io.vertx.core.http.PoolOptions()
        .setHttp1MaxSize(options.maxConnections())
        .setHttp2MaxSize(Math.max(1, Math.min(4, options.maxConnections())));
    this.client = vertx.createHttpClient(http, pool);
    this.breaker = breaker(options);
    announce(options.baseUrl(), null, state);
  }

  private CircuitBreaker breaker(HttpUpstreamOptions o) {
    CircuitBreaker b = CircuitBreaker.create(provider + "-upstream", vertx, new CircuitBreakerOptions()
            .setMaxFailures(o.breakerMaxFailures())
            .setFailuresRollingWindow(o.breakerWindowMs())
            .setResetTimeout(o.breakerResetTimeoutMs())
            .setTimeout(-1)
            .setMaxRetries(0)
            .setFallbackOnFailure(false)
            .setNotificationAddress(null))
        .failurePolicy(done -> done.failed() && (!(done.cause() instanceof AttemptFailure f) || f.countsAgainstUpstream()));
    b.openHandler(v -> {
      if (b == breaker) {
        changed("open");
      }
    });
    b.halfOpenHandler(v -> {
      if (b == breaker) {
        changed("half_open");
      }
    });
    b.closeHandler(v -> {
      if (b == breaker) {
        changed("closed");
      }
    });
    return b;
  }

  /**
   * Applies changed options at run time: base URL, timeouts and retries from the next turn on, breaker settings with a
   * fresh (closed) breaker. The connection pool's own settings ({@code maxConnections}, {@code keepAliveSeconds},
   * {@code http2}, {@code h2c}) need a restart, which the log says.
   */
  public void reconfigure(HttpUpstreamOptions next) {
    HttpUpstreamOptions previous = options;
    if (previous.maxConnections() != next.maxConnections() || previous.keepAliveSeconds() != next.keepAliveSeconds()
        || previous.http2() != next.http2() || previous.h2c() != next.h2c()) {
      log.warn("{} upstream: changes to maxConnections, keepAliveSeconds, http2 or h2c take effect after a restart", provider);
    }
    options = next;
    if (!previous.baseUrl().equals(next.baseUrl())) {
      // The breaker is counted under its upstream's URL: it leaves the old one's count and joins the new one's.
      announce(previous.baseUrl(), state, BreakerChange.RETIRED);
      announce(next.baseUrl(), null, state);
    }
    if (previous.breakerMaxFailures() != next.breakerMaxFailures() || previous.breakerWindowMs() != next.breakerWindowMs()
        || previous.breakerResetTimeoutMs() != next.breakerResetTimeoutMs()) {
      CircuitBreaker old = breaker;
      breaker = breaker(next);
      old.close();
      changed("closed");
      log.info("{} upstream: new circuit breaker settings {}/{} ms -> open {} ms", provider, next.breakerMaxFailures(),
          next.breakerWindowMs(), next.breakerResetTimeoutMs());
    }
  }

  public String provider() {
    return provider;
  }

  public HttpUpstreamOptions options() {
    return options;
  }

  /** Runs one attempt through the breaker; fails with {@link io.vertx.circuitbreaker.OpenCircuitException} when open. */
  Future<ChatEvent.Done> execute(Handler<Promise<ChatEvent.Done>> attempt, boolean retry) {
    attempts++;
    if (retry) {
      retries++;
    }
    return breaker.execute(attempt);
  }

  /** Counts a request the open breaker turned away and says so in the client's terms. */
  AxonException rejected() {
    rejected++;
    return new AxonException(ErrorKind.UNAVAILABLE, "The " + provider + " upstream is failing; its circuit breaker is open, "
        + "so requests fail fast until it recovers. Retry later.", null, retryAfterSeconds());
  }

  /** Opens a request to {@code path} (under the base URL's path) with the common and the protocol's headers. */
  Future<HttpClientRequest> request(String path, MultiMap headers) {
    return client.request(options(HttpMethod.POST, path, headers));
  }

  /** The options of a request to {@code path} under the base URL, with the protocol's headers and the user agent. */
  private RequestOptions options(HttpMethod method, String path, MultiMap headers) {
    return new RequestOptions()
        .setMethod(method)
        .setHost(options.host())
        .setPort(options.port())
        .setSsl(options.ssl())
        .setURI(options.basePath() + path)
        .setConnectTimeout(options.connectTimeoutMs())
        .setHeaders(headers)
        .putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
  }

  /** A GET of {@code path} under the base URL (listing models), with the protocol's headers. */
  public Future<io.vertx.core.buffer.Buffer> get(String path, MultiMap headers, long timeoutMs) {
    return client.request(options(HttpMethod.GET, path, headers).setTimeout(timeoutMs)).compose(r -> r.send()).compose(response -> {
      if (response.statusCode() / 100 != 2) {
        return response.body().transform(ar -> Future.failedFuture("HTTP " + response.statusCode()));
      }
      return response.body();
    });
  }

  /** A response read whole: its status, headers and body. */
  public record Reply(int status, MultiMap headers, io.vertx.core.buffer.Buffer body) {
  }

  /**
   * A POST of {@code body} to {@code path} under the base URL, its response read whole (for small side requests such
   * as counting tokens), within {@code timeoutMs} of silence. Not a turn: no retries, and it does not count for the
   * circuit breaker, but an open breaker fails it at once with {@code UNAVAILABLE}. Fails with {@code TIMEOUT} or
   * {@code UPSTREAM_ERROR} when there is no response; an unsuccessful status is a {@link Reply} like any other.
   */
  public Future<Reply> post(String path, MultiMap headers, io.vertx.core.buffer.Buffer body, long timeoutMs) {
    if (breaker.state() == CircuitBreakerState.OPEN) {
      return Future.failedFuture(rejected());
    }
    return client.request(options(HttpMethod.POST, path, headers).setTimeout(timeoutMs))
        .compose(r -> r.send(body))
        .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))
        .recover(e -> {
          String why = HttpTurn.describe(e);
          return Future.failedFuture(why.contains("timed out")
              ? new AxonException(ErrorKind.TIMEOUT, "The upstream did not answer within " + timeoutMs + " ms.", null, null)
              : new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream could not be reached (" + why + ").", null, null));
        });
  }

  /** {@code closed}, {@code open} or {@code half_open}. */
  public String breakerState() {
    CircuitBreakerState s = breaker.state();
    return s == CircuitBreakerState.OPEN ? "open" : s == CircuitBreakerState.HALF_OPEN ? "half_open" : "closed";
  }

  /** Seconds until an open breaker lets a probe through (at least 1); 1 when half-open; null when closed. */
  public Integer retryAfterSeconds() {
    CircuitBreakerState s = breaker.state();
    if (s == CircuitBreakerState.CLOSED) {
      return null;
    }
    if (s == CircuitBreakerState.HALF_OPEN) {
      return 1;
    }
    long left = openedAtMs + options.breakerResetTimeoutMs() - System.currentTimeMillis();
    return (int) Math.max(1, (left + 999) / 1000);
  }

  public UpstreamStats stats() {
    return new UpstreamStats(provider, options.baseUrl(), breakerState(), breaker.failureCount(), opened, rejected,
        attempts, retries, retryAfterSeconds());
  }

  public Future<Void> close() {
    breaker.close();
    if (!retired) {
      retired = true;
      announce(options.baseUrl(), state, BreakerChange.RETIRED);
    }
    return client.close();
  }

  private void changed(String next) {
    String previous = state;
    if (retired || previous.equals(next)) {
      return;
    }
    state = next;
    if ("open".equals(next)) {
      opened++;
      openedAtMs = System.currentTimeMillis();
      log.warn("circuit breaker of the {} upstream {} opened after {} failures; failing fast for {} ms",
          provider, options.baseUrl(), breaker.failureCount(), options.breakerResetTimeoutMs());
    } else {
      log.info("circuit breaker of the {} upstream {}: {} -> {}", provider, options.baseUrl(), previous, next);
    }
    announce(options.baseUrl(), previous, next);
  }

  private void announce(String baseUrl, String from, String to) {
    vertx.eventBus().publish(Addresses.UPSTREAM_BREAKER,
        new BreakerChange(breakerId, provider, baseUrl, from, to, System.currentTimeMillis()));
  }
}
