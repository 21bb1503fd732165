package dev.axon.common.upstream;

/**
 * An upstream's circuit breaker changed state; published on {@link dev.axon.common.bus.Addresses#UPSTREAM_BREAKER}
 * by the HTTP providers, counted by the node's pool metrics. Each pool verticle instance has breakers of its own, so
 * one upstream may have several: {@code breakerId} tells them apart.
 *
 * @param upstream the upstream without credentials (its base URL)
 * @param from     the previous state, null for a new breaker
 * @param to       {@code closed}, {@code open}, {@code half_open}, or {@link #RETIRED} when the breaker is gone (its
 *                 provider closed, or the upstream's URL changed)
 */
public record BreakerChange(String breakerId, String provider, String upstream, String from, String to, long atMs) {

  /** The state a breaker leaves the count with: it no longer exists. */
  public static final String RETIRED = "retired";
}
