package dev.axon.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.store.StoreVerticle;
import dev.axon.testkit.StallingProxy;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
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

  @Test
  void aConnectionThatStopsAnsweringIsReplaced(Vertx vertx, VertxTestContext ctx) {
    Codecs.register(vertx);
    RecordUsage usage = new RecordUsage("key-hung", "claude-haiku-4-5", KeyLimits.NONE, 1, 1, 0);
    StallingProxy[] proxy = new StallingProxy[1];
    long[] stalledAt = new long[1];
    StallingProxy.start(vertx, VALKEY.host(), VALKEY.port())
        .compose(p -> {
          proxy[0] = p;
          JsonObject config = new JsonObject().put("backend", "valkey").put("valkey", new JsonObject()
              .put("url", "redis://127.0.0.1:" + p.port()).put("commandTimeoutMs", COMMAND_TIMEOUT_MS).put("connectTimeoutMs", 300));
          return vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config));
        })
        .compose(id -> record(vertx, usage))
        .compose(v -> {
          proxy[0].stall();
          stalledAt[0] = System.nanoTime();
          return record(vertx, usage).transform(ar -> {
            ctx.verify(() -> assertEquals(ErrorKind.UNAVAILABLE, ((AxonException) ar.cause()).kind(), "a hung connection times out"));
            return untilRecorded(vertx, usage, 40);
          });
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt[0]);
          // The watchdog gives up within the command timeout and a period or two of its own (about 1 s here); the
          // bound leaves room for a slow machine, and without the watchdog nothing recovers at all.
          assertTrue(recoveredMs < 5_000, "recovered in " + recoveredMs + " ms");
          proxy[0].close();
          ctx.completeNow();
        })));
  }

  private static Future<Object> record(Vertx vertx, RecordUsage usage) {
    return vertx.eventBus().request(Addresses.STORE_USAGE_RECORD, usage).map(Message::body);
  }

  /** Records once every 100 ms until it succeeds, at most {@code tries} times. */
  private static Future<Object> untilRecorded(Vertx vertx, RecordUsage usage, int tries) {
    return record(vertx, usage).recover(failure -> {
      if (tries <= 1) {
        return Future.failedFuture(failure);
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(100, t -> later.complete());
      return later.future().compose(v -> untilRecorded(vertx, usage, tries - 1));
    });
  }
}
