package dev.axon.app;

import dev.axon.app.ops.LogLevels;
import dev.axon.common.bus.Addresses;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and applies edits without a restart. A changed file is read whole and checked
 * like at start-up; a broken edit (invalid YAML, a bad value) is rejected with a log line naming the problem and
 * the running configuration stays in force — nothing is half-applied. A good edit is published, section by
 * section, to every node's verticles (a publish reaches the whole cluster); each verticle applies what can change
 * at run time. Settings that need a restart are logged as such. Environment overrides keep winning over the file.
 */
final class ConfigWatcher {

  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
  /** How often the file is checked, from the top-level key {@code reloadPeriodMs} (0 turns watching off). */
  static final long DEFAULT_PERIOD_MS = 1_000;

  private final Vertx vertx;
  private AxonConfig current;
  private String lastRejection;

  private ConfigWatcher(Vertx vertx, AxonConfig initial) {
    this.vertx = vertx;
    this.current = initial;
  }

  static Future<ConfigWatcher> start(Vertx vertx, Path file, AxonConfig initial) {
    ConfigWatcher watcher = new ConfigWatcher(vertx, initial);
    long period = initial.raw().getLong("reloadPeriodMs", DEFAULT_PERIOD_MS);
    if (period <= 0 || !Files.exists(file)) {
      return Future.succeededFuture(watcher);
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setScanPeriod(period).setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
            .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()))));
    retriever.configStream().exceptionHandler(e -> watcher.reject(file + " cannot be read (" + e.getMessage().strip() + ")"));
    return retriever.getConfig().map(first -> {
      retriever.listen(change -> watcher.onChange(change.getNewConfiguration()));
      log.info("watching {} for changes every {} ms", file, period);
      return watcher;
    });
  }

  private void onChange(JsonObject fileContent) {
    JsonObject raw = fileContent == null ? new JsonObject() : fileContent.copy();
    EnvOverrides.apply(raw, EnvOverrides::lookup);
    AxonConfig next;
    try {
      next = new AxonConfig(raw);
    } catch (RuntimeException e) {
      reject(e.getMessage());
      return;
    }
    lastRejection = null;
    List<String> restart = restartOnly(current, next);
    if (!restart.isEmpty()) {
      log.warn("configuration keys changed that take effect only after a restart: {}", restart);
    }
    publishIfChanged(Addresses.CONFIG_API, current.api(), next.api());
    publishIfChanged(Addresses.CONFIG_POOL, current.pool(), next.pool());
    publishIfChanged(Addresses.CONFIG_STORE, current.store(), next.store());
    publishIfChanged(LogLevels.ADDRESS, current.logging(), next.logging());
    current = next;
    log.info("configuration change applied");
  }

  /** The configuration in force: the last good edit, or the one at start. */
  AxonConfig current() {
    return current;
  }

  /** Logs a rejected edit once, not at every scan while the file stays broken. */
  private void reject(String why) {
    if (!why.equals(lastRejection)) {
      lastRejection = why;
      log.error("configuration change rejected: {}; the running configuration stays in force", why);
    }
  }

  private void publishIfChanged(String address, JsonObject before, JsonObject after) {
    if (!before.equals(after)) {
      vertx.eventBus().publish(address, after);
    }
  }

  /** The changed keys that only a restart applies. */
  static List<String> restartOnly(AxonConfig a, AxonConfig b) {
    List<String> changed = new ArrayList<>();
    compare(changed, "api.port", a.api().getValue("port"), b.api().getValue("port"));
    compare(changed, "api.host", a.api().getValue("host"), b.api().getValue("host"));
    compare(changed, "api.instances", a.apiInstances(), b.apiInstances());
    compare(changed, "pool.instances", a.poolInstances(), b.poolInstances());
    compare(changed, "eventLoops", a.eventLoops(), b.eventLoops());
    compare(changed, "eventLoopSpin", a.eventLoopSpin(), b.eventLoopSpin());
    compare(changed, "roles", a.roles(), b.roles());
    compare(changed, "cluster", a.raw().getValue("cluster"), b.raw().getValue("cluster"));
    compare(changed, "store.backend", a.store().getValue("backend"), b.store().getValue("backend"));
    compare(changed, "store.valkey", a.store().getValue("valkey"), b.store().getValue("valkey"));
    compare(changed, "ops.metrics.enabled", a.opsOptions().metricsEnabled(), b.opsOptions().metricsEnabled());
    compare(changed, "tracing", a.tracing(), b.tracing());
    return changed;
  }

  private static void compare(List<String> changed, String key, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      changed.add(key);
    }
  }
}
