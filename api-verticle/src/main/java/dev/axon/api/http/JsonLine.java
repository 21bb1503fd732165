package dev.axon.api.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.axon.common.log.EncodedLine;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One flat JSON object of a fixed shape written straight into UTF-8 bytes, for a line written on every request (the
 * access log). The caller writes each field's name as pre-encoded bytes ({@link #firstName}, {@link #name}) and its
 * value; there is no nesting and no state to check. Jackson's generator spent more on its bookkeeping per field (a
 * context per value, a recycled buffer per generator) than on the bytes; strings that need escaping still go through
 * Jackson's encoder, so the escapes are the ones the generator writes.
 *
 * <p>Not thread-safe: one per line, and a scratch buffer per thread.
 */
public final class JsonLine {

  private byte[] bytes;
  private int length;

  public JsonLine(int expectedLength) {
    this(new byte[expectedLength]);
  }

  /**
   * Writes into {@code scratch} (a buffer the caller reuses from line to line: {@link #end} copies the line out of
   * it), or into a larger copy when the line outgrows it.
   */
  public JsonLine(byte[] scratch) {
    bytes = scratch;
  }

  /** {@code {"name":}, the object's start and its first field name. */
  public static byte[] firstName(String name) {
    return ("{" + quoted(name) + ":").getBytes(StandardCharsets.UTF_8);
  }

  /** {@code ,"name":}, the name of a field after the first. */
  public static byte[] name(String name) {
    return ("," + quoted(name) + ":").getBytes(StandardCharsets.UTF_8);
  }

  private static String quoted(String name) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(name)) + "\"";
  }

  /** Bytes as they are: a field name, or JSON already encoded. */
  public JsonLine raw(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, bytes, length, b.length);
    length += b.length;
    return this;
  }

  public JsonLine string(String s) {
    int n = s.length();
    room(n + 2);
    int at = length;
    bytes[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        // Something to escape or to encode as UTF-8: Jackson's encoder writes the rest.
        length = at;
        escaped(s, i);
        room(1);
        bytes[length++] = '"';
        return this;
      }
      bytes[at++] = (byte) c;
    }
    bytes[at++] = '"';
    length = at;
    return this;
  }

  private void escaped(String s, int from) {
    byte[] rest;
    try {
      rest = JsonStringEncoder.getInstance().quoteAsUTF8(s.substring(from));
    } catch (IllegalArgumentException e) {
      // A lone surrogate has no UTF-8 form: the line still gets written, with the replacement character in its place.
      rest = JsonStringEncoder.getInstance().quoteAsUTF8(replaceLoneSurrogates(s.substring(from)));
    }
    raw(rest);
  }

  private static String replaceLoneSurrogates(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }

  /** The string, or null when it is null. */
  public JsonLine stringOrNull(String s) {
    return s == null ? nullValue() : string(s);
  }

  public JsonLine number(long v) {
    if (v == Long.MIN_VALUE) {
      return ascii(Long.toString(v));
    }
    room(20);
    if (v < 0) {
      bytes[length++] = '-';
      v = -v;
    }
    return digits(v, 1);
  }

  /**
   * A duration in milliseconds, rounded to the microsecond: the digits {@code Double.toString} gives for the rounded
   * value (below 10^7 ms, where it turns to exponents), written from the whole microseconds without a string.
   */
  public JsonLine millis(double ms) {
    if (!(Math.abs(ms) < 1e12)) {
      return ascii(Double.toString(Math.round(ms * 1000) / 1000.0));
    }
    long micros = Math.round(ms * 1000);
    long whole = Math.abs(micros) / 1000;
    long fraction = Math.abs(micros) % 1000;
    int fractionDigits = 3;
    while (fractionDigits > 1 && fraction % 10 == 0) {
      fraction /= 10;
      fractionDigits--;
    }
    room(24);
    if (micros < 0) {
      bytes[length++] = '-';
    }
    digits(whole, 1);
    bytes[length++] = '.';
    return digits(fraction, fractionDigits);
  }

  /** {@code v} (not negative) in decimal, zero-padded to at least {@code width} digits; room already made. */
  private JsonLine digits(long v, int width) {
    int count = 1;
    for (long rest = v / 10; rest > 0; rest /= 10) {
      count++;
    }
    count = Math.max(count, width);
    for (int i = length + count - 1; i >= length; i--, v /= 10) {
      bytes[i] = (byte) ('0' + v % 10);
    }
    length += count;
    return this;
  }

  public JsonLine bool(boolean v) {
    return ascii(v ? "true" : "false");
  }

  public JsonLine nullValue() {
    return ascii("null");
  }

  private JsonLine ascii(String s) {
    room(s.length());
    for (int i = 0; i < s.length(); i++) {
      bytes[length++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** Closes the object and ends the line: exactly the line's bytes and its line feed. */
  public EncodedLine end() {
    room(2);
    bytes[length++] = '}';
    bytes[length++] = '\n';
    // Always a copy: the array written in may be a scratch buffer that the next line reuses.
    return new EncodedLine(Arrays.copyOf(bytes, length));
  }

  private void room(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(length + more, 2 * bytes.length));
    }
  }
}
