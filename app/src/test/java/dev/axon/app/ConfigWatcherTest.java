package dev.axon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link ConfigWatcher} tells the operator needs a restart (the other restart-only keys: EventLoopsConfigTest, OpsConfigTest). */
class ConfigWatcherTest {

  @Test
  void theBodyLimitChangesLive() {
    JsonObject smaller = OpsConfigTest.valid();
    smaller.getJsonObject("api").put("bodyLimitBytes", 65_536);
    assertEquals(List.of(), ConfigWatcher.restartOnly(new AxonConfig(OpsConfigTest.valid()), new AxonConfig(smaller)));
  }
}
