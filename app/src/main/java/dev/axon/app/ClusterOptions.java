package dev.axon.app;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code cluster} section: whether this JVM joins a cluster, and how. Members are listed explicitly (TCP,
 * no multicast), so a cluster forms only from the nodes an operator names. Changes need a restart.
 *
 * <pre>
 * cluster:
 *   enabled: true
 *   name: axon                      # nodes join only a cluster of the same name
 *   host: 10.0.0.5                  # this node's address, for Hazelcast and the event bus
 *   port: 5701                      # Hazelcast's port
 *   eventBusPort: 0                 # the clustered event bus port (0: any free port)
 *   members: [10.0.0.5:5701, 10.0.0.6:5701]
 * </pre>
 */
public final class ClusterOptions {

  public static final String DEFAULT_NAME = "axon";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;

  private final boolean enabled;
  private final String name;
  private final String host;
  private final int port;
  private final int eventBusPort;
  private final List<String> members;

  public ClusterOptions(JsonObject json) {
    ConfigReader r = new ConfigReader(json, "cluster");
    members = r.strings("members");
    enabled = r.bool("enabled", false);
    name = r.string("name", DEFAULT_NAME);
    host = r.string("host", DEFAULT_HOST);
    port = r.intValue("port", DEFAULT_PORT, 1, 65_535);
    eventBusPort = r.intValue("eventBusPort", 0, 0, 65_535);
    for (String member : members) {
      if (!member.matches("[A-Za-z0-9._-]+(:\\d{1,5})?")) {
        throw new ConfigException("cluster.members", "'" + member + "' is not host or host:port");
      }
    }
    if (enabled && members.isEmpty()) {
      throw new ConfigException("cluster.members", "clustering is on but no members are listed (e.g. [127.0.0.1:5701])");
    }
  }

  public boolean enabled() {
    return enabled;
  }

  public String name() {
    return name;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public int eventBusPort() {
    return eventBusPort;
  }

  public List<String> members() {
    return members;
  }
}
