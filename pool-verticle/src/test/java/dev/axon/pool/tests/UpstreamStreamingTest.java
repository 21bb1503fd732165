package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.config.ConfigException;
import dev.axon.pool.provider.http.HttpUpstreamOptions;
import dev.axon.pool.provider.http.UpstreamStreaming;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class UpstreamStreamingTest {

  private static UpstreamStreaming read(Object stream) {
    JsonObject o = new JsonObject();
    if (stream != null) {
      o.put("stream", stream);
    }
    return new HttpUpstreamOptions(o, "pool.anthropic", "https://api.anthropic.com").streaming();
  }

  @Test
  void autoByDefaultAndBooleansStillMeanAlwaysOrNever() {
    assertEquals(UpstreamStreaming.AUTO, read(null));
    assertEquals(UpstreamStreaming.AUTO, read("Auto"));
    assertEquals(UpstreamStreaming.ALWAYS, read(true));
    assertEquals(UpstreamStreaming.ALWAYS, read("always"));
    assertEquals(UpstreamStreaming.NEVER, read(false));
    assertEquals(UpstreamStreaming.NEVER, read("never"));
    ConfigException e = assertThrows(ConfigException.class, () -> read("sometimes"));
    assertTrue(e.getMessage().contains("pool.anthropic.stream"), e.getMessage());
  }

  @Test
  void autoStreamsForAStreamingClientOrALongReply() {
    assertTrue(UpstreamStreaming.AUTO.streams(true, 100));
    assertFalse(UpstreamStreaming.AUTO.streams(false, 100));
    assertFalse(UpstreamStreaming.AUTO.streams(false, -1));
    assertTrue(UpstreamStreaming.AUTO.streams(false, UpstreamStreaming.WHOLE_REPLY_MAX_TOKENS + 1));
    assertTrue(UpstreamStreaming.ALWAYS.streams(false, 1));
    assertFalse(UpstreamStreaming.NEVER.streams(true, 1_000_000));
  }
}
