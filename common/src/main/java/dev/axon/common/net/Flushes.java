package dev.axon.common.net;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Lets what a connection writes in one event-loop pass leave in one system call, and what many connections write in
 * one pass leave together.
 *
 * <p>Vert.x flushes a write made outside a read at once: a command to Valkey, a response whose reply came back over
 * the event bus. Netty's {@link FlushConsolidationHandler}, put in front of the pipeline, holds such a flush until the
 * tasks queued on the event loop have run, and a flush made while the connection reads until the read is over. A
 * write alone waits for nothing later than the current pass; a close flushes first.
 */
public final class Flushes {

  /** The handler's name in a pipeline. */
  public static final String HANDLER = "axon-flush-coalescing";
  /** Flushes held at most before one goes out anyway, bounding what waits in the socket's buffer. */
  static final int MAX_HELD_FLUSHES = 256;

  private Flushes() {
  }

  /** Installs the handler at the front of the pipeline, unless it is there already. */
  public static void coalesce(ChannelPipeline pipeline) {
    if (pipeline.get(HANDLER) == null) {
      pipeline.addFirst(HANDLER, new FlushConsolidationHandler(MAX_HELD_FLUSHES, true));
    }
  }

  /**
   * Removes the handler, if there, releasing what it holds: the connection's flushes then leave at once. Called on the
   * channel's event loop (nothing removes it in between); every stream on a kept-alive connection calls it, so an
   * absent handler is looked up, not caught.
   */
  public static void stop(ChannelPipeline pipeline) {
    if (pipeline.get(HANDLER) != null) {
      pipeline.remove(HANDLER);
    }
  }
}
