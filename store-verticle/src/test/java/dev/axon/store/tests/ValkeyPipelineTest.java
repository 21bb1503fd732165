package dev.axon.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.store.StoreOptions;
import dev.axon.store.valkey.PipelinedRedis;
import dev.axon.store.valkey.ValkeyClients;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store's commands share one pipelined connection; those sent in one event-loop pass (the commits of the turns
 * one pass finished) leave together, so Valkey reads them in a handful of reads instead of one per command, and each
 * still gets its own reply.
 */
@ExtendWith(VertxExtension.class)
class ValkeyPipelineTest {

  static final ValkeyFixture VALKEY = ValkeyFixture.shared();
  static final int COMMANDS = 200;

  @Test
  void commandsSentInOnePassLeaveTogether(Vertx vertx, VertxTestContext ctx) {
    StoreOptions options = new StoreOptions(new JsonObject().put("valkey", new JsonObject().put("url", VALKEY.url())));
    String key = "axon:test:pipeline:" + System.nanoTime();
    long[] readsBefore = new long[1];
    vertx.getOrCreateContext().runOnContext(v -> {
      PipelinedRedis redis = ValkeyClients.create(vertx, options);
      // the first command opens the connection
      redis.send(Request.cmd(Command.PING))
          .compose(pong -> vertx.executeBlocking(() -> readsBefore[0] = VALKEY.readsProcessed()))
          .compose(before -> {
            List<Future<Response>> replies = new ArrayList<>(COMMANDS);
            for (int i = 0; i < COMMANDS; i++) {
              replies.add(redis.send(Request.cmd(Command.INCR).arg(key)));
            }
            return Future.all(replies).map(all -> {
              List<Long> values = new ArrayList<>(COMMANDS);
              for (int i = 0; i < COMMANDS; i++) {
                values.add(all.<Response>resultAt(i).toLong());
              }
              return values;
            });
          })
          .compose(values -> vertx.executeBlocking(() -> {
            long reads = VALKEY.readsProcessed() - readsBefore[0];
            ctx.verify(() -> {
              assertTrue(readsBefore[0] >= 0, "the server reports total_reads_processed (INFO stats)");
              for (int i = 0; i < COMMANDS; i++) {
                assertEquals(i + 1, values.get(i), "each command its own reply, in order");
              }
              // One read for the batch (two if it spans Valkey's read buffer) and one for each INFO asking; one per
              // command when each is flushed on its own.
              assertTrue(reads <= 10, COMMANDS + " commands took " + reads + " reads");
            });
            return reads;
          }))
          .eventually(() -> redis.close())
          .onComplete(ctx.succeedingThenComplete());
    });
  }
}
