package dev.axon.app.ops;

import dev.axon.api.ops.Drain;
import dev.axon.api.ops.OpsOptions;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Drains the node on SIGTERM (and SIGINT), then exits 0:
 * <ol>
 *   <li>readiness ({@code /health}) answers 503 at once, so load balancers stop sending new requests;</li>
 *   <li>for {@code ops.drain.graceMs} new requests are still served (the balancers catch up);</li>
 *   <li>then new API requests are refused with 503 and Retry-After, while the requests in flight — streams
 *       included — run to their end, bounded by {@code ops.drain.timeoutMs} counted from the signal;</li>
 *   <li>Vert.x closes: the HTTP server, the pool (which lets its own running turns finish within
 *       {@code pool.drainTimeoutMs} and closes every session), the store;</li>
 *   <li>the span exporter is flushed and the JVM exits with status 0.</li>
 * </ol>
 * A node without the API role skips the grace period. A second signal during the drain stops the JVM at once.
 * The drain runs on its own thread, never on an event loop.
 */
public final class GracefulShutdown {

  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
  /** How long closing Vert.x may take after the drain (the pool's own drain and session closes happen here). */
  private static final long CLOSE_TIMEOUT_MS = 60_000;

  private final Vertx vertx;
  private final Observability observability;
  private final Supplier<OpsOptions> options;
  private final boolean api;
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * @param options the current {@code ops} section, read when the drain starts (so edits apply)
   * @param api     whether this node runs the API role (else there is no readiness to turn and no grace period)
   */
  public GracefulShutdown(Vertx vertx, Observability observability, Supplier<OpsOptions> options, boolean api) {
    this.vertx = vertx;
    this.observability = observability;
    this.options = options;
    this.api = api;
  }

  /**
   * Handles SIGTERM and SIGINT: the first starts the drain, a second one stops at once. Where the JVM does not let
   * the signals be handled, the drain runs from a shutdown hook instead.
   */
  public void install() {
    try {
      Signal.handle(new Signal("TERM"), s -> onSignal("SIGTERM"));
      Signal.handle(new Signal("INT"), s -> onSignal("SIGINT"));
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      log.warn("signals cannot be handled here ({}); draining from a shutdown hook instead", e.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (started.compareAndSet(false, true)) {
          drain("JVM shutdown");
        }
      }, "axon-drain"));
    }
  }

  private void onSignal(String signal) {
    if (!started.compareAndSet(false, true)) {
      log.warn("{} during the drain: stopping now", signal);
      Runtime.getRuntime().halt(1);
      return;
    }
    Thread drainer = new Thread(() -> {
      drain(signal);
      System.exit(0);
    }, "axon-drain");
    drainer.setDaemon(false);
    drainer.start();
  }

  /** Runs the whole drain on the calling thread and closes Vert.x; returns when it is closed (or gave up). */
  public void drain(String why) {
    OpsOptions o = options.get();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(o.drainTimeoutMs());
    Drain drain = observability.drain();
    drain.startDraining();
    if (api) {
      log.info("{}: draining — readiness answers 503 now; new requests are served for {} ms more, then refused; "
          + "requests in flight may run up to {} ms in all", why, o.drainGraceMs(), o.drainTimeoutMs());
      sleepUntil(Math.min(deadline, start + TimeUnit.MILLISECONDS.toNanos(o.drainGraceMs())), () -> false);
      drain.refuseNewRequests();
      log.info("refusing new requests; {} request(s) in flight", drain.inFlight());
      sleepUntil(deadline, () -> drain.inFlight() == 0);
      if (drain.inFlight() > 0) {
        log.warn("drain timeout ({} ms): {} request(s) still in flight are cut", o.drainTimeoutMs(), drain.inFlight());
      } else {
        log.info("every request in flight has finished");
      }
    } else {
      drain.refuseNewRequests();
      log.info("{}: stopping; the pool lets its running turns finish first", why);
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      log.info("Axon stopped after a drain of {} ms: sessions closed, connections released",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.error("closing Vert.x failed or took longer than {} ms: {}", CLOSE_TIMEOUT_MS, e.toString());
    }
    try {
      observability.close();
    } catch (RuntimeException e) {
      log.warn("closing metrics and tracing failed: {}", e.toString());
    }
  }

  private static void sleepUntil(long deadlineNanos, java.util.function.BooleanSupplier done) {
    while (!done.getAsBoolean() && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()))));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
