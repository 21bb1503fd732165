package dev.axon.common.cluster;

import dev.axon.common.stats.PoolHealth;
import dev.axon.common.stats.PoolStats;

/**
 * A verticle instance says it is alive, published every second to {@link dev.axon.common.bus.Addresses#ANNOUNCE}.
 * API nodes build their view of the deployment from these: which nodes run which roles, each pool's gauges and
 * readiness, and where to send turns. An instance not heard from for a few periods is considered gone.
 *
 * @param role        {@code api}, {@code pool} or {@code store}
 * @param instanceId  the verticle instance
 * @param turnAddress for a pool, its own turn address (so a caller can pick a pool and try the next when busy)
 * @param pool        for a pool, its gauges and counters; null otherwise
 * @param poolHealth  for a pool, whether it can serve now; null otherwise
 */
public record RoleAnnouncement(String nodeId, String host, String role, String instanceId, long startedAtMs, long sentAtMs,
                               String turnAddress, PoolStats pool, PoolHealth poolHealth) {
}
