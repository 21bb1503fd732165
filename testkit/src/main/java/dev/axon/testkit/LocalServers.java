package dev.axon.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Starting local server processes for tests: finding binaries, free ports, waiting for a port, one-line commands. */
final class LocalServers {

  /** Where {@link #freePort} looks: below Linux's ephemeral ports, above the usual fixed services. */
  private static final int FIXED_PORTS_FROM = 20000;
  private static final int FIXED_PORTS_TO = 32000;
  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  private LocalServers() {
  }

  /** {@code valkey-server}, else {@code redis-server}. */
  static String valkeyServer() {
    return find("valkey-server", "redis-server");
  }

  /** {@code valkey-cli}, else {@code redis-cli}. */
  static String valkeyCli() {
    return find("valkey-cli", "redis-cli");
  }

  static String find(String... names) {
    for (String name : names) {
      for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/local/bin:/usr/sbin").split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    throw new IllegalStateException("No Docker engine and none of " + List.of(names) + " on PATH: "
        + "install one (apt-get install redis-server) or set AXON_TEST_VALKEY_URL");
  }

  static Process launch(List<String> command) {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command.get(0), e);
    }
  }

  /**
   * A port free now, below the kernel's ephemeral range (32768 and up on Linux): a port the kernel handed out as
   * free could be handed again as the source port of any outgoing connection (a cluster member dialling another)
   * before the test binds it, and the bind then failed. Never the same port twice in one JVM.
   */
  static int freePort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = FIXED_PORTS_FROM + ThreadLocalRandom.current().nextInt(FIXED_PORTS_TO - FIXED_PORTS_FROM);
      if (!handedOut.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("0.0.0.0", port));
        return port;
      } catch (IOException taken) {
        // in use: try another
      }
    }
    throw new IllegalStateException("no free port between " + FIXED_PORTS_FROM + " and " + FIXED_PORTS_TO);
  }

  static void awaitPort(String host, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 200);
        return;
      } catch (IOException e) {
        sleep(50);
      }
    }
    throw new IllegalStateException("nothing opened port " + port + " within " + timeout);
  }

  /** Sends one inline command and returns the first reply line. */
  static String command(String host, int port, String line) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = socket.getInputStream().read()) != -1 && c != '\n') {
        sb.append((char) c);
      }
      return sb.toString().trim();
    } catch (IOException e) {
      throw new IllegalStateException("command failed on port " + port + ": " + line, e);
    }
  }

  /** Sends one inline command and returns the whole bulk reply (for INFO-like commands). */
  static String bulk(String host, int port, String line) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      var in = socket.getInputStream();
      StringBuilder header = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        header.append((char) c);
      }
      String h = header.toString().trim();
      if (!h.startsWith("$")) {
        return h;
      }
      int length = Integer.parseInt(h.substring(1));
      byte[] body = in.readNBytes(length);
      return new String(body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("command failed on port " + port + ": " + line, e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
