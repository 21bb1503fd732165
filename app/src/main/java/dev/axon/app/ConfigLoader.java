package dev.axon.app;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the configuration with vertx-config: the YAML file ({@code AXON_CONF}, default {@code conf/axon.yaml};
 * absent means built-in defaults), then the environment overrides of {@link EnvOverrides}.
 */
public final class ConfigLoader {

  public static final String DEFAULT_PATH = "conf/axon.yaml";

  private ConfigLoader() {
  }

  public static Path path() {
    String given = EnvOverrides.lookup("AXON_CONF");
    return Path.of(given == null || given.isBlank() ? DEFAULT_PATH : given);
  }

  /** The raw configuration tree, environment applied; not yet checked. */
  public static Future<JsonObject> load(Vertx vertx, Path file) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0).setIncludeDefaultStores(false);
    if (Files.exists(file)) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
          .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString())));
    } else if (EnvOverrides.lookup("AXON_CONF") != null) {
      return Future.failedFuture(new IllegalArgumentException("configuration file " + file + " (AXON_CONF) does not exist"));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .map(json -> {
          JsonObject config = json == null ? new JsonObject() : json.copy();
          EnvOverrides.apply(config, EnvOverrides::lookup);
          return config;
        })
        .eventually(() -> {
          retriever.close();
          return Future.succeededFuture();
        });
  }
}
