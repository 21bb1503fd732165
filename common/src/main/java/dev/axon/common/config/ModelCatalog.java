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
 *   routes: { "claude-*": anthropic, "llama-*": openai }
 * </pre>
 *
 * <p>A client may name a served model, an alias, or any model a route matches (so one gateway serves the models of
 * several providers without listing each); every other name is unknown. Which provider serves a model is the
 * pool's decision ({@code pool.models.<model>.provider}, then the first matching route, then {@code pool.provider}).
 */
public final class ModelCatalog {

  public static final List<String> DEFAULT_SERVED = List.of("claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5");
  public static final String DEFAULT_MODEL = "claude-sonnet-4-6";
  public static final Map<String, String> DEFAULT_ALIASES = defaultAliases();

  private final String defaultModel;
  private final List<String> served;
  private final Map<String, String> aliases;
  private final List<ModelRoute> routes;

  public ModelCatalog(String defaultModel, List<String> served, Map<String, String> aliases) {
    this(defaultModel, served, aliases, List.of());
  }

  public ModelCatalog(String defaultModel, List<String> served, Map<String, String> aliases, List<ModelRoute> routes) {
    this.served = List.copyOf(served);
    this.aliases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    this.routes = List.copyOf(routes);
    this.defaultModel = defaultModel;
  }

  public static ModelCatalog defaults() {
    return new ModelCatalog(DEFAULT_MODEL, DEFAULT_SERVED, DEFAULT_ALIASES);
  }

  /**
   * Reads and checks the {@code models} section; every alias must point at a served model or at a name a route
   * matches; routes must be well formed (their provider names are checked by the pool, which knows them).
   */
  public static ModelCatalog fromConfig(JsonObject section) {
    ConfigReader r = new ConfigReader(section, "models");
    List<String> served = r.has("served") ? r.strings("served") : DEFAULT_SERVED;
    if (served.isEmpty()) {
      throw new ConfigException("models.served", "must name at least one model");
    }
    List<ModelRoute> routes = ModelRoute.read(r, "routes");
    Map<String, String> aliases = r.has("aliases") ? r.stringMap("aliases") : DEFAULT_ALIASES;
    for (Map.Entry<String, String> e : aliases.entrySet()) {
      if (!served.contains(e.getValue()) && ModelRoute.providerFor(routes, e.getValue()) == null) {
        throw new ConfigException("models.aliases." + e.getKey(), "points at '" + e.getValue()
            + "', which is not in models.served and matches no entry of models.routes");
      }
    }
    String defaultModel = r.string("default", served.contains(DEFAULT_MODEL) ? DEFAULT_MODEL : served.get(0));
    String resolvedDefault = aliases.getOrDefault(defaultModel, defaultModel);
    if (!served.contains(resolvedDefault) && ModelRoute.providerFor(routes, resolvedDefault) == null) {
      throw new ConfigException("models.default", "'" + defaultModel + "' is not a served model and matches no route");
    }
    return new ModelCatalog(resolvedDefault, served, aliases, routes);
  }

  /**
   * The model to run for a client's model name: the target of an alias, a served id, or a name some route matches
   * (taken as it is); null when there is none.
   */
  public String resolve(String requested) {
    if (requested == null) {
      return null;
    }
    String mapped = aliases.get(requested);
    if (mapped != null) {
      return mapped;
    }
    if (served.contains(requested)) {
      return requested;
    }
    return ModelRoute.providerFor(routes, requested) != null ? requested : null;
  }

  /** The provider the route table names for a model, or null when no route matches. */
  public String routeFor(String model) {
    return ModelRoute.providerFor(routes, model);
  }

  /** The route table, in match order. */
  public List<ModelRoute> routes() {
    return routes;
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
