package dev.axon.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageRecord;
import dev.axon.common.tenant.UsageReport;
import dev.axon.store.StoreOptions;
import dev.axon.store.StoreVerticle;
import dev.axon.testkit.StallingProxy;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Valkey connection that stops answering without closing (a server that hangs, packets dropped on the way): the
 * store verticle sends every command down one connection, so it must give that one up and open another, rather than
 * fail every command until TCP notices, minutes later.
 */
@ExtendWith(VertxExtension.class)
class ValkeyHungConnectionTest {

  static final ValkeyFixture VALKEY = ValkeyFixture.shared();
  static final long COMMAND_TIMEOUT_MS = 300;
  static final RecordUsage USAGE = new RecordUsage("key-hung", "claude-haiku-4-5", KeyLimits.NONE, 1, 1, 0);

  @Test
  void aConnectionThatStopsAnsweringIsReplaced(Vertx vertx, VertxTestContext ctx) {
    // The watchdog gives up within the command timeout and a period or two of its own (about 1 s here); the bound
    // leaves room for a slow machine, and without the watchdog nothing recovers at all.
    stallAndRecover(vertx, ctx, COMMAND_TIMEOUT_MS, null, 5_000);
  }

  @Test
  void theWatchdogTakesAReloadedCommandTimeout(Vertx vertx, VertxTestContext ctx) {
    // Started with a 10 s timeout, reloaded to 300 ms: with the old bound the first stalled command alone would wait
    // 10 s, and the watchdog longer.
    stallAndRecover(vertx, ctx, 10_000, COMMAND_TIMEOUT_MS, 5_000);
  }

  @Test
  void aConnectionSetAsideIsGivenBackOnceItsServerAnswersAgain(Vertx vertx, VertxTestContext ctx) {
    // One pooled connection: while the set-aside one is held, no other can be opened, so the store recovers only if
    // the held connection goes back to the pool once its answers arrive.
    StallingProxy[] proxy = new StallingProxy[1];
    long[] releasedAt = new long[1];
    storeBehindProxy(vertx, COMMAND_TIMEOUT_MS, 1)
        .compose(p -> {
          proxy[0] = p;
          return record(vertx);
        })
        .compose(v -> {
          proxy[0].hold();
          return record(vertx).transform(ar -> {
            ctx.verify(() -> assertEquals(ErrorKind.UNAVAILABLE, ((AxonException) ar.cause()).kind(), "a held connection times out"));
            // long enough for the watchdog to set it aside (the timeout and two of its periods)
            return vertx.timer(1_500);
          });
        })
        .compose(v -> {
          proxy[0].release();
          releasedAt[0] = System.nanoTime();
          return untilRecorded(vertx, 40);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt[0]);
          assertTrue(recoveredMs < 3_000, "recovered " + recoveredMs + " ms after the release");
          proxy[0].close();
          ctx.completeNow();
        })));
  }

  @Test
  void usageCountedWhileTheConnectionHangsIsWrittenOnceAfterItIsReplaced(Vertx vertx, VertxTestContext ctx) {
    String subject = "key-hung-" + java.util.UUID.randomUUID();
    RecordUsage usage = new RecordUsage(subject, "claude-haiku-4-5", KeyLimits.NONE, 2, 1, 0);
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    StallingProxy[] proxy = new StallingProxy[1];
    storeBehindProxy(vertx, COMMAND_TIMEOUT_MS, StoreOptions.DEFAULT_MAX_POOL_SIZE)
        .compose(p -> {
          proxy[0] = p;
          // counted in memory, written every 200 ms
          vertx.eventBus().publish(Addresses.CONFIG_STORE, config(p, COMMAND_TIMEOUT_MS, StoreOptions.DEFAULT_MAX_POOL_SIZE)
              .put("usageFlushMs", 200));
          return vertx.timer(100);
        })
        .compose(v -> vertx.eventBus().request(Addresses.STORE_USAGE_RECORD, usage))
        .compose(v -> usageOf(vertx, subject, today))
        .compose(first -> {
          ctx.verify(() -> assertEquals(1, first.requests(), "written before the stall"));
          // The stalled connection swallows the next writes before they reach the server: they time out, stay
          // counted, and are written again once the watchdog has opened another connection.
          proxy[0].stall();
          return Future.all(vertx.eventBus().request(Addresses.STORE_USAGE_RECORD, usage),
              vertx.eventBus().request(Addresses.STORE_USAGE_RECORD, usage));
        })
        .compose(v -> untilRequests(vertx, subject, today, 3, 40))
        .compose(record -> vertx.timer(500).map(record))
        .compose(record -> usageOf(vertx, subject, today))
        .onComplete(ctx.succeeding(record -> ctx.verify(() -> {
          assertEquals(3, record.requests(), "each record counted once");
          assertEquals(6, record.promptTokens());
          proxy[0].close();
          ctx.completeNow();
        })));
  }

  private static Future<UsageRecord> usageOf(Vertx vertx, String subject, String day) {
    return vertx.eventBus().<UsageReport>request(Addresses.STORE_USAGE_QUERY, new UsageQuery(subject, day, day))
        .map(m -> m.body().records().stream().findFirst().orElse(new UsageRecord(day, "claude-haiku-4-5", 0, 0, 0, 0)));
  }

  /**
   * Deploys a store through a proxy with {@code timeoutMs} (reloaded to {@code reloadedMs} when not null), records
   * once, stalls the proxy, and expects a timeout and then a recovery within {@code boundMs} of the stall.
   */
  private static void stallAndRecover(Vertx vertx, VertxTestContext ctx, long timeoutMs, Long reloadedMs, long boundMs) {
    StallingProxy[] proxy = new StallingProxy[1];
    long[] stalledAt = new long[1];
    storeBehindProxy(vertx, timeoutMs, StoreOptions.DEFAULT_MAX_POOL_SIZE)
        .compose(p -> {
          proxy[0] = p;
          if (reloadedMs != null) {
            vertx.eventBus().publish(Addresses.CONFIG_STORE, config(p, reloadedMs, StoreOptions.DEFAULT_MAX_POOL_SIZE));
          }
          return record(vertx);
        })
        .compose(v -> {
          proxy[0].stall();
          stalledAt[0] = System.nanoTime();
          return record(vertx).transform(ar -> {
            ctx.verify(() -> assertEquals(ErrorKind.UNAVAILABLE, ((AxonException) ar.cause()).kind(), "a hung connection times out"));
            return untilRecorded(vertx, 40);
          });
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt[0]);
          assertTrue(recoveredMs < boundMs, "recovered in " + recoveredMs + " ms");
          proxy[0].close();
          ctx.completeNow();
        })));
  }

  /** A proxy to the shared Valkey, and a store verticle deployed behind it. */
  private static Future<StallingProxy> storeBehindProxy(Vertx vertx, long commandTimeoutMs, int maxPoolSize) {
    Codecs.register(vertx);
    return StallingProxy.start(vertx, VALKEY.host(), VALKEY.port()).compose(p -> vertx.deployVerticle(new StoreVerticle(),
        new DeploymentOptions().setConfig(config(p, commandTimeoutMs, maxPoolSize))).map(id -> p));
  }

  /** Usage written as it is recorded: a record is a command that needs the connection. */
  private static JsonObject config(StallingProxy proxy, long commandTimeoutMs, int maxPoolSize) {
    return new JsonObject().put("backend", "valkey").put("usageFlushMs", 0).put("valkey", new JsonObject()
        .put("url", "redis://127.0.0.1:" + proxy.port()).put("commandTimeoutMs", commandTimeoutMs).put("connectTimeoutMs", 300)
        .put("maxPoolSize", maxPoolSize));
  }

  private static Future<Object> record(Vertx vertx) {
    return vertx.eventBus().request(Addresses.STORE_USAGE_RECORD, USAGE).map(Message::body);
  }

  /** Records once every 100 ms until it succeeds, at most {@code tries} times. */
  private static Future<Object> untilRecorded(Vertx vertx, int tries) {
    return until(vertx, tries, () -> record(vertx), r -> true);
  }

  /** Queries every 100 ms until the key shows {@code requests} requests, at most {@code tries} times. */
  private static Future<UsageRecord> untilRequests(Vertx vertx, String subject, String day, long requests, int tries) {
    return until(vertx, tries, () -> usageOf(vertx, subject, day), r -> r.requests() >= requests);
  }

  /** Runs {@code step} every 100 ms until it succeeds with a result {@code done} accepts, at most {@code tries} times. */
  private static <T> Future<T> until(Vertx vertx, int tries, Supplier<Future<T>> step, Predicate<T> done) {
    return step.get().transform(ar -> {
      if (ar.succeeded() && done.test(ar.result())) {
        return Future.succeededFuture(ar.result());
      }
      if (tries <= 1) {
        return ar.succeeded() ? Future.failedFuture("not there yet after the last try: " + ar.result()) : Future.failedFuture(ar.cause());
      }
      return vertx.timer(100).compose(t -> until(vertx, tries - 1, step, done));
    });
  }
}
