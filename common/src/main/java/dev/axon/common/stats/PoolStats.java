package dev.axon.common.stats;

import java.util.List;

/**
 * One pool verticle's state: totals over its models, each model's pool, and the HTTP upstreams its providers talk
 * to (empty when no provider has one).
 */
public record PoolStats(String nodeId, int idle, int busy, int pending, int waiting, PoolCounters counters,
                        double avgLatencyMs, long samples, List<ModelPoolStats> models, List<UpstreamStats> upstreams) {

  public PoolStats {
    models = List.copyOf(models);
    upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
  }

  /** A pool verticle's state without upstreams. */
  public PoolStats(String nodeId, int idle, int busy, int pending, int waiting, PoolCounters counters,
                   double avgLatencyMs, long samples, List<ModelPoolStats> models) {
    this(nodeId, idle, busy, pending, waiting, counters, avgLatencyMs, samples, models, List.of());
  }

  /** Totals of these per-model pools. */
  public static PoolStats of(String nodeId, List<ModelPoolStats> models) {
    return of(nodeId, models, List.of());
  }

  /** Totals of these per-model pools, with the upstreams behind them. */
  public static PoolStats of(String nodeId, List<ModelPoolStats> models, List<UpstreamStats> upstreams) {
    int idle = 0, busy = 0, pending = 0, waiting = 0;
    PoolCounters counters = PoolCounters.ZERO;
    double weighted = 0;
    long samples = 0;
    for (ModelPoolStats m : models) {
      idle += m.idle();
      busy += m.busy();
      pending += m.pending();
      waiting += m.waiting();
      counters = counters.plus(m.counters());
      weighted += m.avgLatencyMs() * m.samples();
      samples += m.samples();
    }
    return new PoolStats(nodeId, idle, busy, pending, waiting, counters, samples == 0 ? 0 : weighted / samples, samples, models, upstreams);
  }
}
