package dev.axon.api.http;

import dev.axon.common.error.AxonException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Checks every request before routing: a path must be plain (no {@code ..} or {@code .} segments, no encoded
 * slashes, backslashes, control characters or NUL, valid percent escapes of UTF-8), and a body must be JSON. Both
 * answer 400 in OpenAI's error shape, so a hostile path never reaches a handler, a store key or a log as anything
 * but a rejected request.
 */
public final class RequestGuards {

  private RequestGuards() {
  }

  /** Router-wide: rejects paths that try to traverse or carry odd bytes. */
  public static void path(RoutingContext rc) {
    String path = rc.request().path();
    if (path == null || !plainPath(path)) {
      Responses.error(rc, AxonException.invalid(null, "Invalid request path: it must not contain '.' or '..' segments, "
          + "encoded slashes, backslashes or control characters."));
      return;
    }
    rc.next();
  }

  /**
   * For routes that read a JSON body: the {@code Content-Type} must be {@code application/json} (or a
   * {@code +json} type), UTF-8 if a charset is given. A request without one is read as JSON.
   */
  public static void jsonBody(RoutingContext rc) {
    String type = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && !isJson(type)) {
      Responses.error(rc, AxonException.invalid(null, "Invalid Content-Type header: expected application/json with a JSON body."));
      return;
    }
    rc.next();
  }

  public static boolean isJson(String contentType) {
    if (contentType.equalsIgnoreCase("application/json")) {
      return true;
    }
    String[] parts = contentType.split(";");
    String media = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim().toLowerCase(Locale.ROOT);
      if (param.startsWith("charset=")) {
        String charset = param.substring(8).replace("\"", "").trim();
        if (!charset.equals("utf-8") && !charset.equals("utf8")) {
          return false;
        }
      }
    }
    return true;
  }

  public static boolean plainPath(String raw) {
    if (raw.isEmpty() || raw.charAt(0) != '/') {
      return false;
    }
    if (raw.indexOf('%') < 0) {
      // Nothing encoded (nearly every request): the path is its own decoding, checked where it stands.
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c < 0x21 || c > 0x7e || c == '\\') {
          return false;
        }
      }
      return noDotSegments(raw);
    }
    byte[] decoded = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return false;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return false;
        }
        int b = hi * 16 + lo;
        if (b == '/' || b == '\\' || b < 0x20 || b == 0x7f) {
          return false;
        }
        decoded[n++] = (byte) b;
        i += 2;
      } else {
        if (c < 0x21 || c > 0x7e || c == '\\') {
          return false;
        }
        decoded[n++] = (byte) c;
      }
    }
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(decoded, 0, n)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
    return noDotSegments(text);
  }

  /** Whether no segment of a decoded path is {@code .} or {@code ..}. */
  private static boolean noDotSegments(String path) {
    int start = 0;
    while (true) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      int length = end - start;
      if ((length == 1 || length == 2) && path.charAt(start) == '.' && path.charAt(end - 1) == '.') {
        return false;
      }
      if (end == path.length()) {
        return true;
      }
      start = end + 1;
    }
  }
}
