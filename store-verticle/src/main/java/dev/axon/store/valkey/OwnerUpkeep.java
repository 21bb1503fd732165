package dev.axon.store.valkey;

import java.util.HashMap;
import java.util.Map;

/**
 * When an owner's conversation index is due for its upkeep: dropping the entries of expired conversations and pushing
 * the index's own expiry past its newest conversation's. Every commit adds its conversation to the index, but the
 * upkeep (a range query and two {@code EXPIRE}s, a fifth of a new turn's commands) runs at most once per
 * {@link #INTERVAL_MS} per owner and store verticle: the index then expires {@link #INTERVAL_MS} after the conversation
 * TTL, so it outlives every conversation committed before the next upkeep, and an expired entry stays at most that much
 * longer (a listing drops such entries itself). Confined to the store verticle's context.
 */
final class OwnerUpkeep {

  static final long INTERVAL_MS = 60_000;
  /** Owners remembered; past this, all are forgotten (each then costs one more upkeep). */
  private static final int MAX_OWNERS = 10_000;

  private record Done(long atMs, long ttlSeconds) {
  }

  private final Map<String, Done> done = new HashMap<>();

  /**
   * The TTL, in seconds, to give the owner's index in a commit at {@code nowMs}, or 0 when its upkeep is not due.
   * A changed conversation TTL makes it due at once. It stays due until {@link #done} says a commit carried it out.
   */
  long ttlIfDue(String owner, long nowMs, long conversationTtlSeconds) {
    Done last = done.get(owner);
    if (last != null && nowMs - last.atMs < INTERVAL_MS && last.ttlSeconds == conversationTtlSeconds) {
      return 0;
    }
    return conversationTtlSeconds + INTERVAL_MS / 1000;
  }

  /** The upkeep asked for at {@code nowMs} has been written. */
  void done(String owner, long nowMs, long conversationTtlSeconds) {
    if (done.size() >= MAX_OWNERS) {
      done.clear();
    }
    done.put(owner, new Done(nowMs, conversationTtlSeconds));
  }
}
