package dev.axon.common.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.Map;

/**
 * Which event-loop thread each pool instance of this JVM runs on, so a caller can send a turn to the pool on its
 * own loop: every event-bus hop of that turn then stays on one thread, where a hop to another loop costs a queue
 * hand-off and a wake-up each way (measured: two loops with one pool served 13 % more than one loop, not twice).
 * Only this JVM's pools are registered; pools on other nodes are never "on this loop".
 */
public final class EventLoopAffinity {

  private static final String MAP = "axon.pool.loops";

  private EventLoopAffinity() {
  }

  /** Records that the pool answering at {@code turnAddress} runs on the calling thread (its event loop). */
  public static void register(Vertx vertx, String turnAddress) {
    loops(vertx).put(turnAddress, Thread.currentThread().getName());
  }

  public static void unregister(Vertx vertx, String turnAddress) {
    loops(vertx).remove(turnAddress);
  }

  /** Whether the pool answering at {@code turnAddress} runs on the calling thread. */
  public static boolean onThisLoop(Vertx vertx, String turnAddress) {
    String thread = loops(vertx).get(turnAddress);
    return thread != null && thread.equals(Thread.currentThread().getName());
  }

  /** The pools of this JVM: turn address → name of the event-loop thread it runs on. */
  public static Map<String, String> registered(Vertx vertx) {
    return Map.copyOf(loops(vertx));
  }

  private static LocalMap<String, String> loops(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
