package dev.axon.app.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StdoutWriterTest {

  /** An output that counts its flushes and can hold writes back until released. */
  private static final class Sink extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger flushes = new AtomicInteger();
    final CountDownLatch release;

    Sink(boolean held) {
      release = new CountDownLatch(held ? 1 : 0);
    }

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (this) {
        bytes.write(b, off, len);
      }
    }

    @Override
    public void flush() {
      flushes.incrementAndGet();
    }

    synchronized List<String> lines() {
      String all = bytes.toString(StandardCharsets.UTF_8);
      return all.isEmpty() ? List.of() : List.of(all.split("\n"));
    }
  }

  private static byte[] line(int i) {
    return ("line " + i + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void writeLines(StdoutWriter writer, int n) {
    for (int i = 0; i < n; i++) {
      writer.write(line(i));
    }
  }

  private static List<String> expected(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add("line " + i);
    }
    return lines;
  }

  private static void await(Sink sink, int lines) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sink.lines().size() < lines && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void aLoneLineIsWrittenAtOnce() throws InterruptedException {
    Sink sink = new Sink(false);
    StdoutWriter writer = new StdoutWriter(sink, 16);
    writer.write(line(0));
    await(sink, 1);
    assertEquals(List.of("line 0"), sink.lines());
    assertTrue(sink.flushes.get() >= 1);
    writer.close(1000);
  }

  @Test
  void linesThatQueueUpWhileOneIsWrittenLeaveTogetherInOrder() throws InterruptedException {
    Sink sink = new Sink(true);
    StdoutWriter writer = new StdoutWriter(sink, 10_000);
    writeLines(writer, 2000);
    sink.release.countDown();
    await(sink, 2000);
    assertEquals(expected(2000), sink.lines());
    assertTrue(sink.flushes.get() < 100, "batched: " + sink.flushes.get() + " flushes for 2000 lines");
    writer.close(1000);
  }

  @Test
  void aFullQueueMakesTheCallerWriteInsteadOfLosingTheLine() throws InterruptedException {
    Sink sink = new Sink(true);
    StdoutWriter writer = new StdoutWriter(sink, 4);
    Thread logger = new Thread(() -> writeLines(writer, 50));
    logger.start();
    Thread.sleep(200);
    assertTrue(logger.isAlive(), "the caller waits on the write only once the queue is full");
    sink.release.countDown();
    logger.join(10_000);
    await(sink, 50);
    List<String> lines = sink.lines();
    assertEquals(50, lines.size());
    assertEquals(expected(50), lines.stream().sorted((a, b) -> Integer.compare(
        Integer.parseInt(a.substring(5)), Integer.parseInt(b.substring(5)))).toList(), "every line, once");
    writer.close(1000);
  }

  @Test
  void closingWritesWhatIsQueuedAndLaterLinesDirectly() throws InterruptedException {
    Sink sink = new Sink(false);
    StdoutWriter writer = new StdoutWriter(sink, 10_000);
    writeLines(writer, 500);
    writer.close(1000);
    writer.write(line(500));
    assertEquals(expected(501), sink.lines(), "nothing left in the queue, the last line written by its caller");
  }

  @Test
  void aLineAfterAQuietSpellWakesTheWriter() throws InterruptedException {
    Sink sink = new Sink(false);
    StdoutWriter writer = new StdoutWriter(sink, 16);
    long started = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      Thread.sleep(100);
      writer.write(line(i));
      await(sink, i + 1);
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(expected(3), sink.lines());
    // The idle writer parks for up to a second: a line that did not wake it would wait out most of that, three times.
    assertTrue(ms < 1_500, "three lines after quiet spells took " + ms + " ms");
    writer.close(1000);
  }
}
