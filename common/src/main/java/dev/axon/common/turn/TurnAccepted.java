package dev.axon.common.turn;

/**
 * The pool acquired a session for the turn and starts it. Sent to the request's {@code replyTo}, on its own or, when
 * the turn's first events leave in the same event-loop pass, with them ({@link TurnEvent#accepted()}).
 *
 * @param controlAddress where the caller sends {@link TurnCancel} for this turn
 * @param sessionId      the session serving the turn, for logs and tests
 * @param provider       the provider behind the session
 */
public record TurnAccepted(String turnId, String controlAddress, String sessionId, String provider) {
}
