package dev.axon.api.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down addresses that keep failing to authenticate. An address may fail {@code free} times; after that every
 * request from it, with a good key or not, waits before it is decided: 100 ms, doubling with each further failure,
 * up to {@code maxDelayMs} (waiting the same for good and bad keys gives a guesser no early answer). The count is
 * forgotten after {@code windowMs} without a failure. Delays are timers, never sleeps; at most
 * {@value #MAX_HELD_PER_ADDRESS} requests of one address wait at once (more get 429 at once), and at most
 * {@value #MAX_TRACKED} addresses are remembered (the least recently seen are forgotten first), so memory is bounded.
 *
 * <p>One per Vert.x instance ({@link #shared}), so every API verticle instance of a JVM counts the same failures;
 * thread-safe (its methods are short and synchronized).
 */
public final class AuthThrottle {

  private static final Logger log = LoggerFactory.getLogger(AuthThrottle.class);
  static final int MAX_TRACKED = 10_000;
  static final int MAX_HELD_PER_ADDRESS = 32;
  private static final long FIRST_DELAY_MS = 100;

  /** The throttle's settings, read on every decision so a configuration change applies at once. */
  public record Settings(int free, long windowMs, long maxDelayMs) {
  }

  private static final class Record {
    long lastFailure;
    int failures;
    int held;
  }

  private final Supplier<Settings> settings;
  private final Map<String, Record> records = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
      return size() > MAX_TRACKED;
    }
  };

  private static final Map<io.vertx.core.Vertx, AuthThrottle> SHARED = new java.util.WeakHashMap<>();

  public AuthThrottle(Supplier<Settings> settings) {
    this.settings = settings;
  }

  /** The throttle of this Vert.x instance, created with these settings by the first API verticle instance that asks. */
  public static AuthThrottle shared(io.vertx.core.Vertx vertx, Supplier<Settings> settings) {
    synchronized (SHARED) {
      return SHARED.computeIfAbsent(vertx, v -> new AuthThrottle(settings));
    }
  }

  /** How long a request from this address must wait before it is decided; 0 when it need not. */
  public synchronized long delayMs(String address) {
    Record r = live(address, System.currentTimeMillis());
    Settings s = settings.get();
    if (r == null || r.failures < s.free() || r.failures == 0 || s.maxDelayMs() <= 0) {
      return 0;
    }
    int over = Math.min(r.failures - s.free(), 20);
    return Math.min(s.maxDelayMs(), FIRST_DELAY_MS << over);
  }

  /** Counts a failed authentication. */
  public synchronized void failed(String address) {
    long now = System.currentTimeMillis();
    Record r = live(address, now);
    if (r == null) {
      r = new Record();
      records.put(address, r);
    }
    r.failures++;
    r.lastFailure = now;
    if (r.failures == Math.max(1, settings.get().free())) {
      log.warn("{} failed to authenticate {} times; its requests are slowed down", address, r.failures);
    }
  }

  /** Takes one of the address's waiting places; false when it has too many requests waiting already. */
  public synchronized boolean hold(String address) {
    Record r = records.get(address);
    if (r == null) {
      return true;
    }
    if (r.held >= MAX_HELD_PER_ADDRESS) {
      return false;
    }
    r.held++;
    return true;
  }

  public synchronized void unhold(String address) {
    Record r = records.get(address);
    if (r != null && r.held > 0) {
      r.held--;
    }
  }

  /** How many addresses are remembered (for tests). */
  public synchronized int tracked() {
    return records.size();
  }

  private Record live(String address, long now) {
    Record r = records.get(address);
    if (r != null && r.held == 0 && now - r.lastFailure > settings.get().windowMs()) {
      records.remove(address);
      return null;
    }
    return r;
  }
}
