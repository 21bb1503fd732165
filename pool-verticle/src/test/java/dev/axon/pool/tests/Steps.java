package dev.axon.pool.tests;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Small future helpers for tests written as one chain of steps on a Vert.x context. */
final class Steps {

  private Steps() {
  }

  /**
   * Runs {@code scenario} on a fresh event-loop context (the context a pool created inside it is confined to)
   * and completes the test when the future it returns succeeds; a failure or a throw fails the test.
   */
  static void onContext(Vertx vertx, VertxTestContext ctx, Supplier<Future<?>> scenario) {
    vertx.getOrCreateContext().runOnContext(v -> {
      Future<?> outcome;
      try {
        outcome = scenario.get();
      } catch (Throwable t) {
        ctx.failNow(t);
        return;
      }
      outcome.onComplete(ctx.succeedingThenComplete());
    });
  }

  /** Like {@link #onContext(Vertx, VertxTestContext, Supplier)}, but flags {@code done} instead of completing the test. */
  static void onContext(Vertx vertx, VertxTestContext ctx, Checkpoint done, Supplier<Future<?>> scenario) {
    vertx.getOrCreateContext().runOnContext(v -> {
      Future<?> outcome;
      try {
        outcome = scenario.get();
      } catch (Throwable t) {
        ctx.failNow(t);
        return;
      }
      outcome.onComplete(ctx.succeeding(r -> done.flag()));
    });
  }

  /** Completes after {@code ms} milliseconds, on the calling context. */
  static Future<Void> delay(Vertx vertx, long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }

  /** Completes as soon as {@code condition} holds (checked every 5 ms); fails naming {@code what} after {@code timeoutMs}. */
  static Future<Void> eventually(Vertx vertx, long timeoutMs, String what, BooleanSupplier condition) {
    if (condition.getAsBoolean()) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    vertx.setPeriodic(5, id -> {
      boolean ok;
      try {
        ok = condition.getAsBoolean();
      } catch (RuntimeException e) {
        vertx.cancelTimer(id);
        p.tryFail(e);
        return;
      }
      if (ok) {
        vertx.cancelTimer(id);
        p.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        p.tryFail(new AssertionError("not within " + timeoutMs + " ms: " + what));
      }
    });
    return p.future();
  }

  /** The failure of {@code f}; fails when {@code f} succeeds. */
  static Future<Throwable> failureOf(Future<?> f) {
    return f.transform(ar -> ar.failed()
        ? Future.succeededFuture(ar.cause())
        : Future.failedFuture(new AssertionError("expected a failure, got " + ar.result())));
  }
}
