package dev.axon.app.logging;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The process's writer of log lines to stdout: callers enqueue whole lines; one daemon thread takes whatever has
 * queued up, writes it through one buffer and flushes once. At a few lines per second each line is written at once;
 * under load, hundreds of lines share one system call.
 *
 * <p>No line is lost and memory stays bounded: when the queue is full (stdout slower than the logging for long), the
 * caller writes its line itself, as a synchronous appender would. At JVM exit a shutdown hook writes what is still
 * queued, and lines logged after that are written directly.
 */
public final class StdoutWriter {

  private static final int QUEUE_LINES = 16_384;
  private static final int BATCH_LINES = 512;
  private static final long EXIT_FLUSH_MS = 2_000;
  private static final int GATHER_NANOS = 500_000;

  private static volatile StdoutWriter instance;

  private final OutputStream out;
  private final BlockingQueue<byte[]> queue;
  private final Thread thread;
  private volatile boolean direct;

  StdoutWriter(OutputStream out, int queueLines) {
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.queue = new ArrayBlockingQueue<>(queueLines);
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
      drainAndFlush(new ArrayList<>());
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
    drainAndFlush(new ArrayList<>());
  }

  private void run() {
    List<byte[]> batch = new ArrayList<>(BATCH_LINES);
    while (!direct) {
      byte[] first;
      try {
        first = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (first == null) {
        continue;
      }
      batch.add(first);
      do {
        drainAndFlush(batch);
        // Lines keep coming: let them gather for a moment. While this thread is not waiting on the queue, a logging
        // thread's offer wakes nobody, so under load the event loops make no system call to log.
        LockSupport.parkNanos(GATHER_NANOS);
      } while (!queue.isEmpty() && !direct);
    }
  }

  private void drainAndFlush(List<byte[]> batch) {
    synchronized (out) {
      do {
        for (byte[] line : batch) {
          writeQuietly(line);
        }
        batch.clear();
      } while (queue.drainTo(batch, BATCH_LINES) > 0);
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
