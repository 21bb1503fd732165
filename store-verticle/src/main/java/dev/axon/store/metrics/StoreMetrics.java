package dev.axon.store.metrics;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.metrics.MeterCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Times the store's commands (one Valkey round trip each: a Lua script, or a PING) and counts their errors:
 * <ul>
 *   <li>{@code axon_store_command_seconds{backend,command,outcome}} — latency by outcome: {@code ok}, the answers
 *       {@code not_found} and {@code conflict}, or the error kind ({@code unavailable}, {@code timeout}, …);</li>
 *   <li>{@code axon_store_errors_total{backend,command,kind}} — commands that failed (answers excluded).</li>
 * </ul>
 * Vert.x's own {@code vertx_redis_*} meters add the Redis client's view (per server, resets included).
 */
public interface StoreMetrics {

  /** Records nothing. */
  StoreMetrics NONE = new StoreMetrics() {
    @Override
    public <T> Future<T> record(String backend, String command, Supplier<Future<T>> call) {
      return call.get();
    }
  };

  /** Runs {@code call} and records how long it took and how it ended. */
  <T> Future<T> record(String backend, String command, Supplier<Future<T>> call);

  static StoreMetrics of(MeterRegistry registry) {
    Duration[] buckets = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)};
    MeterCache<Timer> commands = new MeterCache<>(t -> Timer.builder("axon.store.command")
        .description("Store commands (Valkey round trips) by outcome")
        .tag("backend", t.get(0)).tag("command", t.get(1)).tag("outcome", t.get(2)).serviceLevelObjectives(buckets).register(registry));
    MeterCache<Counter> errors = new MeterCache<>(t -> Counter.builder("axon.store.errors").description("Store commands that failed, by error kind")
        .tag("backend", t.get(0)).tag("command", t.get(1)).tag("kind", t.get(2)).register(registry));
    return new StoreMetrics() {
      @Override
      public <T> Future<T> record(String backend, String command, Supplier<Future<T>> call) {
        long start = System.nanoTime();
        Future<T> result;
        try {
          result = call.get();
        } catch (RuntimeException e) {
          result = Future.failedFuture(e);
        }
        return result.andThen(ar -> {
          ErrorKind kind = ar.succeeded() ? null : AxonException.from(ar.cause(), "The store").kind();
          boolean answer = kind == ErrorKind.NOT_FOUND || kind == ErrorKind.CONFLICT;
          String outcome = kind == null ? "ok" : kind.name().toLowerCase(Locale.ROOT);
          commands.get(backend, command, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          if (kind != null && !answer) {
            errors.get(backend, command, outcome).increment();
          }
        });
      }
    };
  }
}
