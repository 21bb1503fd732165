package dev.axon.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.Function;

/**
 * Builds a clustered Vert.x on Hazelcast, joined over TCP to the listed members only. Hazelcast is the cluster
 * manager because it is Vert.x's reference one, embeds in the JVM with no extra process, and its TCP join takes
 * an explicit member list; failure detection is tightened so a dead node leaves the cluster within seconds.
 */
public final class ClusteredVertx {

  private ClusteredVertx() {
  }

  public static Future<Vertx> start(ClusterOptions options, VertxOptions base) {
    return start(options, base, o -> Vertx.builder().with(o));
  }

  /**
   * A clustered Vert.x from the builder {@code builder} makes of the cluster's options (the launcher's adds its
   * metrics and tracer).
   */
  public static Future<Vertx> start(ClusterOptions options, VertxOptions base, Function<VertxOptions, VertxBuilder> builder) {
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName(options.name());
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
    hazelcast.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hazelcast.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    hazelcast.setProperty("hazelcast.wait.seconds.before.join", "1");
    hazelcast.setProperty("hazelcast.max.wait.seconds.before.join", "2");
    hazelcast.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hazelcast.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(options.port()).setPortAutoIncrement(false);
    network.setPublicAddress(options.host() + ":" + options.port());
    network.getInterfaces().setEnabled(true).addInterface(options.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(options.members()).setConnectionTimeoutSeconds(2);

    VertxOptions vertxOptions = new VertxOptions(base).setEventBusOptions(new EventBusOptions()
        .setHost(options.host()).setPort(options.eventBusPort()).setClusterPublicHost(options.host()));
    return builder.apply(vertxOptions).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
  }
}
