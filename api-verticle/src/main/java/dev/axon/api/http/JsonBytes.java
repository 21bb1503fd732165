package dev.axon.api.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.axon.common.log.EncodedLine;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON of a known shape written straight into UTF-8 bytes, for what is written on every request (a chat completion,
 * the access line). The caller writes the structure as pre-encoded constants ({@link #constant}, {@link #firstName},
 * {@link #name}) and the values with the methods here; nothing checks the structure, so each use is tested against
 * Jackson's output. Jackson's generator spent more on its bookkeeping per value (a context per value, a recycled
 * buffer per generator) than on the bytes; strings that need escaping still go through Jackson's encoder, so the
 * escapes are the ones the generator writes.
 *
 * <p>Not thread-safe: one per body or line, used by the thread that took it.
 */
public final class JsonBytes {

  /** The largest buffer kept for reuse: a thread that once wrote a large body does not hold it for good. */
  private static final int KEEP_AT_MOST = 64 * 1024;
  /** Each thread's buffer to write in, while no writer has it checked out. */
  private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});

  private byte[] bytes;
  private int length;
  /** Where the scratch buffer goes back when the writer is done. */
  private final byte[][] home;

  private JsonBytes(byte[] bytes, byte[][] home) {
    this.bytes = bytes;
    this.home = home;
  }

  /**
   * A writer on this thread's scratch buffer, which goes back when the writer hands out what it wrote ({@link #line},
   * {@link #buffer}, {@link #toByteArray}, each a copy): a body or line allocates only its own bytes. A writer taken
   * while another has the buffer (one written within another) gets an array of its own.
   */
  public static JsonBytes pooled() {
    byte[][] slot = SCRATCH.get();
    byte[] scratch = slot[0];
    slot[0] = null;
    return new JsonBytes(scratch != null ? scratch : new byte[4096], slot);
  }

  private void giveBack() {
    if (bytes.length <= KEEP_AT_MOST) {
      home[0] = bytes;
    }
  }

  /** JSON text written as it is (punctuation, a constant run of fields). */
  public static byte[] constant(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
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
  public JsonBytes raw(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, bytes, length, b.length);
    length += b.length;
    return this;
  }

  /**
   * The string, quoted. Checked first, then copied in bulk: a string with nothing to escape (nearly every one) costs a
   * scan and an array copy instead of a store per character.
   */
  @SuppressWarnings("deprecation")
  public JsonBytes string(String s) {
    int n = s.length();
    int plain = 0;
    while (plain < n) {
      char c = s.charAt(plain);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        break;
      }
      plain++;
    }
    room(plain + 2);
    bytes[length++] = '"';
    // Each of these chars is ASCII (checked above), so the low byte String.getBytes(int, int, byte[], int) keeps is
    // the char itself.
    s.getBytes(0, plain, bytes, length);
    length += plain;
    if (plain < n) {
      // Something to escape or to encode as UTF-8: Jackson's encoder writes the rest.
      escaped(s, plain);
    }
    room(1);
    bytes[length++] = '"';
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
  public JsonBytes stringOrNull(String s) {
    return s == null ? nullValue() : string(s);
  }

  public JsonBytes number(long v) {
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
  public JsonBytes millis(double ms) {
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
  private JsonBytes digits(long v, int width) {
    if (v < 10 && width <= 1) {
      // Most numbers written are small counts and zeros.
      bytes[length++] = (byte) ('0' + v);
      return this;
    }
    int count = 1;
    for (long bound = 10; count < 19 && v >= bound; bound *= 10) {
      count++;
    }
    count = Math.max(count, width);
    int start = length;
    int i = start + count;
    length = i;
    // Integer division once the value allows it: cheaper than 64-bit division by a constant.
    while (v > Integer.MAX_VALUE) {
      long q = v / 10;
      bytes[--i] = (byte) ('0' + (v - q * 10));
      v = q;
    }
    int rest = (int) v;
    while (i > start) {
      int q = rest / 10;
      bytes[--i] = (byte) ('0' + (rest - q * 10));
      rest = q;
    }
    return this;
  }

  public JsonBytes bool(boolean v) {
    return ascii(v ? "true" : "false");
  }

  public JsonBytes nullValue() {
    return ascii("null");
  }

  private JsonBytes ascii(String s) {
    room(s.length());
    for (int i = 0; i < s.length(); i++) {
      bytes[length++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** What was written, and a line feed: the array is the line's own (the scratch buffer is reused). */
  public EncodedLine line() {
    room(1);
    bytes[length++] = '\n';
    EncodedLine line = new EncodedLine(Arrays.copyOf(bytes, length));
    giveBack();
    return line;
  }

  /** What was written, as a buffer of its own (the scratch buffer is reused). */
  public Buffer buffer() {
    ByteBuf out = VertxByteBufAllocator.DEFAULT.heapBuffer(length, length);
    out.writeBytes(bytes, 0, length);
    giveBack();
    return BufferInternal.buffer(out);
  }

  /** What was written, as an array of its own. */
  public byte[] toByteArray() {
    byte[] out = Arrays.copyOf(bytes, length);
    giveBack();
    return out;
  }

  private void room(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(length + more, 2 * bytes.length));
    }
  }
}
