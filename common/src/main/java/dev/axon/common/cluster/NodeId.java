package dev.axon.common.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.UUID;

/** The identity of this JVM in a deployment: host, process id and a random suffix (a restarted process is a new node). */
public final class NodeId {

  /** This JVM's node id. */
  public static final String CURRENT = compute();

  private NodeId() {
  }

  /** The host name of this machine, for display. */
  public static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  private static String compute() {
    return host() + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}
