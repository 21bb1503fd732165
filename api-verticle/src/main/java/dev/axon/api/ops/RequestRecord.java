package dev.axon.api.ops;

import dev.axon.api.chat.ExchangeSummary;

/**
 * One finished HTTP request as the operations side sees it: what the access log writes and the meters count.
 *
 * @param route     the route template ({@code /v1/conversations/:id}), {@code other} for unknown paths
 * @param ops       an operations endpoint (health, metrics, stats, the status page): logged at debug, not counted
 *                  as traffic
 * @param status    the status the client got; 499 when it went away before the end
 * @param keyName   the API key's name when the request was authenticated (never the key)
 * @param exchange  the chat completion's summary, null for other requests
 * @param traceId   the W3C trace id the request runs under, or null
 */
public record RequestRecord(String requestId, String method, String path, String route, boolean ops, int status,
                            double latencyMs, long bytesOut, String keyName, String remote, String traceId,
                            ExchangeSummary exchange) {

  /** Whether the gateway failed the request: a 5xx, or a chat completion that ended in an error (not a cancel). */
  public boolean failed() {
    if (status >= 500) {
      return true;
    }
    return exchange != null && status < 400 && exchange.error() != null
        && exchange.error() != dev.axon.common.error.ErrorKind.CANCELLED;
  }

  /** Turned away for capacity or a limit. */
  public boolean rejected() {
    return status == 429;
  }
}
