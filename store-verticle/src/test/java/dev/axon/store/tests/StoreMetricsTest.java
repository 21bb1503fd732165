package dev.axon.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.store.metrics.StoreMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

/** Store commands are timed by outcome; failures count as errors by kind, the answers "not found" and "conflict" do not. */
class StoreMetricsTest {

  @Test
  void commandsAreTimedByOutcomeAndFailuresCountedByKind() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoreMetrics metrics = StoreMetrics.of(registry);
    assertEquals("ok", metrics.record("valkey", "open", () -> Future.succeededFuture("ok")).result());
    metrics.record("valkey", "open", () -> Future.failedFuture(new AxonException(ErrorKind.NOT_FOUND, "no such conversation")));
    metrics.record("valkey", "commit", () -> Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "Valkey is down")));
    Future<Object> thrown = metrics.record("valkey", "get", () -> {
      throw new IllegalStateException("a bug");
    });
    assertTrue(thrown.failed(), "a throwing command becomes a failed future");

    Timer ok = registry.find("axon.store.command").tags("backend", "valkey", "command", "open", "outcome", "ok").timer();
    assertNotNull(ok);
    assertEquals(1, ok.count());
    assertEquals(1, registry.find("axon.store.command").tags("command", "open", "outcome", "not_found").timer().count());
    assertEquals(1, registry.find("axon.store.command").tags("command", "commit", "outcome", "unavailable").timer().count());
    assertNull(registry.find("axon.store.errors").tags("command", "open").counter(), "an answer is not an error");
    assertEquals(1, registry.find("axon.store.errors").tags("command", "commit", "kind", "unavailable").counter().count());
    assertEquals(1, registry.find("axon.store.errors").tags("command", "get", "kind", "internal").counter().count());
  }

  @Test
  void noneRecordsNothingAndPassesResultsThrough() {
    assertEquals(42, StoreMetrics.NONE.record("memory", "count", () -> Future.succeededFuture(42)).result());
  }
}
