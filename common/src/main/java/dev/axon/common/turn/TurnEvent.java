package dev.axon.common.turn;

import dev.axon.common.chat.ChatEvent;

/**
 * One event of a running turn, numbered from 0 so the caller can check order.
 *
 * @param precedingText text that came before {@code event}, sent with it (null when none): a reply that arrives whole
 *     costs one bus message, not one for its text and another for its end
 * @param controlAddress where to send a cancel, so a caller that no longer knows the turn can stop it
 * @param accepted      the turn's acceptance when it had not left yet (null otherwise): a reply produced in the pass
 *     that accepted the turn costs one bus message, acceptance, text and end together
 */
public record TurnEvent(String turnId, int seq, String precedingText, ChatEvent event, String controlAddress,
                        TurnAccepted accepted) {

  public TurnEvent(String turnId, int seq, String precedingText, ChatEvent event, String controlAddress) {
    this(turnId, seq, precedingText, event, controlAddress, null);
  }

  public TurnEvent(String turnId, int seq, ChatEvent event, String controlAddress) {
    this(turnId, seq, null, event, controlAddress, null);
  }
}
