package dev.axon.app.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ConfigReader;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The {@code logging} section applied to logback, at start and live: {@code level} is the root level,
 * {@code levels} maps a logger or package name to its level ({@code TRACE}, {@code DEBUG}, {@code INFO},
 * {@code WARN}, {@code ERROR}, {@code OFF}). A logger dropped from {@code levels} goes back to inheriting its
 * parent's level. Changes reach every node on {@link #ADDRESS}, like the other sections.
 *
 * <pre>
 * logging:
 *   level: INFO
 *   levels:
 *     dev.axon.pool: DEBUG
 *     axon.access: OFF      # the JSON access log
 * </pre>
 */
public final class LogLevels {

  /** Published on a configuration change: the new {@code logging} section, as a JsonObject. */
  public static final String ADDRESS = "axon.config.logging";
  public static final String DEFAULT_ROOT_LEVEL = "INFO";

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(LogLevels.class);
  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /**
   * The loggers whose level this class set, with the level each had before (from logback.xml, or null to
   * inherit), so that a logger dropped from the section gets that level back.
   */
  private static final Map<String, Level> original = new HashMap<>();

  private final String root;
  private final Map<String, String> levels;

  /** Reads and checks the section; fails with a {@link ConfigException} naming the bad key. */
  public LogLevels(JsonObject section) {
    ConfigReader r = new ConfigReader(section, "logging");
    root = level(r.string("level", DEFAULT_ROOT_LEVEL), "logging.level");
    levels = new LinkedHashMap<>();
    r.stringMap("levels").forEach((name, value) -> levels.put(name, level(value, "logging.levels." + name)));
  }

  public String root() {
    return root;
  }

  public Map<String, String> levels() {
    return levels;
  }

  /** Applies the levels to logback (does nothing when logback is not the SLF4J backend). */
  public synchronized void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(root));
    synchronized (original) {
      original.entrySet().removeIf(e -> {
        if (levels.containsKey(e.getKey())) {
          return false;
        }
        context.getLogger(e.getKey()).setLevel(e.getValue());
        return true;
      });
      levels.forEach((name, value) -> {
        Logger logger = context.getLogger(name);
        if (!original.containsKey(name)) {
          original.put(name, logger.getLevel());
        }
        logger.setLevel(Level.toLevel(value));
      });
    }
  }

  /** Applies every {@code logging} section published from now on (configuration edits on any node). */
  public static MessageConsumer<JsonObject> listen(Vertx vertx) {
    return vertx.eventBus().consumer(ADDRESS, m -> {
      try {
        LogLevels next = new LogLevels(m.body());
        next.apply();
        log.info("log levels applied: root {}, {}", next.root(), next.levels());
      } catch (RuntimeException e) {
        log.error("logging change rejected: {}", e.getMessage());
      }
    });
  }

  private static String level(String value, String key) {
    String upper = value.trim().toUpperCase();
    if (upper.equals("WARNING")) {
      upper = "WARN";
    }
    if (upper.equals("FALSE")) {
      // YAML 1.1, which the configuration file is read with, takes an unquoted OFF (or off, no) for false.
      upper = "OFF";
    }
    if (!LEVELS.contains(upper)) {
      throw new ConfigException(key, "must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF; got '" + value + "'");
    }
    return upper;
  }
}
