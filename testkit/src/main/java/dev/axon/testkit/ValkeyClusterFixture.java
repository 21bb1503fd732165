package dev.axon.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local Valkey cluster of three masters (no replicas) for tests, started on free ports on first use and
 * stopped when the JVM exits; {@link ValkeySentinelFixture} is its Sentinel counterpart.
 */
public final class ValkeyClusterFixture {

  private static ValkeyClusterFixture instance;

  private final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private ValkeyClusterFixture() {
  }

  public static synchronized ValkeyClusterFixture shared() {
    if (instance == null) {
      instance = new ValkeyClusterFixture();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "valkey-cluster-stop"));
      instance.start();
    }
    return instance;
  }

  /** Seed endpoints, {@code redis://127.0.0.1:<port>} for each master. */
  public List<String> endpoints() {
    return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
  }

  private void start() {
    String server = LocalServers.valkeyServer();
    String dir = LocalServers.tempDir("axon-valkey-cluster").toString();
    for (int i = 0; i < 3; i++) {
      int port = LocalServers.freePort();
      ports.add(port);
      processes.add(LocalServers.launch(List.of(server, "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "2000",
          "--save", "", "--appendonly", "no", "--dir", dir)));
    }
    ports.forEach(p -> LocalServers.awaitPort("127.0.0.1", p, Duration.ofSeconds(10)));
    List<String> create = new ArrayList<>(List.of(LocalServers.valkeyCli(), "--cluster", "create"));
    ports.forEach(p -> create.add("127.0.0.1:" + p));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    try {
      Process p = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("valkey cluster creation failed");
      }
    } catch (Exception e) {
      stop();
      throw new IllegalStateException("cannot create a local Valkey cluster", e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (int port : ports) {
      while (!LocalServers.bulk("127.0.0.1", port, "CLUSTER INFO").contains("cluster_state:ok")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the local Valkey cluster did not become ready");
        }
        LocalServers.sleep(100);
      }
    }
  }

  private synchronized void stop() {
    processes.forEach(Process::destroy);
  }
}
