package dev.axon.common.stats;

/** Monotonic pool counters: since start, summed over models. */
public record PoolCounters(long acquire, long release, long warmup, long miss, long recycle, long discard, long request) {

  public static final PoolCounters ZERO = new PoolCounters(0, 0, 0, 0, 0, 0, 0);

  public PoolCounters plus(PoolCounters o) {
    return new PoolCounters(acquire + o.acquire, release + o.release, warmup + o.warmup, miss + o.miss,
        recycle + o.recycle, discard + o.discard, request + o.request);
  }
}
