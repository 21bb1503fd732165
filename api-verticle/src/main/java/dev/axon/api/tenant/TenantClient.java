package dev.axon.api.tenant;

import dev.axon.common.bus.Addresses;
import dev.axon.common.error.AxonException;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/** The store's rate-limit and usage contracts as typed futures; every failure is a typed error. Safe from any context. */
public final class TenantClient {

  private final EventBus bus;
  private final DeliveryOptions delivery;

  public TenantClient(Vertx vertx, long timeoutMs) {
    this.bus = vertx.eventBus();
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
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
   * cost a second message, its handler and its timer on every request. The store logs a metering failure.
   */
  public void record(RecordUsage usage) {
    bus.send(Addresses.STORE_USAGE_RECORD, usage);
  }

  public Future<UsageReport> usage(UsageQuery query) {
    return ask(Addresses.STORE_USAGE_QUERY, query, "The usage meter");
  }

  private <T> Future<T> ask(String address, Object body, String what) {
    return bus.<T>request(address, body, delivery).map(Message::body)
        .recover(failure -> Future.failedFuture(AxonException.from(failure, what)));
  }
}
