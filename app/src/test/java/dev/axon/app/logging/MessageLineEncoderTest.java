package dev.axon.app.logging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.axon.common.log.EncodedLine;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The access log's encoder writes what {@code %msg%n} wrote: the formatted message, then a line feed, in UTF-8. */
class MessageLineEncoderTest {

  @Test
  void writesTheFormattedMessageAndALineFeedAsThePatternDid() {
    LoggerContext context = new LoggerContext();
    PatternLayoutEncoder pattern = new PatternLayoutEncoder();
    pattern.setContext(context);
    pattern.setPattern("%msg%n");
    pattern.start();
    MessageLineEncoder encoder = new MessageLineEncoder();
    encoder.setContext(context);
    encoder.start();
    for (String message : new String[] {"{\"type\":\"access\",\"path\":\"/v1/é 東京 🙂\"}", "", "with {} argument"}) {
      LoggingEvent event = new LoggingEvent("test", context.getLogger("axon.access"), Level.INFO, message, null, new Object[] {"an"});
      assertArrayEquals(pattern.encode(event), encoder.encode(event), message);
      assertArrayEquals((event.getFormattedMessage() + "\n").getBytes(StandardCharsets.UTF_8), encoder.encode(event));
    }
    // A line encoded by its caller is written as it is, as the pattern writes the line's text.
    EncodedLine line = new EncodedLine("{\"path\":\"/v1/é 東京\"}\n".getBytes(StandardCharsets.UTF_8));
    LoggingEvent encoded = new LoggingEvent("test", context.getLogger("axon.access"), Level.INFO, "{}", null, new Object[] {line});
    assertSame(line.bytes(), encoder.encode(encoded));
    assertArrayEquals(pattern.encode(encoded), encoder.encode(encoded));
    assertNull(encoder.headerBytes());
    assertNull(encoder.footerBytes());
  }
}
