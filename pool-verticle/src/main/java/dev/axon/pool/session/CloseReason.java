package dev.axon.pool.session;

/** Why a session was closed; used in logs and to pick the counter. */
public enum CloseReason {
  PASSED_MAX_TURNS("passed max turns"),
  SESSION_DEAD("session is no longer alive"),
  RESET_FAILED("reset failed"),
  TURN_FAILED("turn failed in a way that leaves the session unusable"),
  MARKED_FOR_CLOSE("marked for closing"),
  IDLE_TRIM("idle above the pool size"),
  POOL_CLOSED("pool closed");

  private final String text;

  CloseReason(String text) {
    this.text = text;
  }

  @Override
  public String toString() {
    return text;
  }
}
