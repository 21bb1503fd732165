package dev.axon.api.chat;

import dev.axon.common.chat.Usage;
import dev.axon.common.error.ErrorKind;
import io.vertx.ext.web.RoutingContext;

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
 * @param turnsStartedNanos when the turns were sent to the pool, 0 when none was
 * @param turnsEndedNanos   when the last turn ended (its final event, its failure, or the client leaving), 0 when none
 *                          was sent: from start to end the exchange waited on the pool and the provider
 * @param usageMetered      the usage was metered already, with the turn's commit (one store round trip for both)
 */
public record ExchangeSummary(String requestId, String keyName, String ownerHash, String clientModel, String model,
                              String servedModel, String provider, String conversationId, boolean stream, int n,
                              int status, ErrorKind error, Usage usage,
                              long startNanos, long acceptedNanos, long firstEventNanos, long endNanos,
                              long turnsStartedNanos, long turnsEndedNanos, boolean usageMetered) {

  /** Where the summary is left in the routing context, for handlers that run at the response's end. */
  private static final String CONTEXT_KEY = "axon.exchange";
  /** What stands under that key while an exchange runs whose summary is still to come (one entry, replaced). */
  private static final Object PENDING = new Object();

  /** Marks the request as a chat exchange: a summary will be left for it, perhaps only after its response ended. */
  public static void expect(RoutingContext rc) {
    rc.put(CONTEXT_KEY, PENDING);
  }

  /** Leaves an exchange's summary for the handlers that run at the response's end. */
  public static void leave(RoutingContext rc, ExchangeSummary summary) {
    rc.put(CONTEXT_KEY, summary);
  }

  /** Whether a summary is still to come: an exchange runs for the request and has not left its summary yet. */
  public static boolean pending(RoutingContext rc) {
    return rc.get(CONTEXT_KEY) == PENDING;
  }

  /** The summary left for the request, or null (no chat exchange, or one that has not ended). */
  public static ExchangeSummary of(RoutingContext rc) {
    Object left = rc.get(CONTEXT_KEY);
    return left instanceof ExchangeSummary summary ? summary : null;
  }

  /** A summary without the turns' own timing (the gateway overhead is then the whole latency). */
  public ExchangeSummary(String requestId, String keyName, String ownerHash, String clientModel, String model,
                         String servedModel, String provider, String conversationId, boolean stream, int n,
                         int status, ErrorKind error, Usage usage,
                         long startNanos, long acceptedNanos, long firstEventNanos, long endNanos) {
    this(requestId, keyName, ownerHash, clientModel, model, servedModel, provider, conversationId, stream, n, status, error,
        usage, startNanos, acceptedNanos, firstEventNanos, endNanos, 0, 0, false);
  }

  public double latencyMs() {
    return (endNanos - startNanos) / 1e6;
  }

  /** From the request to the first event of the model, or -1 when none came. */
  public double timeToFirstTokenMs() {
    return firstEventNanos == 0 ? -1 : (firstEventNanos - startNanos) / 1e6;
  }

  /**
   * The gateway's own share of the latency: the whole exchange minus the time its turns were out with the pool
   * and the provider (queueing for a session included, which {@code axon_pool_queue_wait_seconds} reports). What
   * remains is parsing, authentication, loading and storing the conversation, the event-bus hops and rendering (but for a
   * non-streamed reply's body, rendered after the summary is made: a few microseconds).
   */
  public double overheadMs() {
    double total = latencyMs();
    if (turnsStartedNanos == 0 || turnsEndedNanos < turnsStartedNanos) {
      return total;
    }
    return Math.max(0, total - (turnsEndedNanos - turnsStartedNanos) / 1e6);
  }

  /** How long the request waited for a session, or -1 when it got none. */
  public double poolWaitMs() {
    return acceptedNanos == 0 ? -1 : (acceptedNanos - startNanos) / 1e6;
  }
}
