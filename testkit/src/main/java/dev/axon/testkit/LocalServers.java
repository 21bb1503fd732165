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

/** Starting local server processes for tests: finding binaries, free ports, waiting for a port, one-line commands. */
final class LocalServers {

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

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
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
