package dev.axon.common.stats;

/**
 * Monotonic pool counters since start. Every acquired session comes back exactly once, as a {@code release}
 * (healthy, to be reset and reused) or a {@code discard} (broken, closed and replaced), so
 * {@code acquire == release + discard} once no turn runs. {@code recycle} counts sessions closed after their
 * last allowed turn, {@code warmup} sessions started, {@code miss} acquires that found no idle session,
 * {@code request} turn requests received.
 */
public record PoolCounters(long acquire, long release, long warmup, long miss, long recycle, long discard, long request) {

  public static final PoolCounters ZERO = new PoolCounters(0, 0, 0, 0, 0, 0, 0);

  public PoolCounters plus(PoolCounters o) {
    return new PoolCounters(acquire + o.acquire, release + o.release, warmup + o.warmup, miss + o.miss,
        recycle + o.recycle, discard + o.discard, request + o.request);
  }
}
