package dev.axon.app.logging;

import io.netty.util.internal.PlatformDependent;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The process's writer of log lines to stdout: callers enqueue whole lines; one daemon thread takes whatever has
 * queued up, writes it through one buffer and flushes once. At a few lines per second each line is written at once;
 * under load, hundreds of lines share one system call.
 *
 * <p>The queue is lock-free (Netty's bounded multi-producer queue): with a lock, each event loop's offer contended with
 * the writer's drain and woke it through the lock (1–2 % of an event loop at load). The writer parks when it finds
 * nothing, and only then does a caller wake it.
 *
 * <p>No line is lost and memory stays bounded: when the queue is full (stdout slower than the logging for long), the
 * caller writes its line itself, as a synchronous appender would. At JVM exit a shutdown hook writes what is still
 * queued, and lines logged after that are written directly.
 */
public final class StdoutWriter {

  private static final int QUEUE_LINES = 16_384;
  private static final long EXIT_FLUSH_MS = 2_000;
  /**
   * How long the busy writer lets lines gather between writes: each gathering is a timed park, so at 0.5 ms the
   * writer woke 2,000 times a second under load (1.7 % of the gateway's CPU). A log line may wait this long.
   */
  private static final int GATHER_NANOS = 5_000_000;

  private static volatile StdoutWriter instance;

  private final OutputStream out;
  private final Queue<byte[]> queue;
  private final Thread thread;
  private volatile boolean direct;
  /** The writer is parked, or about to, until a line comes: the next caller unparks it. */
  private volatile boolean idle;

  StdoutWriter(OutputStream out, int queueLines) {
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.queue = PlatformDependent.newFixedMpscQueue(queueLines);
    this.thread = new Thread(this::run, "axon-stdout");
    thread.setDaemon(true);
    thread.start();
  }

  /** The one writer of this process, started on first use, flushed by a shutdown hook at exit. */
  public static StdoutWriter instance() {
    StdoutWriter w = instance;
    if (w == null) {
      synchronized (StdoutWriter.class) {
        w = instance;
        if (w == null) {
          w = new StdoutWriter(new FileOutputStream(FileDescriptor.out), QUEUE_LINES);
          StdoutWriter started = w;
          Runtime.getRuntime().addShutdownHook(new Thread(() -> started.close(EXIT_FLUSH_MS), "axon-stdout-flush"));
          instance = w;
        }
      }
    }
    return w;
  }

  /** Queues one encoded line (or writes it now, when the queue is full or the writer is closed). */
  public void write(byte[] line) {
    if (direct || !queue.offer(line)) {
      synchronized (out) {
        writeQuietly(line);
        flushQuietly();
      }
    } else if (direct) {
      // closed while this line was queued: nobody else will take it
      drainAndFlush();
    } else if (idle) {
      LockSupport.unpark(thread);
    }
  }

  /** Writes everything queued so far and switches to direct writes; waits at most {@code timeoutMs} for the thread. */
  void close(long timeoutMs) {
    direct = true;
    thread.interrupt();
    try {
      thread.join(timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drainAndFlush();
  }

  private void run() {
    while (!direct && !Thread.currentThread().isInterrupted()) {
      if (queue.isEmpty()) {
        idle = true;
        // Checked again once idle is visible: a line offered before a caller could see it would wait a whole second.
        if (queue.isEmpty()) {
          LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
        }
        idle = false;
        continue;
      }
      do {
        drainAndFlush();
        // Lines keep coming: let them gather for a moment. While this thread is not idle, a logging thread's offer
        // wakes nobody, so under load the event loops make no system call to log.
        LockSupport.parkNanos(GATHER_NANOS);
      } while (!queue.isEmpty() && !direct);
    }
  }

  private void drainAndFlush() {
    synchronized (out) {
      byte[] line;
      while ((line = queue.poll()) != null) {
        writeQuietly(line);
      }
      flushQuietly();
    }
  }

  private void writeQuietly(byte[] line) {
    try {
      out.write(line);
    } catch (IOException e) {
      // stdout is gone (a closed pipe): there is nowhere left to report it.
    }
  }

  private void flushQuietly() {
    try {
      out.flush();
    } catch (IOException e) {
      // as above
    }
  }
}
