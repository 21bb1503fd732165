package dev.axon.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;

/**
 * Logback appender for stdout that never makes the logging thread wait on the write: the event is encoded on the
 * caller's thread and handed to the process's one {@link StdoutWriter}, which writes what has queued up in one
 * system call. Logback's {@code ConsoleAppender} writes and flushes each line under a lock, on the event loop that
 * logged it: with the access log on, that was a third of the gateway's CPU per request and a lock every event loop
 * contended for.
 *
 * <pre>{@code
 * <appender name="OUT" class="dev.axon.app.logging.StdoutAppender">
 *   <encoder><pattern>%msg%n</pattern></encoder>
 * </appender>
 * }</pre>
 */
public final class StdoutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  private Encoder<ILoggingEvent> encoder;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for the appender \"" + name + "\"");
      return;
    }
    byte[] header = encoder.headerBytes();
    if (header != null && header.length > 0) {
      StdoutWriter.instance().write(header);
    }
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    StdoutWriter.instance().write(encoder.encode(event));
  }
}
