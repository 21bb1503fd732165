package dev.axon.app.transport;

import static io.netty.channel.SelectStrategy.SELECT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.IntSupplier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The polling decisions, on a hand-moved clock: poll while idle within the window, sleep past it or past the slice's
 * budget, start over when work turns up.
 */
class SpinStrategyTest {

  private long now = TimeUnit.SECONDS.toNanos(1);
  private int ready;
  private int polls;
  private final IntSupplier selectNow = () -> {
    polls++;
    return ready;
  };

  private SpinStrategy strategy(int micros, int budgetPercent) {
    return new SpinStrategy(new EventLoopSpin(micros, budgetPercent), () -> now);
  }

  private void advanceMicros(long micros) {
    now += TimeUnit.MICROSECONDS.toNanos(micros);
  }

  @Test
  void pollsWithoutBlockingUntilTheWindowEndsThenSleeps() throws Exception {
    SpinStrategy s = strategy(400, 100);
    assertEquals(0, s.calculateStrategy(selectNow, false));
    advanceMicros(399);
    assertEquals(0, s.calculateStrategy(selectNow, false));
    assertEquals(2, polls);
    advanceMicros(1);
    assertEquals(SELECT, s.calculateStrategy(selectNow, false));
    assertEquals(2, polls, "past the window the loop blocks instead of polling");
  }

  @Test
  void readySocketsEndThePollAndTheNextIdleMomentStartsAFreshWindow() throws Exception {
    SpinStrategy s = strategy(400, 100);
    s.calculateStrategy(selectNow, false);
    advanceMicros(300);
    ready = 2;
    assertEquals(2, s.calculateStrategy(selectNow, false), "what is ready is handled at once");
    ready = 0;
    advanceMicros(300);
    assertEquals(0, s.calculateStrategy(selectNow, false));
    advanceMicros(300);
    assertEquals(0, s.calculateStrategy(selectNow, false), "300 µs into the new window: still polling");
  }

  @Test
  void pendingTasksNeverBlockAndEndThePoll() throws Exception {
    SpinStrategy s = strategy(400, 100);
    s.calculateStrategy(selectNow, false);
    advanceMicros(399);
    ready = 1;
    assertEquals(1, s.calculateStrategy(selectNow, true));
    ready = 0;
    advanceMicros(10);
    assertEquals(0, s.calculateStrategy(selectNow, true), "with tasks queued it only looks, whatever the window");
    assertEquals(0, s.calculateStrategy(selectNow, false), "idle again: a new window");
  }

  @Test
  void aSliceSpendsAtMostItsBudgetPolling() throws Exception {
    // 10 % of a 50 ms slice: 5 ms of polling, in 400 µs windows each ended by a ready socket.
    SpinStrategy s = strategy(400, 10);
    long budgetMicros = TimeUnit.NANOSECONDS.toMicros(SpinStrategy.SLICE_NANOS) / 10;
    long polled = 0;
    while (polled + 399 < budgetMicros) {
      assertEquals(0, s.calculateStrategy(selectNow, false));
      advanceMicros(399);
      ready = 1;
      s.calculateStrategy(selectNow, false);
      ready = 0;
      polled += 399;
    }
    assertEquals(0, s.calculateStrategy(selectNow, false));
    advanceMicros(budgetMicros - polled);
    assertEquals(SELECT, s.calculateStrategy(selectNow, false), "the slice's budget is spent before the window ends");
    now = now + SpinStrategy.SLICE_NANOS;
    assertEquals(0, s.calculateStrategy(selectNow, false), "a new slice polls again");
  }

  @Test
  void aPollThatCrossesIntoANewSliceStillEndsWithItsWindow() throws Exception {
    SpinStrategy s = strategy(400, 100);
    now += SpinStrategy.SLICE_NANOS - TimeUnit.MICROSECONDS.toNanos(200);
    assertEquals(0, s.calculateStrategy(selectNow, false));
    advanceMicros(300);
    assertEquals(0, s.calculateStrategy(selectNow, false), "the new slice began 100 µs ago");
    advanceMicros(100);
    assertEquals(SELECT, s.calculateStrategy(selectNow, false), "400 µs since the loop went idle");
  }
}
