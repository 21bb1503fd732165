package dev.axon.common.config;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models Axon serves and the aliases clients may use for them (OpenAI names mapped to Claude), from the
 * {@code models} section of the configuration.
 *
 * <pre>
 * models:
 *   default: claude-sonnet-4-6
 *   served: [claude-opus-4-6, claude-sonnet-4-6, claude-haiku-4-5]
 *   aliases: { gpt-4o: claude-sonnet-4-6, ... }
 * </pre>
 */
public final class ModelCatalog {

  public static final List<String> DEFAULT_SERVED = List.of("claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5");
  public static final String DEFAULT_MODEL = "claude-sonnet-4-6";
  public static final Map<String, String> DEFAULT_ALIASES = defaultAliases();

  private final String defaultModel;
  private final List<String> served;
  private final Map<String, String> aliases;

  public ModelCatalog(String defaultModel, List<String> served, Map<String, String> aliases) {
    this.served = List.copyOf(served);
    this.aliases = Map.copyOf(aliases);
    this.defaultModel = defaultModel;
  }

  public static ModelCatalog defaults() {
    return new ModelCatalog(DEFAULT_MODEL, DEFAULT_SERVED, DEFAULT_ALIASES);
  }

  /** Reads and checks the {@code models} section; every alias must point at a served model. */
  public static ModelCatalog fromConfig(JsonObject section) {
    ConfigReader r = new ConfigReader(section, "models");
    List<String> served = r.has("served") ? r.strings("served") : DEFAULT_SERVED;
    if (served.isEmpty()) {
      throw new ConfigException("models.served", "must name at least one model");
    }
    Map<String, String> aliases = r.has("aliases") ? r.stringMap("aliases") : DEFAULT_ALIASES;
    for (Map.Entry<String, String> e : aliases.entrySet()) {
      if (!served.contains(e.getValue())) {
        throw new ConfigException("models.aliases." + e.getKey(), "points at '" + e.getValue() + "', which is not in models.served");
      }
    }
    String defaultModel = r.string("default", served.contains(DEFAULT_MODEL) ? DEFAULT_MODEL : served.get(0));
    String resolvedDefault = aliases.getOrDefault(defaultModel, defaultModel);
    if (!served.contains(resolvedDefault)) {
      throw new ConfigException("models.default", "'" + defaultModel + "' is not a served model");
    }
    return new ModelCatalog(resolvedDefault, served, aliases);
  }

  /** The served model for a client's model name (an alias or a served id), or null when there is none. */
  public String resolve(String requested) {
    if (requested == null) {
      return null;
    }
    String mapped = aliases.get(requested);
    if (mapped != null) {
      return mapped;
    }
    return served.contains(requested) ? requested : null;
  }

  public String defaultModel() {
    return defaultModel;
  }

  public List<String> served() {
    return served;
  }

  public Map<String, String> aliases() {
    return aliases;
  }

  private static Map<String, String> defaultAliases() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("gpt-4o", "claude-sonnet-4-6");
    m.put("gpt-4o-mini", "claude-haiku-4-5");
    m.put("gpt-4", "claude-opus-4-6");
    m.put("gpt-4-turbo", "claude-sonnet-4-6");
    m.put("gpt-3.5-turbo", "claude-haiku-4-5");
    return m;
  }
}
