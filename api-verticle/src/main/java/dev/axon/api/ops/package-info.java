/** Operational endpoints: liveness, readiness, statistics. */
package dev.axon.api.ops;
