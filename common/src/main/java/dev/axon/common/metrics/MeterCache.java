package dev.axon.common.metrics;

import java.util.Arrays;
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

  private final ConcurrentHashMap<Tags, M> meters = new ConcurrentHashMap<>();
  private final Function<List<String>, M> create;

  /** @param create builds and registers the meter for the tag values, in the order {@link #get} receives them */
  public MeterCache(Function<List<String>, M> create) {
    this.create = create;
  }

  public M get(String... tagValues) {
    // The lookup wraps the caller's array as it is (a list of it was a copy per meter per request); a key kept has its own.
    M meter = meters.get(new Tags(tagValues));
    return meter != null ? meter : meters.computeIfAbsent(new Tags(tagValues.clone()), t -> create.apply(List.of(t.values)));
  }

  /** Tag values compared by content. */
  private record Tags(String[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Tags t && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }
  }
}
