package dev.axon.store.valkey;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * Sends every command down one long-lived connection, pipelined, instead of leasing a pooled connection per command.
 *
 * <p>The pooled client holds a connection for the whole round trip of one command, so a store verticle could have at
 * most {@code maxPoolSize} commands in flight. Usage records leave after the response, without back-pressure, so under
 * load they queued for a connection until the pool's wait queue overflowed: at 64 connections through the
 * {@code anthropic} provider, 2.6 % of the requests went unmetered ({@code ConnectionPoolTooBusyException}), and the
 * failures' stack traces alone were 1.6 % of the event loop. Pipelined, commands wait only for Valkey, which reads
 * what arrived together in one go.
 *
 * <p>A connection that fails or closes is dropped, and the next command opens another (through the client, so
 * Sentinel and cluster modes find their servers as before); commands in flight on it fail, and the store's guard
 * reports them {@code UNAVAILABLE}. Confined to the store verticle's context, like the client.
 */
final class PipelinedRedis implements Redis {

  private final Redis client;
  private Future<RedisConnection> connection;

  PipelinedRedis(Redis client) {
    this.client = client;
  }

  @Override
  public Future<Response> send(Request command) {
    return connection().compose(c -> c.send(command));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return connection().compose(c -> c.batch(commands));
  }

  /** A connection of its own, for a caller that needs one (a transaction, a subscription): not the shared one. */
  @Override
  public Future<RedisConnection> connect() {
    return client.connect();
  }

  @Override
  public Future<Void> close() {
    Future<RedisConnection> open = connection;
    connection = null;
    Future<Void> closing = open != null && open.succeeded() ? open.result().close().recover(e -> Future.succeededFuture()) : Future.succeededFuture();
    return closing.eventually(client::close);
  }

  private Future<RedisConnection> connection() {
    Future<RedisConnection> current = connection;
    if (current != null && !current.failed()) {
      return current;
    }
    Future<RedisConnection> opening = client.connect().onSuccess(c -> {
      c.exceptionHandler(e -> drop(c));
      c.endHandler(v -> drop(c));
    });
    connection = opening;
    return opening;
  }

  private void drop(RedisConnection c) {
    Future<RedisConnection> current = connection;
    if (current != null && current.succeeded() && current.result() == c) {
      connection = null;
      c.close();
    }
  }
}
