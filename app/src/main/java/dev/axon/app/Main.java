package dev.axon.app;

import dev.axon.api.ApiVerticle;
import dev.axon.app.ops.GracefulShutdown;
import dev.axon.app.ops.LogLevels;
import dev.axon.app.ops.Observability;
import dev.axon.app.transport.SpinningEpoll;
import dev.axon.common.bus.Codecs;
import dev.axon.common.config.ConfigException;
import dev.axon.pool.PoolVerticle;
import dev.axon.pool.session.PoolMetrics;
import dev.axon.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Axon: reads and checks the configuration, sets the log levels, builds the node's metrics and tracing,
 * starts Vert.x (plain or clustered) with them, registers the event-bus codecs, deploys the roles this JVM runs
 * (all three by default) and waits for each deployment; any failure stops the start loudly. SIGTERM drains the node
 * and exits 0 ({@link GracefulShutdown}).
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    long started = System.nanoTime();
    // One class loader serves the whole application, so Vert.x need not set each thread's context class loader
    // around every task it runs (twice per task, dozens of tasks per request).
    VertxOptions vertxOptions = new VertxOptions().setPreferNativeTransport(true).setDisableTCCL(true);
    Path file = ConfigLoader.path();
    AxonConfig config;
    // The configuration decides clustering, metrics and tracing, so it is read with a throwaway plain instance.
    // The main thread may wait: it is not an event loop.
    Vertx reader = Vertx.vertx(vertxOptions);
    try {
      config = await(ConfigLoader.load(reader, file).map(AxonConfig::new));
    } catch (Exception failure) {
      fail(failure, reader);
      return;
    } finally {
      reader.close();
    }
    config.logLevels().apply();
    vertxOptions.setEventLoopPoolSize(config.eventLoops());
    Observability observability = Observability.create(config.opsOptions(), config.tracingOptions());
    Vertx vertx = null;
    ConfigWatcher watcher;
    try {
      if (config.cluster().enabled()) {
        vertx = await(ClusteredVertx.start(config.cluster(), vertxOptions, o -> transport(observability.builder(o), config)));
        log.info("joined cluster '{}' as {}:{} (members {})", config.cluster().name(), config.cluster().host(),
            config.cluster().port(), config.cluster().members());
      } else {
        vertx = transport(observability.builder(vertxOptions), config).build();
        if (!config.roles().equals(AxonConfig.ALL_ROLES)) {
          log.warn("running only the roles {} without clustering: the others must be in this JVM to be reached", config.roles());
        }
      }
      watcher = await(start(vertx, config, file, observability));
    } catch (Exception failure) {
      fail(failure, vertx);
      return;
    }
    log.info("Axon ready in {} ms (roles {}, {} transport, {} event loop(s){}, {} API and {} pool instance(s))",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), config.roles(),
        vertx.isNativeTransportEnabled() ? "native" : "NIO", config.eventLoops(),
        spinning(config) ? " polling " + config.eventLoopSpin().micros() + " µs when idle" : "", config.apiInstances(),
        config.poolInstances());
    Vertx running = vertx;
    // Other ways out (System.exit elsewhere) still close Vert.x; SIGTERM and SIGINT drain first.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        Thread.currentThread().interrupt();
      }
    }, "axon-shutdown"));
    new GracefulShutdown(running, observability, () -> watcher.current().opsOptions(), config.roles().contains("api")).install();
  }

  /** Event loops that poll before they sleep, when configured and Linux's epoll is there; Vert.x's own otherwise. */
  private static VertxBuilder transport(VertxBuilder builder, AxonConfig config) {
    return spinning(config) ? builder.withTransport(new SpinningEpoll(config.eventLoopSpin())) : builder;
  }

  private static boolean spinning(AxonConfig config) {
    return config.eventLoopSpin().enabled() && Transport.EPOLL.available();
  }

  private static void fail(Exception failure, Vertx vertx) {
    Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof ConfigException || cause instanceof IllegalArgumentException) {
      log.error("invalid configuration: {}", cause.getMessage());
    } else {
      log.error("Axon failed to start", cause);
    }
    if (vertx != null) {
      vertx.close();
    }
    System.exit(1);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  /** Registers the codecs, deploys the roles and starts watching the configuration file. */
  private static Future<ConfigWatcher> start(Vertx vertx, AxonConfig config, Path file, Observability observability) {
    Codecs.register(vertx);
    observability.attach(vertx);
    return LogLevels.listen(vertx).completion()
        .compose(v -> deploy(vertx, config, observability))
        .compose(v -> ConfigWatcher.start(vertx, file, config));
  }

  /** Deploys the configured roles without metrics (tests): see {@link #deploy(Vertx, AxonConfig, Observability)}. */
  public static Future<Void> deploy(Vertx vertx, AxonConfig config) {
    return deploy(vertx, config, null);
  }

  /**
   * Deploys the configured roles: store and pool first, so the edge opens when they can answer. With
   * {@code observability} the verticles report to the node's meters and share its drain state; without, they
   * keep no meters.
   */
  public static Future<Void> deploy(Vertx vertx, AxonConfig config, Observability observability) {
    Future<?> chain = Future.succeededFuture();
    if (config.roles().contains("store")) {
      chain = chain.compose(v -> vertx.deployVerticle(
          observability == null ? new StoreVerticle() : new StoreVerticle(observability.storeMetrics()),
          new DeploymentOptions().setConfig(config.store())));
    }
    if (config.roles().contains("pool")) {
      chain = chain.compose(v -> vertx.deployVerticle(
          () -> new PoolVerticle(observability == null ? PoolMetrics.NONE : observability.poolMetrics(), config.pool()),
          new DeploymentOptions().setInstances(config.poolInstances())));
    }
    if (config.roles().contains("api")) {
      chain = chain.compose(v -> vertx.deployVerticle(
          () -> observability == null ? new ApiVerticle() : new ApiVerticle(observability.edge()),
          new DeploymentOptions().setConfig(config.api()).setInstances(config.apiInstances())));
    }
    return chain.mapEmpty();
  }
}
