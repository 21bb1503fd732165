package dev.axon.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.RecordUsageBatch;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageRecord;
import dev.axon.common.tenant.UsageReport;
import dev.axon.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rate limiter and the usage meter over the event bus, against each backend: the windows and what the headers
 * will show, refusals that consume nothing, concurrency slots that are released or expire, tokens charged after a
 * turn, the daily quota, and usage per key, model and day with its totals.
 */
@ExtendWith(VertxExtension.class)
abstract class TenantStoreContract {

  abstract JsonObject storeConfig();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    Codecs.register(vertx);
    vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(storeConfig()))
        .onComplete(ctx.succeedingThenComplete());
  }

  static String subject() {
    return "key-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static <T> Future<T> ask(Vertx vertx, String address, Object body) {
    return vertx.eventBus().<T>request(address, body).map(Message::body);
  }

  static Future<RateLimitDecision> acquire(Vertx vertx, String subject, KeyLimits limits, boolean turn, String lease, long ttlMs) {
    return ask(vertx, Addresses.STORE_RATE_ACQUIRE, new RateLimitAcquire(subject, limits, turn, lease, ttlMs));
  }

  static Future<Void> pause(Vertx vertx, long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }

  /** Runs {@code count} acquisitions one after the other and collects the decisions. */
  static Future<List<RateLimitDecision>> acquireSeveral(Vertx vertx, String subject, KeyLimits limits, int count) {
    List<RateLimitDecision> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      chain = chain.compose(v -> acquire(vertx, subject, limits, false, null, 0).map(d -> {
        out.add(d);
        return null;
      }));
    }
    return chain.map(v -> out);
  }

  @Test
  void requestsPerMinuteAllowTheLimitThenRefuseWithoutConsuming(Vertx vertx, VertxTestContext ctx) {
    KeyLimits limits = new KeyLimits(3, 0, 0, 0);
    acquireSeveral(vertx, subject(), limits, 5).onComplete(ctx.succeeding(d -> ctx.verify(() -> {
      for (int i = 0; i < 3; i++) {
        assertTrue(d.get(i).allowed(), "request " + i);
        assertEquals(3, d.get(i).requests().limit());
        assertEquals(2 - i, d.get(i).requests().remaining());
        assertTrue(d.get(i).requests().resetMs() > 0 && d.get(i).requests().resetMs() <= 60_000);
        assertNull(d.get(i).tokens(), "no token limit, no token window");
      }
      RateLimitDecision refused = d.get(3);
      assertFalse(refused.allowed());
      assertEquals(ErrorKind.RATE_LIMITED, refused.refusal());
      assertTrue(refused.retryAfterMs() > 0 && refused.retryAfterMs() <= 20_000, "retry " + refused.retryAfterMs());
      assertTrue(refused.message().contains("requests per min"), refused.message());
      assertEquals(0, refused.requests().remaining());
      assertFalse(d.get(4).allowed());
      assertTrue(d.get(4).requests().resetMs() <= 60_000, "a refusal consumed nothing: the bucket is full within a minute");
      ctx.completeNow();
    })));
  }

  @Test
  void theBucketRefillsEvenly(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    KeyLimits limits = new KeyLimits(60, 0, 0, 0); // one request per second
    acquireSeveral(vertx, s, limits, 60)
        .compose(d -> {
          ctx.verify(() -> assertTrue(d.get(59).allowed()));
          return acquire(vertx, s, limits, false, null, 0);
        })
        .compose(refused -> {
          ctx.verify(() -> assertFalse(refused.allowed()));
          return pause(vertx, 1_100);
        })
        .compose(v -> acquire(vertx, s, limits, false, null, 0))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertTrue(d.allowed(), "after a second one request is back");
          ctx.completeNow();
        })));
  }

  @Test
  void concurrencySlotsAreTakenByTurnsAndReleased(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    KeyLimits limits = new KeyLimits(0, 0, 0, 2);
    acquire(vertx, s, limits, true, "lease-1", 60_000)
        .compose(a -> acquire(vertx, s, limits, true, "lease-2", 60_000))
        .compose(b -> {
          ctx.verify(() -> assertTrue(b.allowed()));
          return acquire(vertx, s, limits, true, "lease-3", 60_000);
        })
        .compose(c -> {
          ctx.verify(() -> {
            assertFalse(c.allowed());
            assertEquals(ErrorKind.RATE_LIMITED, c.refusal());
            assertTrue(c.message().contains("concurrent"), c.message());
          });
          return acquire(vertx, s, limits, false, null, 0);
        })
        .compose(other -> {
          ctx.verify(() -> assertTrue(other.allowed(), "requests other than turns take no slot"));
          return ask(vertx, Addresses.STORE_RATE_RELEASE, new RateLimitRelease(s, "lease-1"));
        })
        .compose(v -> acquire(vertx, s, limits, true, "lease-4", 60_000))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertTrue(d.allowed(), "a released slot is free again");
          ctx.completeNow();
        })));
  }

  @Test
  void slotsOfADeadHolderExpireUnlessRenewed(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    KeyLimits limits = new KeyLimits(0, 0, 0, 1);
    acquire(vertx, s, limits, true, "renewed", 300)
        .compose(a -> pause(vertx, 200))
        .compose(v -> ask(vertx, Addresses.STORE_RATE_RENEW, new RateLimitRenew(s, "renewed", 300)))
        .compose(v -> pause(vertx, 200))
        .compose(v -> acquire(vertx, s, limits, true, "second", 300))
        .compose(d -> {
          ctx.verify(() -> assertFalse(d.allowed(), "the renewed slot is still held"));
          return pause(vertx, 250);
        })
        .compose(v -> acquire(vertx, s, limits, true, "third", 300))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertTrue(d.allowed(), "a slot nobody renews frees itself");
          ctx.completeNow();
        })));
  }

  @Test
  void tokensPerMinuteAreChargedAfterTheTurn(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    KeyLimits limits = new KeyLimits(0, 100, 0, 0);
    acquire(vertx, s, limits, true, null, 0)
        .compose(d -> {
          ctx.verify(() -> {
            assertTrue(d.allowed());
            assertEquals(100, d.tokens().limit());
            assertEquals(100, d.tokens().remaining());
            assertNull(d.requests());
          });
          return ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-sonnet-4-6", limits, 100, 50, 0));
        })
        .compose(v -> acquire(vertx, s, limits, true, null, 0))
        .compose(d -> {
          ctx.verify(() -> {
            assertFalse(d.allowed(), "150 tokens used of 100 per minute");
            assertEquals(ErrorKind.RATE_LIMITED, d.refusal());
            assertTrue(d.message().contains("tokens per min"), d.message());
            assertEquals(0, d.tokens().remaining());
            assertTrue(d.retryAfterMs() > 25_000 && d.retryAfterMs() <= 31_000, "the debt of 50 takes ~30 s: " + d.retryAfterMs());
          });
          return acquire(vertx, s, limits, false, null, 0);
        })
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertTrue(d.allowed(), "requests that are not turns do not need tokens");
          ctx.completeNow();
        })));
  }

  @Test
  void theDailyQuotaRefusesWithInsufficientQuotaUntilMidnight(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    KeyLimits limits = new KeyLimits(0, 0, 50, 0);
    ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-haiku-4-5", limits, 30, 30, 0))
        .compose(v -> acquire(vertx, s, limits, true, null, 0))
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertFalse(d.allowed());
          assertEquals(ErrorKind.QUOTA_EXCEEDED, d.refusal());
          long toMidnight = 86_400_000L - Math.floorMod(System.currentTimeMillis(), 86_400_000L);
          assertTrue(Math.abs(d.retryAfterMs() - toMidnight) < 5_000, "retry at midnight UTC: " + d.retryAfterMs());
          assertNotNull(d.tokens());
          assertEquals(50, d.tokens().limit());
          assertEquals(0, d.tokens().remaining());
          ctx.completeNow();
        })));
  }

  @Test
  void usageIsMeteredPerKeyModelAndDayWithTotals(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    Future<UsageReport> totalsBefore = ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery(null, today, today));
    totalsBefore
        .compose(before -> ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-sonnet-4-6", KeyLimits.NONE, 10, 5, 4))
            .compose(v -> ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-sonnet-4-6", KeyLimits.NONE, 7, 3, 0)))
            .compose(v -> ask(vertx, Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-haiku-4-5", KeyLimits.NONE, 1, 1, 0)))
            .compose(v -> ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery(s, LocalDate.parse(today).minusDays(3).toString(), today)))
            .compose(mine -> {
              ctx.verify(() -> {
                List<UsageRecord> records = ((UsageReport) mine).records();
                assertEquals(List.of(new UsageRecord(today, "claude-haiku-4-5", 1, 1, 1, 0),
                    new UsageRecord(today, "claude-sonnet-4-6", 2, 17, 8, 4)), records);
              });
              return ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery(null, today, today));
            })
            .map(after -> {
              ctx.verify(() -> {
                assertEquals(sum((UsageReport) before, "claude-sonnet-4-6") + 2, sum((UsageReport) after, "claude-sonnet-4-6"));
                assertEquals(sum((UsageReport) before, "claude-haiku-4-5") + 1, sum((UsageReport) after, "claude-haiku-4-5"));
              });
              return after;
            }))
        .onComplete(ctx.succeeding(r -> ctx.completeNow()));
  }

  /**
   * Usage records leave after the response, sent without waiting for an answer (as the API sends them), with nothing
   * holding the next request back, so a busy gateway sends them faster than one at a time per connection: none may
   * be lost. (The pooled Valkey client queued them for a connection, and past 1,024 waiting commands refused the
   * rest; the pipelined connection refused commands past its 4,096 in flight, which a cluster, writing a record in two
   * commands, reached with 3,000 records.) The query sent after them is answered after they are counted.
   */
  @Test
  void aBurstOfUsageRecordsIsMeteredInFull(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    int burst = 5000;
    for (int i = 0; i < burst; i++) {
      vertx.eventBus().send(Addresses.STORE_USAGE_RECORD, new RecordUsage(s, "claude-haiku-4-5", KeyLimits.NONE, 2, 1, 0));
    }
    ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery(s, today, today))
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          assertEquals(List.of(new UsageRecord(today, "claude-haiku-4-5", burst, 2L * burst, burst, 0)), ((UsageReport) report).records());
          ctx.completeNow();
        })));
  }

  /**
   * The API sends usage in batches, one message per pass of its event loop: each record of a batch is metered and
   * charged to its key's token limits as it would be alone, none lost, and a query sent after them counts them all.
   */
  @Test
  void batchesOfUsageRecordsAreMeteredAndChargedRecordByRecord(Vertx vertx, VertxTestContext ctx) {
    String s = subject();
    String limited = subject();
    KeyLimits limits = new KeyLimits(0, 100, 0, 0);
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    int batches = 50;
    int perBatch = 100;
    for (int b = 0; b < batches; b++) {
      List<RecordUsage> records = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        records.add(new RecordUsage(s, "claude-haiku-4-5", KeyLimits.NONE, 2, 1, 0));
      }
      if (b == 0) {
        records.add(new RecordUsage(limited, "claude-sonnet-4-6", limits, 100, 50, 0));
      }
      vertx.eventBus().send(Addresses.STORE_USAGE_RECORDS, new RecordUsageBatch(records));
    }
    int total = batches * perBatch;
    ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery(s, today, today))
        .compose(report -> {
          ctx.verify(() -> assertEquals(List.of(new UsageRecord(today, "claude-haiku-4-5", total, 2L * total, total, 0)),
              ((UsageReport) report).records()));
          return acquire(vertx, limited, limits, true, null, 0);
        })
        .onComplete(ctx.succeeding(d -> ctx.verify(() -> {
          assertFalse(d.allowed(), "150 tokens charged of 100 per minute");
          assertEquals(ErrorKind.RATE_LIMITED, d.refusal());
          ctx.completeNow();
        })));
  }

  private static long sum(UsageReport report, String model) {
    return report.records().stream().filter(r -> r.model().equals(model)).mapToLong(UsageRecord::requests).sum();
  }

  @Test
  void badRangesAreInvalidRequests(Vertx vertx, VertxTestContext ctx) {
    ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery("k", "2026-02-01", "2026-01-01"))
        .recover(f -> {
          ctx.verify(() -> assertEquals(ErrorKind.INVALID_REQUEST, ((AxonException) f).kind()));
          return ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery("k", "2025-01-01", "2026-01-01"));
        })
        .onComplete(ctx.failing(f -> ctx.verify(() -> {
          assertEquals(ErrorKind.INVALID_REQUEST, ((AxonException) f).kind(), "more than 92 days");
          ctx.completeNow();
        })));
  }
}
