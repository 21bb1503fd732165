package dev.axon.common.turn;

import dev.axon.common.chat.ChatRequest;

/**
 * Asks a pool to run one turn. Sent one way to {@link dev.axon.common.bus.Addresses#POOL_TURN} (or a pool's own turn
 * address); everything after goes to {@code replyTo}: {@link TurnAccepted} once a session is acquired, or
 * {@link TurnRejected} (for instance {@link dev.axon.common.error.ErrorKind#POOL_BUSY}), then {@link TurnEvent}s.
 * No reply: a request-reply exchange registered a reply handler, a timer and a close hook per turn. The sender learns
 * from the send itself whether any pool listens at the address, and times the acceptance out itself.
 *
 * @param turnId    unique id chosen by the caller; every event and cancel names it
 * @param replyTo   the caller's event address (one per caller instance, events are told apart by turn id)
 * @param requestId the client request this turn serves, for logs
 * @param queue     whether the pool may queue the request until a session frees up; when false a saturated
 *                  pool answers {@code POOL_BUSY} at once, so the caller can try another pool first
 * @param streamed  whether the caller relays the reply as it is generated; when false it waits for the whole
 *                  reply, so a provider may ask its upstream for the whole reply in one response
 */
public record TurnRequest(String turnId, String replyTo, String requestId, ChatRequest request, boolean queue,
                          boolean streamed) {

  /** A streamed request that may wait in the pool's queue. */
  public TurnRequest(String turnId, String replyTo, String requestId, ChatRequest request) {
    this(turnId, replyTo, requestId, request, true, true);
  }

  /** The same request, allowed to queue or not. */
  public TurnRequest withQueue(boolean mayQueue) {
    return new TurnRequest(turnId, replyTo, requestId, request, mayQueue, streamed);
  }

  /** The same request under another turn id (a retry), allowed to queue. */
  public TurnRequest withTurnId(String id) {
    return new TurnRequest(id, replyTo, requestId, request, true, streamed);
  }
}
