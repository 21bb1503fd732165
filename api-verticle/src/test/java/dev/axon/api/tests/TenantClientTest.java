package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.api.tenant.TenantClient;
import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.RecordUsageBatch;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Usage leaves the API in batches: the records of the exchanges that end within one pass of the event loop go to the
 * store in one one-way message, a full batch goes at once, and nothing is lost or sent twice.
 */
@ExtendWith(VertxExtension.class)
class TenantClientTest {

  @Test
  void recordsOfOnePassLeaveInOneMessageAndLaterOnesInTheNext(Vertx vertx, VertxTestContext ctx) {
    onContext(vertx, ctx, (client, received) -> {
      for (int i = 0; i < 3; i++) {
        client.record(usage(i));
      }
      vertx.setTimer(50, t -> {
        client.record(usage(3));
        vertx.setTimer(50, t2 -> ctx.verify(() -> {
          assertEquals(2, received.size(), "one message per pass: " + received);
          assertEquals(List.of(usage(0), usage(1), usage(2)), received.get(0).records());
          assertEquals(List.of(usage(3)), received.get(1).records());
          ctx.completeNow();
        }));
      });
    });
  }

  @Test
  void aPassWithMoreThanABatchSendsSeveralAndLosesNone(Vertx vertx, VertxTestContext ctx) {
    onContext(vertx, ctx, (client, received) -> {
      for (int i = 0; i < 300; i++) {
        client.record(usage(i));
      }
      vertx.setTimer(100, t -> ctx.verify(() -> {
        assertEquals(2, received.size(), "a full batch went at once, the rest after the pass");
        assertEquals(256, received.get(0).records().size());
        List<RecordUsage> all = new ArrayList<>();
        received.forEach(b -> all.addAll(b.records()));
        List<RecordUsage> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          expected.add(usage(i));
        }
        assertEquals(expected, all, "every record once, in order");
        ctx.completeNow();
      }));
    });
  }

  /**
   * Runs {@code test} on an event-loop context with a client created there (as an API verticle creates it) and the
   * batches the store's address receives, once a consumer listens there.
   */
  private static void onContext(Vertx vertx, VertxTestContext ctx, BiConsumer<TenantClient, List<RecordUsageBatch>> test) {
    Codecs.register(vertx);
    List<RecordUsageBatch> received = Collections.synchronizedList(new ArrayList<>());
    vertx.eventBus().<RecordUsageBatch>consumer(Addresses.STORE_USAGE_RECORDS, m -> received.add(m.body())).completion()
        .onComplete(ctx.succeeding(registered -> vertx.getOrCreateContext().runOnContext(v ->
            test.accept(new TenantClient(vertx, 1_000), received))));
  }

  private static RecordUsage usage(int n) {
    return new RecordUsage("key-" + n, "claude-sonnet-4-6", KeyLimits.NONE, n, 1, 0);
  }
}
