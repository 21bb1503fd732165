package dev.axon.common.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from a configuration sub-tree with defaults and range checks. Values may come as numbers or
 * as strings (environment variables are strings); anything that does not parse fails with the full key.
 */
public final class ConfigReader {

  private final JsonObject json;
  private final String prefix;

  public ConfigReader(JsonObject json, String prefix) {
    this.json = json == null ? new JsonObject() : json;
    this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix + ".";
  }

  public String key(String name) {
    return prefix + name;
  }

  public ConfigReader child(String name) {
    Object value = json.getValue(name);
    if (value != null && !(value instanceof JsonObject)) {
      throw new ConfigException(key(name), "must be a mapping");
    }
    return new ConfigReader((JsonObject) value, key(name));
  }

  public boolean has(String name) {
    return json.getValue(name) != null;
  }

  public JsonObject raw() {
    return json;
  }

  public String string(String name, String defaultValue) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      throw new ConfigException(key(name), "must be a string");
    }
    String s = value.toString().trim();
    return s.isEmpty() ? defaultValue : s;
  }

  public long longValue(String name, long defaultValue, long min, long max) {
    Object value = json.getValue(name);
    if (value == null || (value instanceof String s && s.isBlank())) {
      return defaultValue;
    }
    long parsed;
    if (value instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new ConfigException(key(name), "must be a whole number, got " + value);
      }
      parsed = n.longValue();
    } else if (value instanceof String s) {
      try {
        parsed = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key(name), "must be a whole number, got '" + s + "'");
      }
    } else {
      throw new ConfigException(key(name), "must be a whole number");
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  public int intValue(String name, int defaultValue, int min, int max) {
    return (int) longValue(name, defaultValue, min, max);
  }

  public boolean bool(String name, boolean defaultValue) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String s = value.toString().trim().toLowerCase();
    switch (s) {
      case "true": case "yes": case "on": case "1": return true;
      case "false": case "no": case "off": case "0": return false;
      default: throw new ConfigException(key(name), "must be true or false, got '" + value + "'");
    }
  }

  /** A list of strings; a single comma-separated string is accepted too (as from an environment variable). */
  public List<String> strings(String name) {
    Object value = json.getValue(name);
    List<String> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (item == null || item instanceof JsonObject || item instanceof JsonArray) {
          throw new ConfigException(key(name), "must be a list of strings");
        }
        String s = item.toString().trim();
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
      return out;
    }
    if (value instanceof JsonObject) {
      throw new ConfigException(key(name), "must be a list of strings");
    }
    for (String s : value.toString().split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /** A mapping of strings to strings, in file order. */
  public Map<String, String> stringMap(String name) {
    Object value = json.getValue(name);
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null) {
      return out;
    }
    if (!(value instanceof JsonObject object)) {
      throw new ConfigException(key(name), "must be a mapping of names to names");
    }
    for (Map.Entry<String, Object> e : object) {
      if (e.getValue() == null || e.getValue() instanceof JsonObject || e.getValue() instanceof JsonArray) {
        throw new ConfigException(key(name) + "." + e.getKey(), "must be a string");
      }
      out.put(e.getKey(), e.getValue().toString());
    }
    return out;
  }
}
