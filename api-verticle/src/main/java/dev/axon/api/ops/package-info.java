/**
 * Operations at the edge: liveness, readiness and statistics ({@link dev.axon.api.ops.OpsHandlers}); the node's
 * operations state shared by its API instances ({@link dev.axon.api.ops.EdgeOps}: meters, drain, the last minute of
 * traffic); the first handler of every request ({@link dev.axon.api.ops.EdgeHandler}: meters, access log, drain);
 * {@code /metrics}, {@code /stats/traffic} and the status page ({@link dev.axon.api.ops.OpsRoutes}).
 *
 * <p>Threading: handlers run on their API verticle's context; {@link dev.axon.api.ops.EdgeOps},
 * {@link dev.axon.api.ops.Drain} and {@link dev.axon.api.ops.TrafficWindow} are shared by every API instance of a
 * node (and the launcher's drain thread) and are thread-safe.
 */
package dev.axon.api.ops;
