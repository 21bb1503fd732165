package dev.axon.common.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Meters by their tag values. A hot path looks its meter up here in one hash map instead of building and
 * registering it on every call: Micrometer maps each registration through every meter filter before it finds the
 * existing meter, which cost more than the rest of a request. Tag values must be bounded (models, routes, statuses,
 * key names). Safe from any thread.
 *
 * @param <M> the meter type
 */
public final class MeterCache<M> {

  private final ConcurrentHashMap<List<String>, M> meters = new ConcurrentHashMap<>();
  private final Function<List<String>, M> create;

  /** @param create builds and registers the meter for the tag values, in the order {@link #get} receives them */
  public MeterCache(Function<List<String>, M> create) {
    this.create = create;
  }

  public M get(String... tagValues) {
    List<String> key = List.of(tagValues);
    M meter = meters.get(key);
    return meter != null ? meter : meters.computeIfAbsent(key, create);
  }
}
