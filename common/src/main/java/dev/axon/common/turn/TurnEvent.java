package dev.axon.common.turn;

import dev.axon.common.chat.ChatEvent;

/**
 * One event of a running turn, numbered from 0 so the caller can check order.
 *
 * @param controlAddress where to send a cancel, so a caller that no longer knows the turn can stop it
 */
public record TurnEvent(String turnId, int seq, ChatEvent event, String controlAddress) {
}
