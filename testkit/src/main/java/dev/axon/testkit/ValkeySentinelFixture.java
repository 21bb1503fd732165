package dev.axon.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A local Valkey master watched by one Sentinel (master name {@code mymaster}), for tests of the Sentinel mode. */
public final class ValkeySentinelFixture {

  public static final String MASTER_NAME = "mymaster";
  private static ValkeySentinelFixture instance;

  private final List<Process> processes = new ArrayList<>();
  private int masterPort;
  private int sentinelPort;

  private ValkeySentinelFixture() {
  }

  public static synchronized ValkeySentinelFixture shared() {
    if (instance == null) {
      instance = new ValkeySentinelFixture();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "valkey-sentinel-stop"));
      instance.start();
    }
    return instance;
  }

  /** The Sentinel's endpoint, {@code redis://127.0.0.1:<port>}. */
  public String sentinelEndpoint() {
    return "redis://127.0.0.1:" + sentinelPort;
  }

  public int masterPort() {
    return masterPort;
  }

  private void start() {
    String server = LocalServers.valkeyServer();
    Path dir = LocalServers.tempDir("axon-valkey-sentinel");
    masterPort = LocalServers.freePort();
    sentinelPort = LocalServers.freePort();
    processes.add(LocalServers.launch(List.of(server, "--port", Integer.toString(masterPort), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())));
    LocalServers.awaitPort("127.0.0.1", masterPort, Duration.ofSeconds(10));
    Path conf = dir.resolve("sentinel.conf");
    try {
      Files.writeString(conf, "port " + sentinelPort + "\nbind 127.0.0.1\ndir " + dir + "\n"
          + "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1\n"
          + "sentinel down-after-milliseconds " + MASTER_NAME + " 2000\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    processes.add(LocalServers.launch(List.of(server, conf.toString(), "--sentinel")));
    LocalServers.awaitPort("127.0.0.1", sentinelPort, Duration.ofSeconds(10));
  }

  private synchronized void stop() {
    processes.forEach(Process::destroy);
  }
}
