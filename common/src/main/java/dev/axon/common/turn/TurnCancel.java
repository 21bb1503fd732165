package dev.axon.common.turn;

/** The caller no longer wants the turn (its client went away): stop it and give the session back clean. */
public record TurnCancel(String turnId) {
}
