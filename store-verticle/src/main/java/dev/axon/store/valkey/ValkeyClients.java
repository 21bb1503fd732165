package dev.axon.store.valkey;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.store.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One Valkey client per store verticle, shared by the conversation store, the rate limiter and the usage meter: the
 * three modes (standalone, Sentinel, cluster) from {@link StoreOptions}, and {@link Guard}, which bounds a command in
 * time and turns backend trouble into {@code UNAVAILABLE}.
 */
public final class ValkeyClients {

  /**
   * Commands in flight on one connection. All of a store verticle's commands share one pipelined connection, so this
   * is its whole queue: it must hold what a busy gateway sends while Valkey is slow (10,000 turns a second for the
   * 2 s command timeout is 20,000 commands, twice that in a cluster, where a usage record is two). At 4,096 a burst
   * of 5,000 usage records was partly refused ("Redis waiting queue is full"); a waiting command costs a few hundred
   * bytes.
   */
  static final int MAX_IN_FLIGHT = 65_536;

  private ValkeyClients() {
  }

  /**
   * A client for the configured mode that pipelines every command down one connection ({@link PipelinedRedis}); it
   * reconnects by itself when the server returns, and replaces a connection that stops answering. Call on the store
   * verticle's context: the watchdog's timer belongs to it.
   */
  public static PipelinedRedis create(Vertx vertx, StoreOptions options) {
    RedisOptions redisOptions = new RedisOptions();
    switch (options.getMode()) {
      case "cluster":
        redisOptions.setType(RedisClientType.CLUSTER).setEndpoints(options.getEndpoints()).setUseReplicas(RedisReplicas.NEVER);
        break;
      case "sentinel":
        redisOptions.setType(RedisClientType.SENTINEL).setEndpoints(options.getEndpoints())
            .setMasterName(options.getMasterName()).setRole(RedisRole.MASTER);
        break;
      default:
        redisOptions.setConnectionString(options.getValkeyUrl());
    }
    return new PipelinedRedis(vertx, Redis.createClient(vertx, redisOptions
        .setMaxPoolSize(options.getMaxPoolSize())
        .setMaxPoolWaiting(1024)
        .setMaxWaitingHandlers(MAX_IN_FLIGHT)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) options.getConnectTimeoutMs())
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true))), options);
  }

  /**
   * Bounds commands in time and types their failures: a script error is {@code INTERNAL} (logged), anything else
   * (timeout, refused connection, failover) is {@code UNAVAILABLE} with Retry-After 1, logged once per outage.
   * Confined to the store verticle's context.
   */
  public static final class Guard {

    private final Logger log;
    private final String what;
    private final LongSupplier timeoutMs;
    private boolean reportedDown;

    /**
     * @param what the component in log lines and client messages, e.g. "rate limiter"
     */
    public Guard(Logger log, String what, LongSupplier timeoutMs) {
      this.log = log;
      this.what = what;
      this.timeoutMs = timeoutMs;
    }

    public Future<Response> guard(Future<Response> command, String operation) {
      return command.timeout(timeoutMs.getAsLong(), TimeUnit.MILLISECONDS)
          .onSuccess(r -> {
            if (reportedDown) {
              reportedDown = false;
              log.info("{} reachable again", what);
            }
          })
          .recover(failure -> {
            if (failure instanceof AxonException) {
              return Future.failedFuture(failure);
            }
            String message = failure.getMessage();
            if (message != null && (message.startsWith("ERR") || message.startsWith("WRONGTYPE"))) {
              log.error("{} {} failed: {}", what, operation, message);
              return Future.failedFuture(new AxonException(ErrorKind.INTERNAL, what + " failed"));
            }
            if (!reportedDown) {
              reportedDown = true;
              log.warn("{} unavailable: {}", what, failure.toString());
            }
            return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE,
                "The " + what + " is unavailable; try again shortly.", null, 1));
          });
    }
  }
}
