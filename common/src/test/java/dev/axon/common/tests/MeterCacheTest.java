package dev.axon.common.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.axon.common.metrics.MeterCache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeterCacheTest {

  @Test
  void eachTagSetIsBuiltOnceAndInOrder() {
    List<List<String>> built = new ArrayList<>();
    MeterCache<Object> cache = new MeterCache<>(tags -> {
      built.add(tags);
      return new Object();
    });
    Object a = cache.get("claude-sonnet-4-6", "200");
    assertSame(a, cache.get("claude-sonnet-4-6", "200"));
    assertNotSame(a, cache.get("200", "claude-sonnet-4-6"), "tag order matters");
    assertEquals(List.of(List.of("claude-sonnet-4-6", "200"), List.of("200", "claude-sonnet-4-6")), built);
  }

  @Test
  void aKeyKeptIsNotTheCallersArray() {
    MeterCache<Object> cache = new MeterCache<>(tags -> new Object());
    String[] tags = {"claude-sonnet-4-6", "200"};
    Object meter = cache.get(tags);
    tags[1] = "500";
    assertSame(meter, cache.get("claude-sonnet-4-6", "200"));
    assertNotSame(meter, cache.get("claude-sonnet-4-6", "500"));
  }
}
