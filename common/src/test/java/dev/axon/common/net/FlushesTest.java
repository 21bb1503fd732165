package dev.axon.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FlushesTest {

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static String read(EmbeddedChannel channel) {
    ByteBuf out = channel.readOutbound();
    if (out == null) {
      return null;
    }
    try {
      return out.toString(StandardCharsets.US_ASCII);
    } finally {
      out.release();
    }
  }

  @Test
  void aFlushOutsideAReadWaitsForTheQueuedTasksAndTakesTheWritesMadeMeanwhile() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Flushes.coalesce(channel.pipeline());
    // Two replies written from tasks, as an event-bus reply is (through the pipeline: the embedded channel's own
    // write methods run the pending tasks at once).
    AtomicBoolean heldForTheNextTask = new AtomicBoolean();
    channel.eventLoop().execute(() -> channel.pipeline().writeAndFlush(text("one ")));
    channel.eventLoop().execute(() -> {
      heldForTheNextTask.set(channel.outboundMessages().isEmpty());
      channel.pipeline().writeAndFlush(text("two"));
    });
    channel.runPendingTasks();
    assertTrue(heldForTheNextTask.get(), "the first reply waited for the task queued after it");
    StringBuilder all = new StringBuilder();
    for (String s; (s = read(channel)) != null; ) {
      all.append(s);
    }
    assertEquals("one two", all.toString(), "both replies flushed once the tasks ran");
    channel.pipeline().writeAndFlush(text("three"));
    assertNull(channel.readOutbound(), "a flush outside a read is held, not made at once");
    channel.runPendingTasks();
    assertEquals("three", read(channel));
    channel.finishAndReleaseAll();
  }

  @Test
  void aFlushDuringAReadWaitsForTheReadToEnd() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release();
        ctx.writeAndFlush(text("reply"));
        assertNull(((EmbeddedChannel) ctx.channel()).outboundMessages().peek(), "held while the read goes on");
      }
    });
    Flushes.coalesce(channel.pipeline());
    channel.writeInbound(text("request"));
    assertEquals("reply", read(channel), "flushed when the read completed");
    channel.finishAndReleaseAll();
  }

  @Test
  void aCloseFlushesWhatIsHeld() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Flushes.coalesce(channel.pipeline());
    channel.pipeline().writeAndFlush(text("last words"));
    channel.pipeline().close();
    assertFalse(channel.isOpen());
    assertEquals("last words", read(channel));
  }

  @Test
  void stoppingReleasesWhatIsHeldAndLaterFlushesLeaveAtOnce() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Flushes.coalesce(channel.pipeline());
    channel.pipeline().writeAndFlush(text("held"));
    assertNull(channel.readOutbound());
    Flushes.stop(channel.pipeline());
    assertEquals("held", read(channel), "released by the removal");
    channel.pipeline().writeAndFlush(text("chunk"));
    assertEquals("chunk", read(channel), "flushed at once");
    Flushes.stop(channel.pipeline());
    channel.finishAndReleaseAll();
  }

  @Test
  void installingTwiceKeepsOneHandlerInFront() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Flushes.coalesce(channel.pipeline());
    Flushes.coalesce(channel.pipeline());
    assertNotNull(channel.pipeline().get(Flushes.HANDLER));
    assertEquals(Flushes.HANDLER, channel.pipeline().names().get(0));
    assertTrue(channel.pipeline().names().stream().filter(Flushes.HANDLER::equals).count() == 1);
    channel.finishAndReleaseAll();
  }
}
