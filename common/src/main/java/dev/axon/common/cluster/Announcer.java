package dev.axon.common.cluster;

import dev.axon.common.bus.Addresses;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Publishes a verticle instance's {@link RoleAnnouncement} now and then every period, until stopped. Must be
 * started and stopped on the verticle's context; the supplier runs there.
 */
public final class Announcer {

  /** How often instances announce themselves. */
  public static final long PERIOD_MS = 1_000;
  /** An instance not heard from for this long is gone. */
  public static final long EXPIRY_MS = 3_500;

  private final Vertx vertx;
  private final Supplier<RoleAnnouncement> announcement;
  private long timer = -1;

  public Announcer(Vertx vertx, Supplier<RoleAnnouncement> announcement) {
    this.vertx = vertx;
    this.announcement = announcement;
  }

  public void start() {
    publish();
    timer = vertx.setPeriodic(PERIOD_MS, t -> publish());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Publishes at once, e.g. after a change others should see before the next period. */
  public void publish() {
    vertx.eventBus().publish(Addresses.ANNOUNCE, announcement.get());
  }
}
