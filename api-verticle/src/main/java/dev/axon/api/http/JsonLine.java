package dev.axon.api.http;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * One JSON object written straight into a {@link StringBuilder}, for the access line written on every request:
 * Jackson's generator (a writer, a context checked on every value, recycled buffers) cost twice the characters' own
 * copying there. Output is what {@link JsonWriter#string} writes: strings escaped as Jackson escapes them (quote,
 * backslash, control characters; nothing else), numbers as Jackson writes them. Field names are written as given,
 * so they must be constants that need no escaping.
 */
public final class JsonLine {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final StringBuilder out;
  private boolean empty = true;

  public JsonLine(int capacity) {
    out = new StringBuilder(capacity).append('{');
  }

  public JsonLine string(String name, String value) {
    if (value == null) {
      return nullValue(name);
    }
    name(name);
    quote(value);
    return this;
  }

  public JsonLine number(String name, long value) {
    name(name).append(value);
    return this;
  }

  public JsonLine number(String name, double value) {
    name(name).append(NumberOutput.toString(value, true));
    return this;
  }

  public JsonLine bool(String name, boolean value) {
    name(name).append(value);
    return this;
  }

  public JsonLine nullValue(String name) {
    name(name).append("null");
    return this;
  }

  /** The object, closed. */
  public String end() {
    return out.append('}').toString();
  }

  private StringBuilder name(String name) {
    if (!empty) {
      out.append(',');
    }
    empty = false;
    return out.append('"').append(name).append("\":");
  }

  private void quote(String s) {
    out.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, from, i);
      escape(c);
      from = i + 1;
    }
    out.append(s, from, s.length()).append('"');
  }

  private void escape(char c) {
    switch (c) {
      case '"' -> out.append("\\\"");
      case '\\' -> out.append("\\\\");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
    }
  }
}
