package dev.axon.api.tenant;

import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateWindow;
import io.vertx.core.http.HttpServerResponse;

/**
 * OpenAI's rate-limit headers: {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests},
 * {@code x-ratelimit-reset-requests} and the same three for {@code -tokens}, each trio only when that window is
 * limited. Resets are durations as OpenAI writes them ({@code 1s}, {@code 6m0s}, {@code 250ms}).
 */
public final class RateLimitHeaders {

  private RateLimitHeaders() {
  }

  public static void put(HttpServerResponse response, RateLimitDecision decision) {
    put(response, "requests", decision.requests());
    put(response, "tokens", decision.tokens());
  }

  private static void put(HttpServerResponse response, String what, RateWindow window) {
    if (window == null || response.headWritten()) {
      return;
    }
    response.putHeader("x-ratelimit-limit-" + what, Long.toString(window.limit()));
    response.putHeader("x-ratelimit-remaining-" + what, Long.toString(window.remaining()));
    response.putHeader("x-ratelimit-reset-" + what, duration(window.resetMs()));
  }

  /** A duration in Go's notation, as OpenAI's headers use it: {@code 0s}, {@code 120ms}, {@code 1.5s}, {@code 6m0s}, {@code 2h5m0s}. */
  public static String duration(long ms) {
    if (ms <= 0) {
      return "0s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    long hours = ms / 3_600_000;
    long minutes = ms % 3_600_000 / 60_000;
    long millis = ms % 60_000;
    StringBuilder out = new StringBuilder();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    out.append(millis / 1000);
    long fraction = millis % 1000;
    if (fraction > 0) {
      String f = String.format("%03d", fraction);
      out.append('.').append(f.replaceAll("0+$", ""));
    }
    return out.append('s').toString();
  }
}
