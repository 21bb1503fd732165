package dev.axon.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code key=value} command-line arguments with defaults. */
final class Args {

  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      values.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
  }

  String string(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  int integer(String key, int defaultValue) {
    return values.containsKey(key) ? Integer.parseInt(values.get(key)) : defaultValue;
  }

  double number(String key, double defaultValue) {
    return values.containsKey(key) ? Double.parseDouble(values.get(key)) : defaultValue;
  }
}
