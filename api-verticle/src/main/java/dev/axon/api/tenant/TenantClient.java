package dev.axon.api.tenant;

import dev.axon.common.bus.Addresses;
import dev.axon.common.error.AxonException;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.RecordUsageBatch;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageReport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's rate-limit and usage contracts as typed futures; every failure is a typed error. Created on its API
 * verticle's context, and {@link #record} must be called there (it batches); the rest is safe from any context.
 */
public final class TenantClient {

  /** A pass of the loop that ends more exchanges than this sends them in several messages. */
  static final int MAX_BATCH = 256;

  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final Context context;
  private List<RecordUsage> pending;

  public TenantClient(Vertx vertx, long timeoutMs) {
    this.bus = vertx.eventBus();
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.context = vertx.getOrCreateContext();
  }

  public Future<RateLimitDecision> acquire(RateLimitAcquire request) {
    return ask(Addresses.STORE_RATE_ACQUIRE, request, "The rate limiter");
  }

  public Future<Void> renew(RateLimitRenew request) {
    return this.<Object>ask(Addresses.STORE_RATE_RENEW, request, "The rate limiter").mapEmpty();
  }

  public Future<Void> release(RateLimitRelease request) {
    return this.<Object>ask(Addresses.STORE_RATE_RELEASE, request, "The rate limiter").mapEmpty();
  }

  /**
   * Sends one exchange's usage to the meter without waiting for an answer: nothing waits on it, and a reply would
   * cost a second message, its handler and its timer on every request. The store logs a metering failure. The usage
   * of the exchanges that end before this loop's queued tasks are done leaves in one message right after them: the
   * store runs on one loop (or node), and a message per request meant a thread crossing (or a network message) each.
   */
  public void record(RecordUsage usage) {
    if (pending == null) {
      pending = new ArrayList<>();
      context.runOnContext(v -> flush());
    }
    pending.add(usage);
    if (pending.size() >= MAX_BATCH) {
      flush();
    }
  }

  private void flush() {
    if (pending == null) {
      return;
    }
    List<RecordUsage> batch = pending;
    // A flush left scheduled by a batch that filled up early sends whatever gathered since, or nothing.
    pending = null;
    bus.send(Addresses.STORE_USAGE_RECORDS, new RecordUsageBatch(batch));
  }

  public Future<UsageReport> usage(UsageQuery query) {
    return ask(Addresses.STORE_USAGE_QUERY, query, "The usage meter");
  }

  private <T> Future<T> ask(String address, Object body, String what) {
    return bus.<T>request(address, body, delivery).map(Message::body)
        .recover(failure -> Future.failedFuture(AxonException.from(failure, what)));
  }
}
