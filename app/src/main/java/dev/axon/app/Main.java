package dev.axon.app;

import dev.axon.api.ApiVerticle;
import dev.axon.common.bus.Codecs;
import dev.axon.common.config.ConfigException;
import dev.axon.pool.PoolVerticle;
import dev.axon.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Axon: reads and checks the configuration, registers the event-bus codecs, deploys the roles this JVM
 * runs (all three by default) and waits for each deployment; any failure stops the start loudly.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    long started = System.nanoTime();
    VertxOptions vertxOptions = new VertxOptions().setPreferNativeTransport(true);
    Path file = ConfigLoader.path();
    // The configuration decides whether Vert.x is clustered, so it is read with a plain instance first; without
    // clustering that instance becomes the gateway's. The main thread may wait: it is not an event loop.
    Vertx vertx = Vertx.vertx(vertxOptions);
    AxonConfig config;
    try {
      config = await(ConfigLoader.load(vertx, file).map(AxonConfig::new));
      if (config.cluster().enabled()) {
        await(vertx.close());
        vertx = await(ClusteredVertx.start(config.cluster(), vertxOptions));
        log.info("joined cluster '{}' as {}:{} (members {})", config.cluster().name(), config.cluster().host(),
            config.cluster().port(), config.cluster().members());
      } else if (!config.roles().equals(AxonConfig.ALL_ROLES)) {
        log.warn("running only the roles {} without clustering: the others must be in this JVM to be reached", config.roles());
      }
      await(start(vertx, config, file));
    } catch (Exception failure) {
      Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof ConfigException || cause instanceof IllegalArgumentException) {
        log.error("invalid configuration: {}", cause.getMessage());
      } else {
        log.error("Axon failed to start", cause);
      }
      vertx.close();
      System.exit(1);
      return;
    }
    log.info("Axon ready in {} ms (roles {})", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), config.roles());
    Vertx running = vertx;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        Thread.currentThread().interrupt();
      }
    }, "axon-shutdown"));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  /** Registers the codecs, deploys the roles and starts watching the configuration file. */
  private static Future<ConfigWatcher> start(Vertx vertx, AxonConfig config, Path file) {
    Codecs.register(vertx);
    return deploy(vertx, config).compose(v -> ConfigWatcher.start(vertx, file, config));
  }

  /** Deploys the configured roles: store and pool first, so the edge opens when they can answer. */
  public static Future<Void> deploy(Vertx vertx, AxonConfig config) {
    Future<?> chain = Future.succeededFuture();
    if (config.roles().contains("store")) {
      chain = chain.compose(v -> vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config.store())));
    }
    if (config.roles().contains("pool")) {
      chain = chain.compose(v -> vertx.deployVerticle(new PoolVerticle(), new DeploymentOptions().setConfig(config.pool())));
    }
    if (config.roles().contains("api")) {
      chain = chain.compose(v -> vertx.deployVerticle(ApiVerticle::new,
          new DeploymentOptions().setConfig(config.api()).setInstances(config.apiInstances())));
    }
    return chain.mapEmpty();
  }
}
