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
import java.util.concurrent.CountDownLatch;
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
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    Codecs.register(vertx);
    Path file = ConfigLoader.path();
    ConfigLoader.load(vertx, file)
        .map(AxonConfig::new)
        .compose(config -> deploy(vertx, config))
        .onSuccess(ids -> log.info("Axon ready in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)))
        .onFailure(failure -> {
          if (failure instanceof ConfigException || failure instanceof IllegalArgumentException) {
            log.error("invalid configuration: {}", failure.getMessage());
          } else {
            log.error("Axon failed to start", failure);
          }
          vertx.close().onComplete(v -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      CountDownLatch closed = new CountDownLatch(1);
      vertx.close().onComplete(v -> closed.countDown());
      try {
        closed.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "axon-shutdown"));
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
