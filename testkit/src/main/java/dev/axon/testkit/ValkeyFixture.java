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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Valkey-compatible server for tests, one per test JVM, started on first use and stopped when the JVM
 * exits. In order of preference: the server named by {@code AXON_TEST_VALKEY_URL}; a {@code valkey/valkey:8}
 * container when a Docker engine answers; a local {@code valkey-server} or {@code redis-server} on a free
 * port, without persistence.
 */
public final class ValkeyFixture {

  private static final Logger log = LoggerFactory.getLogger(ValkeyFixture.class);
  private static ValkeyFixture instance;

  private final String host;
  private final int port;
  private final Runnable stopper;
  private Process process;
  private final List<String> command;

  private ValkeyFixture(String host, int port, Runnable stopper, List<String> command) {
    this.host = host;
    this.port = port;
    this.stopper = stopper;
    this.command = command;
  }

  /** The shared server, started when first asked for. */
  public static synchronized ValkeyFixture shared() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "valkey-fixture-stop"));
    }
    return instance;
  }

  public String url() {
    return "redis://" + host + ":" + port;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** Sends one inline command (e.g. {@code FLUSHALL}) and returns the first reply line. */
  public String command(String line) {
    return LocalServers.command(host, port, line);
  }

  /**
   * How many times the server has run {@code command} ({@code INFO commandstats}; commands a script runs count
   * under their own names, the script under {@code evalsha} / {@code eval}).
   */
  public long calls(String command) {
    long calls = info("commandstats", "cmdstat_" + command.toLowerCase(java.util.Locale.ROOT) + ":calls=");
    return Math.max(calls, 0); // a command never run is not listed
  }

  /** Reads the server has made from its clients' sockets so far ({@code INFO stats}): a measure of system calls. */
  public long readsProcessed() {
    return info("stats", "total_reads_processed:");
  }

  /** The number after {@code prefix} in an {@code INFO} section, or -1 when the server does not report it. */
  private long info(String section, String prefix) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "(\\d+)")
        .matcher(LocalServers.bulk(host, port, "INFO " + section));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Scripts run so far: a measure of round trips, since Axon writes through scripts. */
  public long scriptCalls() {
    return calls("evalsha") + calls("eval");
  }

  /** A free TCP port on this machine. */
  public static int freePort() {
    return LocalServers.freePort();
  }

  /** Stops the local server process (not a container or an external server) to test outages. */
  public synchronized void pause() {
    if (process == null) {
      throw new IllegalStateException("only a locally started server can be paused");
    }
    process.destroy();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Restarts the local server on the same port after {@link #pause()}. */
  public synchronized void resume() {
    if (command == null) {
      throw new IllegalStateException("only a locally started server can be resumed");
    }
    process = LocalServers.launch(command);
    LocalServers.awaitPort(host, port, Duration.ofSeconds(10));
  }

  public synchronized boolean isLocalProcess() {
    return command != null;
  }

  private synchronized void stop() {
    if (process != null) {
      process.destroy();
    }
    if (stopper != null) {
      stopper.run();
    }
  }

  private static ValkeyFixture start() {
    String external = System.getenv("AXON_TEST_VALKEY_URL");
    if (external != null && !external.isBlank()) {
      String hostPort = external.replaceFirst("^rediss?://", "").replaceFirst("^[^@]*@", "").replaceFirst("/.*$", "");
      String[] parts = hostPort.split(":");
      log.info("tests use the Valkey at {}", hostPort);
      return new ValkeyFixture(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 6379, null, null);
    }
    if (dockerAvailable()) {
      GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("valkey/valkey:8")).withExposedPorts(6379);
      container.start();
      log.info("tests use a valkey/valkey:8 container");
      return new ValkeyFixture(container.getHost(), container.getMappedPort(6379), container::stop, null);
    }
    String binary = LocalServers.valkeyServer();
    int port = LocalServers.freePort();
    File dir;
    try {
      dir = Files.createTempDirectory("axon-valkey").toFile();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> command = List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.getAbsolutePath());
    ValkeyFixture fixture = new ValkeyFixture("127.0.0.1", port, null, command);
    fixture.process = LocalServers.launch(command);
    LocalServers.awaitPort("127.0.0.1", port, Duration.ofSeconds(10));
    log.info("tests use a local {} on port {}", binary, port);
    return fixture;
  }

  private static boolean dockerAvailable() {
    if (!new File("/var/run/docker.sock").exists() && System.getenv("DOCKER_HOST") == null) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

}
