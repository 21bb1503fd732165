package dev.axon.store;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Replies;
import dev.axon.common.cluster.Announcer;
import dev.axon.common.cluster.NodeId;
import dev.axon.common.cluster.RoleAnnouncement;
import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.CommitResult;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.conversation.DeleteConversation;
import dev.axon.common.conversation.ListConversations;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.store.metrics.StoreMetrics;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.RecordUsageBatch;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.store.ratelimit.RateLimiter;
import dev.axon.store.usage.UsageMeter;
import dev.axon.store.valkey.PipelinedRedis;
import dev.axon.store.valkey.ValkeyClients;
import dev.axon.store.valkey.ValkeyConversationStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store role: answers conversation, rate-limit and usage requests on the event bus from a
 * {@link ConversationStore}, a {@link RateLimiter} and a {@link UsageMeter} that share one Valkey client. Its
 * configuration is the {@code store} section. It starts even when Valkey is down (requests then fail fast
 * with {@code UNAVAILABLE} and readiness says so) so the gateway recovers by itself when Valkey returns.
 */
public class StoreVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(StoreVerticle.class);

  /** The Valkey client the three components share; null for the memory backend. */
  private PipelinedRedis redis;
  private ConversationStore store;
  private RateLimiter limiter;
  private UsageMeter meter;
  private Announcer announcer;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final StoreMetrics metrics;
  private String backend;
  /** A metering failure was logged and metering has not worked since: the next failures are not logged. */
  private boolean meteringFailing;

  /** A store verticle without metrics. */
  public StoreVerticle() {
    this(StoreMetrics.NONE);
  }

  /** A store verticle that times its commands on {@code metrics} (shared by the node). */
  public StoreVerticle(StoreMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    StoreOptions options = new StoreOptions(config());
    redis = "memory".equals(options.getBackend()) ? null : ValkeyClients.create(vertx, options);
    store = redis == null ? ConversationStore.create(vertx, options) : new ValkeyConversationStore(options, redis);
    limiter = RateLimiter.create(options, redis);
    meter = UsageMeter.create(vertx, options, redis);
    backend = options.getBackend();
    EventBus bus = vertx.eventBus();
    consumers.add(bus.<OpenConversation>consumer(Addresses.STORE_OPEN,
        m -> Replies.reply(m, timed("open", () -> store.open(m.body())), log, "conversation store")));
    consumers.add(bus.<GetConversation>consumer(Addresses.STORE_GET,
        m -> Replies.reply(m, timed("get", () -> store.get(m.body())), log, "conversation store")));
    consumers.add(bus.<CommitTurn>consumer(Addresses.STORE_COMMIT,
        m -> Replies.reply(m, timed("commit", () -> commit(m.body())), log, "conversation store")));
    consumers.add(bus.<AbortTurn>consumer(Addresses.STORE_ABORT,
        m -> Replies.reply(m, timed("abort", () -> store.abort(m.body())), log, "conversation store")));
    consumers.add(bus.<ListConversations>consumer(Addresses.STORE_LIST,
        m -> Replies.reply(m, timed("list", () -> store.list(m.body())), log, "conversation store")));
    consumers.add(bus.<DeleteConversation>consumer(Addresses.STORE_DELETE,
        m -> Replies.reply(m, timed("delete", () -> store.delete(m.body())), log, "conversation store")));
    consumers.add(bus.<RateLimitAcquire>consumer(Addresses.STORE_RATE_ACQUIRE,
        m -> Replies.reply(m, timed("rate_acquire", () -> limiter.acquire(m.body())), log, "rate limiter")));
    consumers.add(bus.<RateLimitRenew>consumer(Addresses.STORE_RATE_RENEW,
        m -> Replies.reply(m, timed("rate_renew", () -> limiter.renew(m.body())), log, "rate limiter")));
    consumers.add(bus.<RateLimitRelease>consumer(Addresses.STORE_RATE_RELEASE,
        m -> Replies.reply(m, timed("rate_release", () -> limiter.release(m.body())), log, "rate limiter")));
    consumers.add(bus.<RecordUsage>consumer(Addresses.STORE_USAGE_RECORD,
        m -> Replies.reply(m, timed("usage_record", () -> meter(m.body(), "a request")), log, "usage meter")));
    consumers.add(bus.<RecordUsageBatch>consumer(Addresses.STORE_USAGE_RECORDS, m -> {
      for (RecordUsage usage : m.body().records()) {
        timed("usage_record", () -> meter(usage, "a request"));
      }
    }));
    consumers.add(bus.<UsageQuery>consumer(Addresses.STORE_USAGE_QUERY,
        m -> Replies.reply(m, timed("usage_query", () -> meter.query(m.body())), log, "usage meter")));
    consumers.add(bus.<JsonObject>consumer(Addresses.CONFIG_STORE, m -> {
      try {
        StoreOptions next = new StoreOptions(m.body());
        limiter.reconfigure(next);
        meter.reconfigure(next);
        store.reconfigure(next);
        if (redis != null) {
          redis.reconfigure(next);
        }
        log.info("store configuration applied");
      } catch (RuntimeException e) {
        log.error("configuration change rejected by the store: {}", e.getMessage());
      }
    }));
    consumers.add(bus.consumer(Addresses.STORE_STATS,
        m -> Replies.reply(m, timed("count", () -> store.stats()), log, "conversation store")));
    long startedAt = System.currentTimeMillis();
    String instanceId = java.util.UUID.randomUUID().toString();
    announcer = new Announcer(vertx, () -> new RoleAnnouncement(NodeId.CURRENT, NodeId.host(), "store", instanceId, startedAt,
        System.currentTimeMillis(), null, null, null));
    announcer.start();
    List<Future<?>> ready = new ArrayList<>();
    consumers.forEach(c -> ready.add(c.completion()));
    ready.add(store.start().recover(failure -> {
      log.warn("conversation store not reachable at start ({}); requests that need it answer 503 until it is", failure.getMessage());
      return Future.succeededFuture();
    }));
    return Future.all(ready);
  }

  /**
   * Stores a turn and meters the usage it carries once it is stored. The reply does not wait for the metering, as a
   * client's response never waits for its {@link RecordUsage}.
   */
  private Future<CommitResult> commit(CommitTurn turn) {
    Future<CommitResult> committed = store.commit(turn);
    RecordUsage usage = turn.usage();
    if (usage == null) {
      return committed;
    }
    return committed.onSuccess(r -> meter(usage, "a stored turn"));
  }

  /**
   * Meters one exchange; a failure is logged here, once per outage, because the API sends usage without waiting for
   * an answer.
   */
  private Future<Void> meter(RecordUsage usage, String what) {
    return meterAndCharge(usage).andThen(outcome -> {
      if (outcome.succeeded()) {
        meteringFailing = false;
      } else if (!meteringFailing) {
        meteringFailing = true;
        log.warn("usage of {} not metered (logged once until metering works again): {}", what, outcome.cause().getMessage());
      }
    });
  }

  /** Meters one exchange and charges its tokens to the key's token limits. */
  private Future<Void> meterAndCharge(RecordUsage usage) {
    Future<Void> charged = limiter.charge(usage.subject(), usage.limits(), (long) usage.promptTokens() + usage.completionTokens());
    return Future.all(meter.record(usage), charged).mapEmpty();
  }

  /** Runs one store command, timed by outcome. */
  private <T> Future<T> timed(String command, Supplier<Future<T>> call) {
    return metrics.record(backend, command, call);
  }

  @Override
  public Future<?> stop() {
    if (announcer != null) {
      announcer.stop();
    }
    List<Future<?>> closing = new ArrayList<>();
    consumers.forEach(c -> closing.add(c.unregister()));
    // The usage counted in memory is written before the store closes the client.
    Future<Void> metered = meter == null ? Future.succeededFuture()
        : meter.close().recover(e -> {
          log.warn("usage counted since the last write not stored: {}", e.getMessage());
          return Future.succeededFuture();
        });
    if (store != null) {
      closing.add(metered.transform(v -> store.close()));
    }
    return Future.join(closing);
  }
}
