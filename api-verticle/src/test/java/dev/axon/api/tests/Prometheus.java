package dev.axon.api.tests;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of Prometheus text: the value of a series with the given name and (at least) these labels. */
final class Prometheus {

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? ([^ ]+)$");

  private Prometheus() {
  }

  /** The sum of every series named {@code name} whose labels include {@code labels}; null when there is none. */
  static Double value(String text, String name, Map<String, String> labels) {
    Double sum = null;
    for (String line : text.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      String set = m.group(3) == null ? "" : m.group(3);
      boolean all = true;
      for (Map.Entry<String, String> e : labels.entrySet()) {
        if (!set.contains(e.getKey() + "=\"" + e.getValue() + "\"")) {
          all = false;
          break;
        }
      }
      if (all) {
        sum = (sum == null ? 0 : sum) + Double.parseDouble(m.group(4));
      }
    }
    return sum;
  }

  static double valueOr0(String text, String name, Map<String, String> labels) {
    Double v = value(text, name, labels);
    return v == null ? 0 : v;
  }
}
