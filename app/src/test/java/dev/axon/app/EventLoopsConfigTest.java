package dev.axon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.app.transport.EventLoopSpin;
import dev.axon.common.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * {@code eventLoops}: half the cores by default, the API instances follow it unless set, a bad value names its key,
 * and a change needs a restart. {@code pool.instances}: one unless set, and a restart to change.
 */
class EventLoopsConfigTest {

  @Test
  void defaultIsHalfTheCoresAndAtLeastOne() {
    assertEquals(1, AxonConfig.defaultEventLoops(1));
    assertEquals(1, AxonConfig.defaultEventLoops(2));
    assertEquals(1, AxonConfig.defaultEventLoops(3));
    assertEquals(2, AxonConfig.defaultEventLoops(4));
    assertEquals(8, AxonConfig.defaultEventLoops(16));
    AxonConfig config = new AxonConfig(OpsConfigTest.valid());
    assertEquals(AxonConfig.defaultEventLoops(Runtime.getRuntime().availableProcessors()), config.eventLoops());
    assertEquals(config.eventLoops(), config.apiInstances(), "one API instance per event loop unless set");
  }

  @Test
  void apiInstancesFollowTheEventLoopsUnlessSet() {
    AxonConfig loops = new AxonConfig(OpsConfigTest.valid().put("eventLoops", 3));
    assertEquals(3, loops.eventLoops());
    assertEquals(3, loops.apiInstances());
    JsonObject both = OpsConfigTest.valid().put("eventLoops", 2);
    both.getJsonObject("api").put("instances", 5);
    assertEquals(5, new AxonConfig(both).apiInstances());
  }

  @Test
  void onePoolInstanceUnlessSetAndAChangeNeedsARestart() {
    assertEquals(1, new AxonConfig(OpsConfigTest.valid().put("eventLoops", 4)).poolInstances(), "pools do not follow the loops");
    JsonObject two = OpsConfigTest.valid();
    two.getJsonObject("pool").put("instances", 2);
    AxonConfig after = new AxonConfig(two);
    assertEquals(2, after.poolInstances());
    assertTrue(ConfigWatcher.restartOnly(new AxonConfig(OpsConfigTest.valid()), after).contains("pool.instances"));
    JsonObject none = OpsConfigTest.valid();
    none.getJsonObject("pool").put("instances", 0);
    assertEquals("pool.instances", assertThrows(ConfigException.class, () -> new AxonConfig(none)).key());
  }

  @Test
  void badValueNamesItsKeyAndAChangeNeedsARestart() {
    ConfigException e = assertThrows(ConfigException.class, () -> new AxonConfig(OpsConfigTest.valid().put("eventLoops", 0)));
    assertTrue(e.key().endsWith("eventLoops"), e.key());
    AxonConfig before = new AxonConfig(OpsConfigTest.valid().put("eventLoops", 1));
    AxonConfig after = new AxonConfig(OpsConfigTest.valid().put("eventLoops", 2));
    assertTrue(ConfigWatcher.restartOnly(before, after).contains("eventLoops"));
  }

  @Test
  void idleLoopsPoll400MicrosecondsByDefaultAndZeroTurnsItOff() {
    AxonConfig defaults = new AxonConfig(OpsConfigTest.valid());
    assertEquals(EventLoopSpin.DEFAULT, defaults.eventLoopSpin());
    assertEquals(new EventLoopSpin(400, 50), defaults.eventLoopSpin());
    AxonConfig off = new AxonConfig(OpsConfigTest.valid().put("eventLoopSpin", new JsonObject().put("micros", "0")));
    assertFalse(off.eventLoopSpin().enabled());
    assertEquals(50, off.eventLoopSpin().budgetPercent());
    ConfigException e = assertThrows(ConfigException.class,
        () -> new AxonConfig(OpsConfigTest.valid().put("eventLoopSpin", new JsonObject().put("budgetPercent", 0))));
    assertEquals("eventLoopSpin.budgetPercent", e.key());
    assertTrue(ConfigWatcher.restartOnly(defaults, off).contains("eventLoopSpin"));
  }
}
