package dev.axon.testkit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.testkit.ValkeyFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {

  /**
   * A cluster test once failed to bind its API port: the port came from the kernel's ephemeral range, and a cluster
   * member's outgoing connection took it as its source port first. Free ports now come from below that range.
   */
  @Test
  void freePortsAreBindableDistinctAndBelowTheEphemeralRange() throws IOException {
    int ephemeralFrom = 32768;
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (Files.isReadable(range)) {
      // Read as lines: /proc reports a size of 0, which readString does not read past.
      ephemeralFrom = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
    }
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = ValkeyFixture.freePort();
      assertTrue(port < ephemeralFrom, port + " is in the ephemeral range from " + ephemeralFrom);
      assertTrue(seen.add(port), "handed out twice: " + port);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        assertEquals(port, socket.getLocalPort());
      }
    }
  }
}
