/**
 * Operations in the launcher: the node's metrics registry and tracer wired into Vert.x ({@link
 * dev.axon.app.ops.Observability}), live log levels ({@link dev.axon.app.ops.LogLevels}), and the graceful drain on
 * SIGTERM ({@link dev.axon.app.ops.GracefulShutdown}). Built once per JVM by {@link dev.axon.app.Main}.
 */
package dev.axon.app.ops;
