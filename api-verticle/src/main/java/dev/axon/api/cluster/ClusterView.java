package dev.axon.api.cluster;

import dev.axon.common.bus.Addresses;
import dev.axon.common.cluster.Announcer;
import dev.axon.common.cluster.EventLoopAffinity;
import dev.axon.common.cluster.RoleAnnouncement;
import dev.axon.common.stats.ModelPoolStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What this API instance knows of the deployment, from the role announcements every verticle instance
 * publishes each second: which nodes run which roles, and the pools it can send turns to. Entries not
 * refreshed within {@link Announcer#EXPIRY_MS} are dropped, so a dead node leaves the view within seconds.
 *
 * <p>Threading: confined to the API verticle's context.
 */
public final class ClusterView {

  private final Vertx vertx;
  private final Map<String, Entry> instances = new HashMap<>();
  /** Turn addresses of pools that stopped announcing, with when they were dropped. */
  private final Map<String, Long> departed = new HashMap<>();
  private MessageConsumer<RoleAnnouncement> consumer;
  /** Turn candidates per model, rebuilt when the view changes (not per request). */
  private final Map<String, Ranked> candidates = new HashMap<>();
  private long nextExpiryCheckMs;
  private int rotation;

  private record Entry(RoleAnnouncement announcement, long receivedAtMs) {
  }

  /** A model's pools by capacity, each with its {@link #order} class as of the announcements it was ranked from. */
  private record Ranked(List<String> addresses, int[] order) {
  }

  public ClusterView(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.ANNOUNCE, m -> {
      RoleAnnouncement a = m.body();
      Entry previous = instances.put(a.instanceId(), new Entry(a, System.currentTimeMillis()));
      if (previous == null || !java.util.Objects.equals(previous.announcement().pool(), a.pool())) {
        candidates.clear();
      }
      if (a.turnAddress() != null) {
        departed.remove(a.turnAddress());
      }
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Every live instance's latest announcement. */
  public List<RoleAnnouncement> live() {
    expire();
    List<RoleAnnouncement> out = new ArrayList<>(instances.size());
    instances.values().forEach(e -> out.add(e.announcement()));
    out.sort(Comparator.comparing(RoleAnnouncement::nodeId).thenComparing(RoleAnnouncement::role));
    return out;
  }

  /** Drops instances not heard from in time; cheap to call often (it scans at most every 250 ms). */
  private void expire() {
    long now = System.currentTimeMillis();
    if (now < nextExpiryCheckMs) {
      return;
    }
    nextExpiryCheckMs = now + 250;
    boolean removed = instances.values().removeIf(e -> {
      boolean expired = now - e.receivedAtMs() > Announcer.EXPIRY_MS;
      if (expired && e.announcement().turnAddress() != null) {
        departed.put(e.announcement().turnAddress(), now);
      }
      return expired;
    });
    if (removed) {
      candidates.clear();
    }
    departed.values().removeIf(at -> now - at > 60_000);
  }

  /** Live pool instances. */
  public List<RoleAnnouncement> pools() {
    List<RoleAnnouncement> out = new ArrayList<>();
    for (RoleAnnouncement a : live()) {
      if ("pool".equals(a.role())) {
        out.add(a);
      }
    }
    return out;
  }

  /** Forgets a pool that just proved unreachable, until it announces itself again. */
  public void forget(String turnAddress) {
    if (instances.values().removeIf(e -> turnAddress.equals(e.announcement().turnAddress()))) {
      departed.put(turnAddress, System.currentTimeMillis());
      candidates.clear();
    }
  }

  /** Whether a pool this node knew stopped announcing itself (its node died or left). */
  public boolean departed(String turnAddress) {
    expire();
    return departed.containsKey(turnAddress);
  }

  /**
   * The turn addresses of the live pools for this model, in the order to try them: the pools are taken in turn
   * (round robin), except that the pool on this event loop comes first when it had an idle session for this model at
   * its last announcement, and those that had callers waiting for this model then go last.
   * Empty when no pool has announced itself yet.
   */
  public List<String> turnCandidates(String model) {
    expire();
    Ranked ranked = candidates.computeIfAbsent(model, this::rank);
    int size = ranked.addresses().size();
    if (size <= 1) {
      return ranked.addresses();
    }
    int start = Math.floorMod(rotation++, size);
    List<String> out = new ArrayList<>(size);
    // The rotation, grouped by order class, each group in rotation order.
    for (int group = 0; group <= 2; group++) {
      for (int i = 0; i < size; i++) {
        int at = (start + i) % size;
        if (ranked.order()[at] == group) {
          out.add(ranked.addresses().get(at));
        }
      }
    }
    return out;
  }

  /**
   * Ranked once per change of the view, not per request: the announcements it reads change only with the view (any
   * change of a pool's figures clears the ranking), and the pool on this loop only when a pool starts (announcing
   * itself) or stops (its announcements expire).
   */
  private Ranked rank(String model) {
    List<RoleAnnouncement> pools = new ArrayList<>();
    instances.values().forEach(e -> {
      if ("pool".equals(e.announcement().role())) {
        pools.add(e.announcement());
      }
    });
    pools.sort(Comparator.comparingInt((RoleAnnouncement p) -> -idle(p, model)).thenComparingInt(p -> waiting(p, model))
        .thenComparing(RoleAnnouncement::instanceId));
    List<String> out = new ArrayList<>(pools.size());
    int[] order = new int[pools.size()];
    for (int i = 0; i < pools.size(); i++) {
      out.add(pools.get(i).turnAddress());
      order[i] = order(pools.get(i), model);
    }
    return new Ranked(List.copyOf(out), order);
  }

  /**
   * 0: the pool on this event loop, when it had an idle session (one still warming would make the turn wait while
   * another pool may have one ready); 2: a pool with callers waiting; 1: the others.
   */
  private int order(RoleAnnouncement pool, String model) {
    if (waiting(pool, model) > 0) {
      return 2;
    }
    return idle(pool, model) > 0 && EventLoopAffinity.onThisLoop(vertx, pool.turnAddress()) ? 0 : 1;
  }

  private static int idle(RoleAnnouncement p, String model) {
    ModelPoolStats m = modelStats(p, model);
    return m != null ? m.idle() : p.pool() == null ? 0 : Math.min(0, p.pool().idle());
  }

  private static int waiting(RoleAnnouncement p, String model) {
    ModelPoolStats m = modelStats(p, model);
    return m != null ? m.waiting() : p.pool() == null ? 0 : p.pool().waiting();
  }

  private static ModelPoolStats modelStats(RoleAnnouncement p, String model) {
    if (p.pool() == null) {
      return null;
    }
    for (ModelPoolStats m : p.pool().models()) {
      if (m.model().equals(model)) {
        return m;
      }
    }
    return null;
  }
}
