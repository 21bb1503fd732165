package dev.axon.pool.provider.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.json.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code claude} process and its I/O, kept off the event loop: processes are started on one
 * dedicated thread that lives as long as the JVM (the parent-death signal is tied to the thread that forks),
 * stdin lines are written in order on I/O threads, stdout is read line by line on the process's own reader
 * thread, parsed there, and every line, garbage line and the exit are handed to the {@link Listener} on the
 * owner's Vert.x context.
 *
 * <p>Threading: {@link #send}, {@link #closeInput}, {@link #terminate} and {@link #kill} may be called from any
 * thread and never block; listener calls happen on the context given at start.
 */
final class ClaudeProcess {

  private static final Logger log = LoggerFactory.getLogger(ClaudeProcess.class);
  private static final int STDERR_TAIL_CHARS = 2_000;

  /** Starts every process. One thread for the JVM's life: a process's parent-death signal follows its forking thread. */
  private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(daemon("axon-claude-spawner"));
  /** Writes to the processes' stdin; each process keeps its own order. */
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(daemon("axon-claude-stdin"));
  /** Every live process, for the last-resort shutdown hook. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ClaudeProcess::killLeftovers, "axon-claude-reaper"));
  }

  /** What the process says, delivered on the owner's context. */
  interface Listener {
    /** One stdout line that parsed as JSON. */
    void onLine(JsonNode line);

    /** One stdout line that is not JSON: the protocol is broken. */
    void onGarbage(String line);

    /** The process is gone (stdout closed and the process exited). */
    void onExit(int exitCode, String stderrTail);
  }

  private final String name;
  private final Process process;
  private final OutputStream stdin;
  private final Context context;
  private final Listener listener;
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private final StringBuilder stderrTail = new StringBuilder();
  private final Promise<Integer> exited = Promise.promise();
  private boolean writing;
  private boolean inputClosed;

  private ClaudeProcess(String name, Process process, Context context, Listener listener) {
    this.name = name;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.context = context;
    this.listener = listener;
  }

  /**
   * Starts a process (on the spawner thread) and its reader threads. The future completes on {@code context};
   * it fails with the {@link IOException} of a command that cannot run.
   */
  static Future<ClaudeProcess> start(String name, List<String> command, Map<String, String> env, Path workDir,
                                     Context context, Listener listener) {
    Promise<ClaudeProcess> started = Promise.promise();
    SPAWNER.execute(() -> {
      try {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        LIVE.add(process);
        ClaudeProcess p = new ClaudeProcess(name, process, context, listener);
        p.startReaders();
        context.runOnContext(v -> started.complete(p));
      } catch (IOException | RuntimeException e) {
        context.runOnContext(v -> started.fail(e));
      }
    });
    return started.future();
  }

  long pid() {
    return process.pid();
  }

  boolean running() {
    return process.isAlive();
  }

  /** Completes on the owner's context with the exit code once the process is gone and its output read. */
  Future<Integer> exited() {
    return exited.future();
  }

  /** Queues one line (a serialized JSON object without raw newlines) for stdin. */
  void send(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (pending) {
      if (inputClosed) {
        return;
      }
      pending.addLast(bytes);
      if (writing) {
        return;
      }
      writing = true;
    }
    WRITERS.execute(this::drain);
  }

  /** Closes stdin after the queued lines: an idle CLI then exits by itself. */
  void closeInput() {
    synchronized (pending) {
      if (inputClosed) {
        return;
      }
      inputClosed = true;
      if (writing) {
        return;
      }
      writing = true;
    }
    WRITERS.execute(this::drain);
  }

  /** SIGTERM. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL. */
  void kill() {
    process.destroyForcibly();
  }

  private void drain() {
    while (true) {
      byte[] chunk;
      boolean close;
      synchronized (pending) {
        chunk = pending.pollFirst();
        close = chunk == null && inputClosed;
        if (chunk == null && !close) {
          writing = false;
          return;
        }
      }
      try {
        if (chunk != null) {
          stdin.write(chunk);
          boolean more;
          synchronized (pending) {
            more = !pending.isEmpty();
          }
          if (!more) {
            stdin.flush();
          }
        } else {
          stdin.close();
          synchronized (pending) {
            writing = false;
          }
          return;
        }
      } catch (IOException e) {
        // The process is going away; its reader reports the exit.
        log.debug("{}: stdin write failed: {}", name, e.getMessage());
        synchronized (pending) {
          pending.clear();
          inputClosed = true;
          writing = false;
        }
        return;
      }
    }
  }

  private void startReaders() {
    Thread out = new Thread(this::readStdout, "axon-claude-out-" + name);
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(this::readStderr, "axon-claude-err-" + name);
    err.setDaemon(true);
    err.start();
  }

  private void readStdout() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      // Lines that arrived together reach the context in one hop.
      List<JsonNode> batch = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = read(line);
        if (node == null) {
          deliver(batch);
          batch = new ArrayList<>();
          String garbage = line.length() > 300 ? line.substring(0, 300) + "…" : line;
          context.runOnContext(v -> listener.onGarbage(garbage));
          continue;
        }
        batch.add(node);
        if (!reader.ready() || batch.size() >= 64) {
          deliver(batch);
          batch = new ArrayList<>();
        }
      }
      deliver(batch);
    } catch (IOException e) {
      log.debug("{}: stdout read failed: {}", name, e.getMessage());
    }
    int code;
    try {
      code = process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = -1;
    }
    LIVE.remove(process);
    int exitCode = code;
    String tail;
    synchronized (stderrTail) {
      tail = stderrTail.toString().trim();
    }
    context.runOnContext(v -> {
      listener.onExit(exitCode, tail);
      exited.tryComplete(exitCode);
    });
  }

  private void deliver(List<JsonNode> batch) {
    if (batch.isEmpty()) {
      return;
    }
    context.runOnContext(v -> {
      for (JsonNode node : batch) {
        listener.onLine(node);
      }
    });
  }

  private void readStderr() {
    try (InputStream in = process.getErrorStream();
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        log.debug("{} stderr: {}", name, line);
        synchronized (stderrTail) {
          stderrTail.append(line).append('\n');
          if (stderrTail.length() > STDERR_TAIL_CHARS) {
            stderrTail.delete(0, stderrTail.length() - STDERR_TAIL_CHARS);
          }
        }
      }
    } catch (IOException e) {
      // closed with the process
    }
  }

  /**
   * A stdout line as JSON, or null when it is not JSON. Lines of types the session never reads (the ~5 KB
   * {@code system/init} of every turn, assistant and user echoes, lifecycle notes) are recognised by their leading
   * {@code type} and not parsed: they stand as {@code {"type": …}} only.
   */
  static JsonNode read(String line) {
    if (line.charAt(0) != '{') {
      return null;
    }
    String type = leadingType(line);
    if (type != null && !PARSED_TYPES.contains(type)
        && !("system".equals(type) && line.startsWith("{\"type\":\"system\",\"subtype\":\"api_retry\""))) {
      return JsonNodeFactory.instance.objectNode().put("type", type);
    }
    try {
      JsonNode node = Json.MAPPER.readTree(line);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static final Set<String> PARSED_TYPES = Set.of("stream_event", "result", "control_response", "control_request");
  private static final String TYPE_PREFIX = "{\"type\":\"";

  private static String leadingType(String line) {
    if (!line.startsWith(TYPE_PREFIX) || !line.endsWith("}")) {
      return null;
    }
    int end = line.indexOf('"', TYPE_PREFIX.length());
    return end < 0 ? null : line.substring(TYPE_PREFIX.length(), end);
  }

  /** The JVM is exiting: give graceful closes a moment, then kill whatever is left. */
  private static void killLeftovers() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!LIVE.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        break;
      }
    }
    for (Process p : LIVE) {
      p.destroyForcibly();
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
