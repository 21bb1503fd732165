package dev.axon.api.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id: the client's {@code x-request-id} when it is sane, else a new one. It is returned
 * in the response header and used in logs and in the turn protocol.
 */
public final class RequestIds implements Handler<RoutingContext> {

  public static final String HEADER = "x-request-id";
  private static final CharSequence HEADER_NAME = HttpHeaders.createOptimized(HEADER);
  private static final String KEY = "axon.requestId";
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  @Override
  public void handle(RoutingContext rc) {
    String given = rc.request().getHeader(HEADER);
    String id = given != null && sane(given) ? given : random("req_", 24);
    rc.put(KEY, new Stamp(id, System.nanoTime()));
    rc.response().putHeader(HEADER_NAME, id);
    rc.next();
  }

  public static String of(RoutingContext rc) {
    Stamp stamp = rc.get(KEY);
    return stamp != null ? stamp.id() : random("req_", 24);
  }

  /** When the request arrived ({@link System#nanoTime()}). */
  public static long startNanos(RoutingContext rc) {
    Stamp stamp = rc.get(KEY);
    return stamp != null ? stamp.startNanos() : System.nanoTime();
  }

  /** A request's id and arrival, kept as one entry of the routing context (every request reads both). */
  private record Stamp(String id, long startNanos) {
  }

  /** A random base-62 string; ids need uniqueness, not secrecy. */
  public static String random(int length) {
    return random("", length);
  }

  /** A prefix and a random base-62 string after it, made in one string (ids are made on every request). */
  public static String random(String prefix, int length) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[prefix.length() + length];
    prefix.getChars(0, prefix.length(), out, 0);
    for (int i = prefix.length(); i < out.length; i++) {
      out[i] = ALPHABET[r.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  private static boolean sane(String id) {
    if (id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
