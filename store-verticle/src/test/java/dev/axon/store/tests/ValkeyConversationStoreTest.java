package dev.axon.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.StoreStats;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The store contract against a real Valkey-compatible server, plus what only Valkey has: TTLs, key layout, outages. */
class ValkeyConversationStoreTest extends ConversationStoreContract {

  static final ValkeyFixture VALKEY = ValkeyFixture.shared();

  @Override
  JsonObject storeConfig() {
    return new JsonObject().put("backend", "valkey").put("conversationTtlSeconds", 1234)
        .put("valkey", new JsonObject().put("url", VALKEY.url()).put("commandTimeoutMs", 1000).put("connectTimeoutMs", 300));
  }

  @Test
  void keysShareOneHashTagAndCarryTheTtlAndNoKeyInClear(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, "sha256-of-key", "hello").onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      long metaTtl = Long.parseLong(VALKEY.command("TTL axon:conv:{" + id + "}").substring(1));
      long listTtl = Long.parseLong(VALKEY.command("TTL axon:conv:{" + id + "}:messages").substring(1));
      assertTrue(metaTtl > 1200 && metaTtl <= 1234, "meta TTL " + metaTtl);
      assertTrue(listTtl > 1200 && listTtl <= 1234, "messages TTL " + listTtl);
      assertEquals(":0", VALKEY.command("EXISTS axon:conv:{" + id + "}:lock"));
      ctx.completeNow();
    })));
  }

  /** The script calls {@code step} makes, once it is done. */
  static Future<Long> scriptCallsOf(Supplier<Future<?>> step) {
    long before = VALKEY.scriptCalls();
    return step.get().map(r -> VALKEY.scriptCalls() - before);
  }

  @Test
  void aStoredTurnIsOneScriptCallThatAlsoListsItForItsOwner(Vertx vertx, VertxTestContext ctx) {
    String owner = "owner-rt-" + java.util.UUID.randomUUID();
    create(vertx, newId(), owner, "the first call caches the script")
        .compose(r -> scriptCallsOf(() -> create(vertx, newId(), owner, "hello", "hi")))
        .onComplete(ctx.succeeding(calls -> ctx.verify(() -> {
          assertEquals(1L, calls, "one round trip: the commit, the live set and the owner's index");
          assertEquals(":2", VALKEY.command("ZCARD axon:owner:{" + owner + "}:conversations"));
          assertEquals(":2", VALKEY.command("ZCARD axon:owner:{" + owner + "}:expiry"));
          ctx.completeNow();
        })));
  }

  @Test
  void aStoredTurnIsOneScriptCallAndItsUsageIsWrittenLaterWithOthers(Vertx vertx, VertxTestContext ctx) {
    String subject = "meter-rt-" + java.util.UUID.randomUUID();
    long[] calls = new long[1];
    // Usage written once a minute: nothing but the commit may reach Valkey while the turn is stored.
    vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig().put("usageFlushMs", 60_000));
    pause(vertx, 100)
        .compose(v -> createMetered(vertx, newId(), subject, 3, 4, null))
        .compose(r -> scriptCallsOf(() -> createMetered(vertx, newId(), subject, 5, 6, null)))
        .compose(n -> {
          calls[0] = n;
          return usageOnce(vertx, subject, 2);
        })
        .onComplete(ar -> vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig()))
        .onComplete(ctx.succeeding(record -> ctx.verify(() -> {
          assertEquals(1, calls[0], "one round trip: the commit; its usage is counted in memory");
          assertEquals(8L, record.promptTokens());
          assertEquals(10L, record.completionTokens());
          String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
          long ttl = Long.parseLong(VALKEY.command("TTL axon:usage:{" + subject + "}:" + day).substring(1));
          assertTrue(ttl > 90 * 86_400L, "usage kept 90 days after its day, TTL " + ttl);
          ctx.completeNow();
        })));
  }

  @Test
  void theOwnersIndexUpkeepRunsOncePerIntervalOrWhenTheTtlChanges(Vertx vertx, VertxTestContext ctx) {
    String owner = "owner-upkeep-" + java.util.UUID.randomUUID();
    String index = "axon:owner:{" + owner + "}:conversations";
    create(vertx, newId(), owner, "the first commit does the upkeep")
        .compose(r -> {
          ctx.verify(() -> assertTrue(ttlOf(index) > 1234, "TTL " + ttlOf(index)));
          VALKEY.command("EXPIRE " + index + " 500");
          return create(vertx, newId(), owner, "the second one within the interval does not");
        })
        .compose(r -> {
          ctx.verify(() -> {
            assertEquals(":2", VALKEY.command("ZCARD " + index), "yet it is listed");
            assertTrue(ttlOf(index) <= 500, "TTL " + ttlOf(index));
          });
          vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig().put("conversationTtlSeconds", 2000));
          return pause(vertx, 100).compose(v -> create(vertx, newId(), owner, "a new conversation TTL makes it due"));
        })
        .onComplete(ar -> vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig()))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertTrue(ttlOf(index) > 2000, "TTL " + ttlOf(index));
          ctx.completeNow();
        })));
  }

  private static long ttlOf(String key) {
    return Long.parseLong(VALKEY.command("TTL " + key).substring(1));
  }

  @Test
  void theOwnersIndexSharesItsHashTagAndExpiredConversationsLeaveIt(Vertx vertx, VertxTestContext ctx) {
    String owner = "owner-exp-" + java.util.UUID.randomUUID();
    String id = newId();
    vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig().put("conversationTtlSeconds", 1));
    pause(vertx, 100)
        .compose(v -> create(vertx, id, owner, "short-lived"))
        .compose(r -> {
          ctx.verify(() -> {
            assertEquals(":1", VALKEY.command("ZCARD axon:owner:{" + owner + "}:conversations"));
            assertEquals(":1", VALKEY.command("ZCARD axon:owner:{" + owner + "}:expiry"));
            long ttl = Long.parseLong(VALKEY.command("TTL axon:owner:{" + owner + "}:conversations").substring(1));
            // the conversation TTL and the upkeep interval (OwnerUpkeep)
            assertTrue(ttl > 50 && ttl <= 61, "index TTL " + ttl);
          });
          return pause(vertx, 1_300);
        })
        .compose(v -> list(vertx, owner, 10, null))
        .onComplete(ar -> vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig()))
        .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
          assertTrue(page.data().isEmpty(), "expired conversations are not listed");
          assertEquals(":0", VALKEY.command("ZCARD axon:owner:{" + owner + "}:conversations"));
          ctx.completeNow();
        })));
  }

  @Test
  void outageFailsFastWithUnavailableAndRecoversByItself(Vertx vertx, VertxTestContext ctx) {
    Assumptions.assumeTrue(VALKEY.isLocalProcess(), "needs a locally started server to stop");
    String id = newId();
    create(vertx, id, OWNER, "before the outage").onComplete(ctx.succeeding(r -> {
      VALKEY.pause();
      long started = System.nanoTime();
      ask(vertx, Addresses.STORE_STATS, null).onComplete(ctx.failing(failure -> ctx.verify(() -> {
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(ErrorKind.UNAVAILABLE, kindOf(failure));
        assertTrue(tookMs < 1500, "failed fast, took " + tookMs + " ms");
        vertx.executeBlocking(() -> {
          VALKEY.resume();
          return null;
        }).compose(x -> ask(vertx, Addresses.STORE_STATS, null))
            .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
              assertTrue(((StoreStats) stats).conversations() >= 0);
              // The server restarted without persistence: the conversation is gone, and the store says so.
              ask(vertx, Addresses.STORE_GET, new GetConversation(id, OWNER)).onComplete(ctx.failing(f -> ctx.verify(() -> {
                assertEquals(ErrorKind.NOT_FOUND, kindOf(f));
                ctx.completeNow();
              })));
            })));
      })));
    }));
  }
}
