package dev.axon.common.log;

import java.nio.charset.StandardCharsets;

/**
 * A log line already encoded: UTF-8 bytes ending in a line feed. Logged as the one argument of {@code "{}"}, an
 * encoder that writes messages as they are (the access log's) takes the bytes without a string in between; any
 * other layout formats {@link #toString()}, the line without its line feed.
 */
public final class EncodedLine {

  private final byte[] bytes;

  /** @param bytes the line in UTF-8, its last byte a line feed; not copied */
  public EncodedLine(byte[] bytes) {
    if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
      throw new IllegalArgumentException("an encoded line ends in a line feed");
    }
    this.bytes = bytes;
  }

  /** The line and its line feed; the array itself, not to be changed. */
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
  }
}
