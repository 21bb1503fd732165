package dev.axon.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One entry of the model → provider route table: a model-name pattern where {@code *} stands for any run of
 * characters (e.g. {@code claude-*}, {@code llama-*}, {@code *}), and the provider that serves matching models.
 * Routes are tried in configuration order; the first match wins.
 */
public record ModelRoute(String pattern, String provider) {

  private static final Pattern PATTERN_CHARS = Pattern.compile("[A-Za-z0-9._:/@+*-]{1,200}");
  private static final Pattern PROVIDER_CHARS = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public ModelRoute {
    if (pattern == null || !PATTERN_CHARS.matcher(pattern).matches()) {
      throw new IllegalArgumentException("a model pattern uses letters, digits, . _ : / @ + - and * only, got '" + pattern + "'");
    }
    if (provider == null || !PROVIDER_CHARS.matcher(provider).matches()) {
      throw new IllegalArgumentException("a provider name is lower-case letters, digits, _ and -, got '" + provider + "'");
    }
  }

  /** Whether {@code model} matches the pattern ({@code *} matches any run of characters, the rest literally). */
  public boolean matches(String model) {
    return model != null && glob(pattern, 0, model, 0);
  }

  private static boolean glob(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        while (pi < p.length() && p.charAt(pi) == '*') {
          pi++;
        }
        if (pi == p.length()) {
          return true;
        }
        for (int i = si; i <= s.length(); i++) {
          if (glob(p, pi, s, i)) {
            return true;
          }
        }
        return false;
      }
      if (si >= s.length() || s.charAt(si) != c) {
        return false;
      }
      pi++;
      si++;
    }
    return si == s.length();
  }

  /**
   * Reads a route table at {@code key} of {@code reader}: a mapping {@code {pattern: provider}} (in file order), a
   * list of {@code {match, provider}} mappings, or a string {@code "claude-*=anthropic,llama-*=openai"} (as an
   * environment variable gives it). Fails with the key of the first bad entry.
   */
  public static List<ModelRoute> read(ConfigReader reader, String key) {
    List<ModelRoute> out = new ArrayList<>();
    Object value = reader.raw().getValue(key);
    if (value == null) {
      return out;
    }
    if (value instanceof io.vertx.core.json.JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        out.add(route(reader.key(key) + "." + e.getKey(), e.getKey(), e.getValue()));
      }
    } else if (value instanceof io.vertx.core.json.JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        Object item = array.getValue(i);
        String at = reader.key(key) + "[" + i + "]";
        if (!(item instanceof io.vertx.core.json.JsonObject entry)) {
          throw new ConfigException(at, "must be a mapping {match: <pattern>, provider: <name>}");
        }
        out.add(route(at, entry.getValue("match") == null ? null : entry.getValue("match").toString(), entry.getValue("provider")));
      }
    } else {
      for (String item : value.toString().split(",")) {
        if (item.isBlank()) {
          continue;
        }
        int eq = item.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(reader.key(key), "expected <pattern>=<provider>[,...], got '" + item.trim() + "'");
        }
        String pattern = item.substring(0, eq).trim();
        out.add(route(reader.key(key) + "." + pattern, pattern, item.substring(eq + 1).trim()));
      }
    }
    return out;
  }

  private static ModelRoute route(String key, String pattern, Object provider) {
    if (provider == null || provider instanceof io.vertx.core.json.JsonObject || provider instanceof io.vertx.core.json.JsonArray) {
      throw new ConfigException(key, "must name a provider");
    }
    try {
      return new ModelRoute(pattern == null ? null : pattern.trim(), provider.toString().trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }

  /** The provider of the first route matching {@code model}, or null. */
  public static String providerFor(List<ModelRoute> routes, String model) {
    for (ModelRoute r : routes) {
      if (r.matches(model)) {
        return r.provider();
      }
    }
    return null;
  }
}
