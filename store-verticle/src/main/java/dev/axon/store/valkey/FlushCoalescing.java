package dev.axon.store.valkey;

import dev.axon.common.net.Flushes;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.impl.PooledRedisConnection;
import io.vertx.redis.client.impl.RedisStandaloneConnection;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the commands a store verticle sends in one event-loop pass leave in one system call ({@link Flushes}).
 *
 * <p>The Redis client writes and flushes every command on its own: a {@code send} per command on the gateway, and a
 * {@code read} per command on Valkey, although at load the event loop commits dozens of turns per pass (it wakes
 * rarely and handles many sockets each time). Commands keep their own replies and failures, and a command alone
 * waits for nothing (its flush runs as soon as the current pass ends).
 *
 * <p>The client does not expose its socket, so it is read from the connection once (a private field of Vert.x's
 * standalone connection). Where that fails — another client version, a cluster connection, which spans several
 * sockets — commands are flushed one by one as before.
 */
final class FlushCoalescing {

  private static final Logger log = LoggerFactory.getLogger(FlushCoalescing.class);
  private static final Field SOCKET = socketField();

  private FlushCoalescing() {
  }

  /** Installs the handler on the connection's socket, unless it is there (a pooled connection leased again). */
  static void install(RedisConnection connection) {
    NetSocketInternal socket = socketOf(connection);
    if (socket != null) {
      Flushes.coalesce(socket.channelHandlerContext().pipeline());
    }
  }

  private static NetSocketInternal socketOf(RedisConnection connection) {
    if (SOCKET == null || !(connection instanceof PooledRedisConnection pooled)
        || !(pooled.actual() instanceof RedisStandaloneConnection standalone)) {
      return null;
    }
    try {
      return SOCKET.get(standalone) instanceof NetSocketInternal socket ? socket : null;
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  private static Field socketField() {
    try {
      Field f = RedisStandaloneConnection.class.getDeclaredField("netSocket");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.info("Valkey commands are flushed one by one: {}", e.toString());
      return null;
    }
  }
}
