package dev.axon.api.ops;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status page: one self-contained HTML document (its script and style inline, nothing fetched from anywhere
 * but this gateway's JSON endpoints). It holds no data itself; its script reads {@code /health}, {@code /stats}
 * and {@code /stats/traffic} with the operator's token and refreshes every few seconds. Served with a strict
 * Content-Security-Policy that allows exactly its own inline script and style (by hash) and same-origin fetches.
 */
final class StatusPage implements Handler<RoutingContext> {

  private static final String RESOURCE = "status.html";
  private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
  private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

  private final Buffer body;
  private final String policy;

  private StatusPage(String html) {
    this.body = Buffer.buffer(html);
    this.policy = "default-src 'none'; script-src " + hashes(SCRIPT, html) + "; style-src " + hashes(STYLE, html)
        + "; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  }

  static StatusPage load() {
    try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the status page resource " + RESOURCE + " is missing");
      }
      return new StatusPage(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Content-Security-Policy the page is served with. */
  String policy() {
    return policy;
  }

  @Override
  public void handle(RoutingContext rc) {
    rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", policy)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body);
  }

  private static String hashes(Pattern element, String html) {
    List<String> out = new ArrayList<>();
    Matcher m = element.matcher(html);
    while (m.find()) {
      out.add("'sha256-" + Base64.getEncoder().encodeToString(sha256(m.group(1))) + "'");
    }
    return out.isEmpty() ? "'none'" : String.join(" ", out);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
