package dev.axon.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.axon.common.log.EncodedLine;
import java.nio.charset.StandardCharsets;

/**
 * Encodes an event as its message and a line feed, in UTF-8: what {@code <pattern>%msg%n</pattern>} writes, without
 * the pattern layout's converter chain and its string builder (the access log writes a line per request; on Windows
 * the pattern's {@code %n} would write CRLF, this writes LF everywhere). A message that is {@code "{}"} with an
 * {@link EncodedLine} for its argument is written as the line's own bytes.
 */
public final class MessageLineEncoder extends EncoderBase<ILoggingEvent> {

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    Object[] args = event.getArgumentArray();
    if (args != null && args.length == 1 && args[0] instanceof EncodedLine line && "{}".equals(event.getMessage())) {
      // Encoded by the caller (the access log renders its JSON straight to bytes): written as it is.
      return line.bytes();
    }
    return (event.getFormattedMessage() + '\n').getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
