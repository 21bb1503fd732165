package dev.axon.app.ops;

import dev.axon.common.metrics.MeterCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.List;

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

  private EventBusMeters() {
  }

  static void install(Vertx vertx, MeterRegistry registry) {
    MeterCache<Counter> counters = new MeterCache<>(t -> Counter.builder("axon.eventbus.messages")
        .description("Event-bus messages by address, sent on this node or received by it")
        .tag("address", t.get(0)).tag("direction", t.get(1)).register(registry));
    vertx.eventBus().addOutboundInterceptor((DeliveryContext<Object> ctx) -> {
      counters.get(label(ctx.message().address()), "sent").increment();
      ctx.next();
    });
    vertx.eventBus().addInboundInterceptor((DeliveryContext<Object> ctx) -> {
      counters.get(label(ctx.message().address()), "received").increment();
      ctx.next();
    });
  }

  static String label(String address) {
    if (address == null) {
      return "none";
    }
    for (String prefix : COLLAPSED) {
      if (address.startsWith(prefix)) {
        return prefix + "*";
      }
    }
    return address;
  }
}
