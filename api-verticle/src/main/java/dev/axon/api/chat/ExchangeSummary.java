package dev.axon.api.chat;

import dev.axon.common.chat.Usage;
import dev.axon.common.error.ErrorKind;

/**
 * What one chat completion was, once it ended: for access logs, metrics and metering. Times are
 * {@link System#nanoTime()} readings; 0 when the moment never came (no session acquired, no first event).
 *
 * @param keyName        the API key's configured name (never the key)
 * @param ownerHash      the key's owner hash, the tenant identity in stores
 * @param model          the served model the request resolved to
 * @param servedModel    the model the provider reports having used, or null
 * @param provider       the provider that served the turn, or null
 * @param conversationId the conversation, or null when not stored
 * @param status         the HTTP status the client got (499 when it went away first)
 * @param error          the error kind when it failed, else null
 * @param usage          tokens over all choices (prompt counted once)
 */
public record ExchangeSummary(String requestId, String keyName, String ownerHash, String clientModel, String model,
                              String servedModel, String provider, String conversationId, boolean stream, int n,
                              int status, ErrorKind error, Usage usage,
                              long startNanos, long acceptedNanos, long firstEventNanos, long endNanos) {

  /** The key under which the summary is left in the routing context for handlers that run at the response's end. */
  public static final String CONTEXT_KEY = "axon.exchange";

  public double latencyMs() {
    return (endNanos - startNanos) / 1e6;
  }

  /** From the request to the first event of the model, or -1 when none came. */
  public double timeToFirstTokenMs() {
    return firstEventNanos == 0 ? -1 : (firstEventNanos - startNanos) / 1e6;
  }

  /** How long the request waited for a session, or -1 when it got none. */
  public double poolWaitMs() {
    return acceptedNanos == 0 ? -1 : (acceptedNanos - startNanos) / 1e6;
  }
}
