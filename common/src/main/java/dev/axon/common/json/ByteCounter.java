package dev.axon.common.json;

import java.io.OutputStream;

/** An output stream that keeps nothing and counts the bytes written to it: a written form's length without the form. */
public final class ByteCounter extends OutputStream {

  private long count;

  @Override
  public void write(int b) {
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    count += len;
  }

  /** The bytes written so far. */
  public long count() {
    return count;
  }
}
