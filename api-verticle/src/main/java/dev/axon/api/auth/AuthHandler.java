package dev.axon.api.auth;

import dev.axon.api.http.Responses;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Lets a request through only with {@code Authorization: Bearer <known key>}; 401 in OpenAI's words otherwise.
 * The presented key is never logged or echoed.
 */
public final class AuthHandler implements Handler<RoutingContext> {

  private static final String KEY = "axon.apiKey";

  private final Supplier<ApiKeys> keys;

  /** Takes a supplier so a configuration reload can swap the key set under a running router. */
  public AuthHandler(Supplier<ApiKeys> keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header == null || header.isBlank()) {
      Responses.error(rc, new AxonException(ErrorKind.UNAUTHENTICATED,
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth "
              + "(i.e. Authorization: Bearer YOUR_KEY)."));
      return;
    }
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      Responses.error(rc, new AxonException(ErrorKind.UNAUTHENTICATED,
          "Malformed Authorization header. Expected 'Authorization: Bearer YOUR_KEY'."));
      return;
    }
    ApiKey key = keys.get().find(header.substring(7).trim());
    if (key == null) {
      Responses.error(rc, new AxonException(ErrorKind.UNAUTHENTICATED, "Incorrect API key provided."));
      return;
    }
    rc.put(KEY, key);
    rc.next();
  }

  /** The authenticated key of a request that passed this handler. */
  public static ApiKey key(RoutingContext rc) {
    return rc.get(KEY);
  }
}
