package dev.axon.app.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Event-bus traffic: {@code axon_eventbus_messages_total{address,direction}}, {@code direction} {@code sent} (on the
 * sender's node) or {@code received} (on the receiver's). Counted by bus interceptors in place of Vert.x's own
 * event-bus meters, which looked up (and mapped through regular expressions) several meters per message and cost
 * more than the rest of a request. Per-instance and reply addresses are collapsed into one label value each, so the
 * label stays bounded.
 */
final class EventBusMeters {

  /** Address prefixes that end in an instance id or a sequence number, and the label value each becomes. */
  private static final List<String> COLLAPSED = List.of(
      "axon.turn.events.", "axon.turn.control.", "axon.pool.turn.", "axon.pool.stats.", "__vertx.reply.");
  private static final List<String> COLLAPSED_LABELS = COLLAPSED.stream().map(prefix -> prefix + "*").toList();

  private EventBusMeters() {
  }

  static void install(Vertx vertx, MeterRegistry registry) {
    Direction sent = new Direction(registry, "sent");
    Direction received = new Direction(registry, "received");
    vertx.eventBus().addOutboundInterceptor((DeliveryContext<Object> ctx) -> {
      sent.count(ctx.message().address());
      ctx.next();
    });
    vertx.eventBus().addInboundInterceptor((DeliveryContext<Object> ctx) -> {
      received.count(ctx.message().address());
      ctx.next();
    });
  }

  static String label(String address) {
    if (address == null) {
      return "none";
    }
    for (int i = 0; i < COLLAPSED.size(); i++) {
      if (address.startsWith(COLLAPSED.get(i))) {
        return COLLAPSED_LABELS.get(i);
      }
    }
    return address;
  }

  /**
   * One direction's counters by label. Every message is counted twice (sent, received), so the lookup is one map
   * probe on a string whose hash is cached (an address constant or a collapsed label), with nothing allocated.
   */
  private static final class Direction {

    private final ConcurrentHashMap<String, Counter> byLabel = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final String direction;

    Direction(MeterRegistry registry, String direction) {
      this.registry = registry;
      this.direction = direction;
    }

    void count(String address) {
      String label = label(address);
      Counter counter = byLabel.get(label);
      if (counter == null) {
        counter = byLabel.computeIfAbsent(label, l -> Counter.builder("axon.eventbus.messages")
            .description("Event-bus messages by address, sent on this node or received by it")
            .tag("address", l).tag("direction", direction).register(registry));
      }
      counter.increment();
    }
  }
}
