package dev.axon.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.store.StoreVerticle;
import dev.axon.testkit.ValkeyFixture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tenant contract on a real Valkey, plus the key layout, the retention and limits shared by several store nodes. */
class ValkeyTenantStoreTest extends TenantStoreContract {

  static final ValkeyFixture VALKEY = ValkeyFixture.shared();

  @Override
  JsonObject storeConfig() {
    return new JsonObject().put("backend", "valkey")
        .put("valkey", new JsonObject().put("url", VALKEY.url()).put("commandTimeoutMs", 1000).put("connectTimeoutMs", 300));
  }

  @Test
  void usageKeysAreTaggedByKeyAndKeptNinetyDays(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-sonnet-4-6", KeyLimits.NONE, 3, 2, 1))
        // a query writes what its store counted first
        .compose(v -> ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery(s, today, today)))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          String key = "axon:usage:{" + s + "}:" + today;
          assertEquals(":3", VALKEY.command("HINCRBY " + key + " prompt:claude-sonnet-4-6 0"));
          assertEquals(":1", VALKEY.command("HINCRBY " + key + " cached:claude-sonnet-4-6 0"));
          long ttl = Long.parseLong(VALKEY.command("TTL " + key).substring(1));
          assertTrue(ttl > 90 * 86_400L && ttl <= 91 * 86_400L, "kept 90 days after today: " + ttl);
          long allTtl = Long.parseLong(VALKEY.command("TTL axon:usage:all:{" + today + "}").substring(1));
          assertTrue(allTtl > 90 * 86_400L, "totals kept too: " + allTtl);
          ctx.completeNow();
        })));
  }

  @Test
  void usageIsCountedInMemoryAndWrittenInOneCallPerHash(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    String mine = "axon:usage:{" + s + "}:" + today;
    String totals = "axon:usage:all:{" + today + "}";
    long[] before = new long[3];
    vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig().put("usageFlushMs", 500));
    TenantStoreContract.pause(vertx, 100)
        .compose(v -> {
          before[0] = VALKEY.scriptCalls();
          before[1] = Long.parseLong(VALKEY.command("HINCRBY " + totals + " prompt:claude-haiku-4-5 0").substring(1));
          return Future.all(
              ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-haiku-4-5", KeyLimits.NONE, 1, 1, 0)),
              ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-haiku-4-5", KeyLimits.NONE, 5, 2, 0)),
              ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-sonnet-4-6", KeyLimits.NONE, 4, 3, 2)));
        })
        .compose(v -> {
          before[2] = VALKEY.scriptCalls() - before[0];
          ctx.verify(() -> assertEquals(":0", VALKEY.command("EXISTS " + mine), "nothing written before the interval is up"));
          return TenantStoreContract.pause(vertx, 1_000);
        })
        .onComplete(ar -> vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig()))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(0, before[2], "no call while the records came");
          assertEquals(2, VALKEY.scriptCalls() - before[0], "then one call for the key's hash and one for the totals'");
          assertEquals(":2", VALKEY.command("HINCRBY " + mine + " requests:claude-haiku-4-5 0"));
          assertEquals(":6", VALKEY.command("HINCRBY " + mine + " prompt:claude-haiku-4-5 0"));
          assertEquals(":3", VALKEY.command("HINCRBY " + mine + " completion:claude-haiku-4-5 0"));
          assertEquals(":0", VALKEY.command("HEXISTS " + mine + " cached:claude-haiku-4-5"), "a count of 0 adds no field");
          assertEquals(":1", VALKEY.command("HINCRBY " + mine + " requests:claude-sonnet-4-6 0"));
          assertEquals(":2", VALKEY.command("HINCRBY " + mine + " cached:claude-sonnet-4-6 0"));
          assertEquals(":" + (before[1] + 6), VALKEY.command("HINCRBY " + totals + " prompt:claude-haiku-4-5 0"));
          ctx.completeNow();
        })));
  }

  @Test
  void usageCountedInMemoryIsWrittenWhenTheStoreStops(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    vertx.eventBus().publish(Addresses.CONFIG_STORE, storeConfig().put("usageFlushMs", 60_000));
    TenantStoreContract.pause(vertx, 100)
        .compose(v -> ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-haiku-4-5", KeyLimits.NONE, 7, 1, 0)))
        .compose(v -> {
          ctx.verify(() -> assertEquals(":0", VALKEY.command("EXISTS axon:usage:{" + s + "}:" + today)));
          return Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList());
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(":7", VALKEY.command("HINCRBY axon:usage:{" + s + "}:" + today + " prompt:claude-haiku-4-5 0"));
          ctx.completeNow();
        })));
  }

  @Test
  void twoStoreNodesShareOneLimit(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    KeyLimits limits = new KeyLimits(4, 0, 0, 0);
    // A second store verticle on the same Valkey: the event bus spreads the requests over both.
    vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(storeConfig()))
        .compose(id -> {
          List<Future<RateLimitDecision>> all = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            all.add(acquire(vertx, s, limits, false, null, 0));
          }
          return Future.all(all).map(f -> f.<RateLimitDecision>list());
        })
        .onComplete(ctx.succeeding(decisions -> ctx.verify(() -> {
          assertEquals(4, decisions.stream().filter(RateLimitDecision::allowed).count(), "the limit holds across nodes");
          assertFalse(decisions.stream().allMatch(RateLimitDecision::allowed));
          assertTrue(VALKEY.command("EXISTS axon:rl:{" + s + "}:rpm").equals(":1"));
          long pttl = Long.parseLong(VALKEY.command("PTTL axon:rl:{" + s + "}:rpm").substring(1));
          assertTrue(pttl > 0 && pttl <= 61_000, "a bucket goes once it is full again: " + pttl);
          ctx.completeNow();
        })));
  }
}
