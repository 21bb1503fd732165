package dev.axon.api.tenant;

import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.AuthHandler;
import dev.axon.api.http.RequestIds;
import dev.axon.api.http.Responses;
import dev.axon.common.error.AxonException;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces a limited key's limits on every {@code /v1} request, with one round trip to the store before anything
 * else runs: every request counts against requests per minute; a turn (a chat completion or a message) also needs tokens left (per minute
 * and for the day) and takes a concurrency slot, which is released when its response ends or its client goes away
 * (the same end handler covers success, failure and disconnects) and renewed while it runs, so a slot of a node that
 * died frees itself after {@code concurrencyLeaseMs}. Every response of a limited key carries the
 * {@code x-ratelimit-*} headers; a refusal is 429 {@code rate_limit_exceeded} or {@code insufficient_quota} with
 * {@code Retry-After}. When the store cannot answer, a limited key's request fails with 503 (limits fail closed).
 * Keys without limits pass straight through.
 *
 * <p>Runs after {@link AuthHandler}; the request is paused while the store answers so a body handler further down
 * sees the whole body. Threading: the API verticle's context.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(RateLimitHandler.class);
  private static final String CHAT = "/v1/chat/completions";
  private static final String MESSAGES = "/v1/messages";

  private final Vertx vertx;
  private final TenantClient client;
  private final LongSupplier leaseMs;

  public RateLimitHandler(Vertx vertx, TenantClient client, LongSupplier leaseMs) {
    this.vertx = vertx;
    this.client = client;
    this.leaseMs = leaseMs;
  }

  @Override
  public void handle(RoutingContext rc) {
    ApiKey key = AuthHandler.key(rc);
    if (key == null || !key.limited()) {
      rc.next();
      return;
    }
    HttpServerRequest request = rc.request();
    boolean turn = request.method() == HttpMethod.POST && (CHAT.equals(rc.normalizedPath()) || MESSAGES.equals(rc.normalizedPath()));
    KeyLimits limits = key.limits();
    String lease = turn && limits.concurrentRequests() > 0 ? RequestIds.random(24) : null;
    long ttl = leaseMs.getAsLong();
    if (!request.isEnded()) {
      request.pause();
    }
    client.acquire(new RateLimitAcquire(key.name(), limits, turn, lease, ttl)).onComplete(ar -> {
      if (ar.failed()) {
        resume(request);
        Responses.error(rc, ar.cause());
        return;
      }
      RateLimitDecision decision = ar.result();
      RateLimitHeaders.put(rc.response(), decision);
      if (!decision.allowed()) {
        resume(request);
        int retryAfter = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (decision.retryAfterMs() + 999) / 1000));
        Responses.error(rc, new AxonException(decision.refusal(), decision.message(), null, retryAfter));
        return;
      }
      if (lease != null && !hold(rc, key.name(), lease, ttl)) {
        return;
      }
      resume(request);
      rc.next();
    });
  }

  /** Keeps the slot while the response is open; false (slot already released) when the client left meanwhile. */
  private boolean hold(RoutingContext rc, String subject, String lease, long ttl) {
    long renewal = vertx.setPeriodic(Math.max(250, ttl / 3), id -> client.renew(new RateLimitRenew(subject, lease, ttl))
        .onFailure(e -> log.debug("could not renew a concurrency slot of key {}: {}", subject, e.getMessage())));
    Runnable release = () -> {
      vertx.cancelTimer(renewal);
      client.release(new RateLimitRelease(subject, lease))
          .onFailure(e -> log.warn("could not release a concurrency slot of key {} (it expires by itself): {}", subject, e.getMessage()));
    };
    if (rc.response().closed() || rc.response().ended()) {
      release.run();
      return false;
    }
    rc.addEndHandler(v -> release.run());
    return true;
  }

  private static void resume(HttpServerRequest request) {
    if (!request.isEnded()) {
      request.resume();
    }
  }
}
