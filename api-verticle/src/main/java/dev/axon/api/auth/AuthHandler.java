package dev.axon.api.auth;

import dev.axon.api.http.Dialect;
import dev.axon.api.http.Responses;
import dev.axon.api.http.TrustedProxies;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Lets a request through only with a known key, as OpenAI's clients send it ({@code Authorization: Bearer <key>})
 * or as Anthropic's do ({@code x-api-key: <key>}, or Bearer with an auth token); when both headers are there,
 * {@code Authorization} decides. 401 otherwise, in the words of the request's {@link Dialect}.
 * The presented key is never logged or echoed. With an {@link AuthThrottle}, an address that keeps failing has its
 * requests delayed (by a timer) before they are decided, and gets 429 when too many of them wait.
 */
public final class AuthHandler implements Handler<RoutingContext> {

  private static final String KEY = "axon.apiKey";
  /** Anthropic's key header. */
  public static final String API_KEY_HEADER = "x-api-key";

  private final Supplier<ApiKeys> keys;
  private final AuthThrottle throttle;
  private final Supplier<TrustedProxies> proxies;

  /** Takes a supplier so a configuration reload can swap the key set under a running router. */
  public AuthHandler(Supplier<ApiKeys> keys) {
    this(keys, null, () -> TrustedProxies.NONE);
  }

  /** @param proxies the proxies whose {@code X-Forwarded-For} says which address the throttle counts against */
  public AuthHandler(Supplier<ApiKeys> keys, AuthThrottle throttle, Supplier<TrustedProxies> proxies) {
    this.keys = keys;
    this.throttle = throttle;
    this.proxies = proxies;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (throttle == null) {
      decide(rc, null);
      return;
    }
    String client = proxies.get().clientAddress(rc.request());
    String address = client == null ? "unknown" : client;
    long delay = throttle.delayMs(address);
    if (delay <= 0) {
      decide(rc, address);
      return;
    }
    if (!throttle.hold(address)) {
      Responses.error(rc, new AxonException(ErrorKind.RATE_LIMITED,
          "Too many failed authentications from your address; try again later.", null, (int) Math.max(1, delay / 1000)));
      return;
    }
    HttpServerRequest request = rc.request();
    if (!request.isEnded()) {
      request.pause();
    }
    rc.vertx().setTimer(delay, t -> {
      throttle.unhold(address);
      if (rc.response().closed() || rc.response().ended()) {
        return;
      }
      if (!request.isEnded()) {
        request.resume();
      }
      decide(rc, address);
    });
  }

  private void decide(RoutingContext rc, String address) {
    boolean anthropic = Dialect.of(rc) == Dialect.ANTHROPIC;
    String header = rc.request().getHeader("Authorization");
    String presented;
    if (header == null || header.isBlank()) {
      String apiKey = rc.request().getHeader(API_KEY_HEADER);
      if (apiKey == null || apiKey.isBlank()) {
        fail(rc, address, anthropic ? "x-api-key header is required"
            : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth "
            + "(i.e. Authorization: Bearer YOUR_KEY).");
        return;
      }
      presented = apiKey.trim();
    } else if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      fail(rc, address, "Malformed Authorization header. Expected 'Authorization: Bearer YOUR_KEY'.");
      return;
    } else {
      presented = header.substring(7).trim();
    }
    ApiKey key = keys.get().find(presented);
    if (key == null) {
      fail(rc, address, anthropic ? "invalid x-api-key" : "Incorrect API key provided.");
      return;
    }
    rc.put(KEY, key);
    rc.next();
  }

  private void fail(RoutingContext rc, String address, String message) {
    if (throttle != null) {
      throttle.failed(address);
    }
    Responses.error(rc, new AxonException(ErrorKind.UNAUTHENTICATED, message));
  }

  /** The authenticated key of a request that passed this handler. */
  public static ApiKey key(RoutingContext rc) {
    return rc.get(KEY);
  }
}
