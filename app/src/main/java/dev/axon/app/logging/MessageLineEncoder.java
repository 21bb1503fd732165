package dev.axon.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * Encodes an event as its message and a line feed, in UTF-8: what {@code <pattern>%msg%n</pattern>} writes, without
 * the pattern layout's converter chain and its string builder (the access log writes a line per request; on Windows
 * the pattern's {@code %n} would write CRLF, this writes LF everywhere).
 */
public final class MessageLineEncoder extends EncoderBase<ILoggingEvent> {

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return (event.getFormattedMessage() + '\n').getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
