package dev.axon.app.transport;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When an event loop has nothing to do, polls its sockets without blocking for up to {@link EventLoopSpin#micros()},
 * then blocks as Netty's default strategy does. Work found (a task, a ready socket) ends the poll and the next idle
 * moment starts a new one. The polling of each 50 ms slice may take at most {@link EventLoopSpin#budgetPercent()} of
 * it, so a loop under steady light load, which would otherwise poll all the time, still sleeps part of it.
 *
 * <p>One per event loop: its state is confined to that loop's thread.
 */
final class SpinStrategy implements SelectStrategy {

  static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final long spinNanos;
  private final long budgetNanos;
  private final LongSupplier clock;
  /** When the loop began polling, or 0 while it is busy or asleep. */
  private long pollingSince;
  private long sliceStart;
  private long polledInSlice;

  SpinStrategy(EventLoopSpin spin, LongSupplier clock) {
    this.spinNanos = TimeUnit.MICROSECONDS.toNanos(spin.micros());
    this.budgetNanos = SLICE_NANOS * spin.budgetPercent() / 100;
    this.clock = clock;
    this.sliceStart = clock.getAsLong();
  }

  @Override
  public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
    long now = clock.getAsLong();
    if (hasTasks) {
      stopPolling(now);
      return selectNow.get();
    }
    if (now - sliceStart >= SLICE_NANOS) {
      // A poll under way keeps its window; the new slice is charged all of it (a little more than its share).
      sliceStart = now;
      polledInSlice = 0;
    }
    if (pollingSince == 0) {
      pollingSince = now;
    }
    long polled = now - pollingSince;
    if (polled >= spinNanos || polledInSlice + polled >= budgetNanos) {
      stopPolling(now);
      return SELECT;
    }
    int ready = selectNow.get();
    if (ready > 0) {
      stopPolling(clock.getAsLong());
    }
    return ready;
  }

  private void stopPolling(long now) {
    if (pollingSince != 0) {
      polledInSlice += now - pollingSince;
      pollingSince = 0;
    }
  }
}
