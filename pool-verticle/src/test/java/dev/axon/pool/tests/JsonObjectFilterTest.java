package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.pool.emulation.JsonObjectFilter;
import org.junit.jupiter.api.Test;

/** The JSON-object filter keeps exactly the first balanced object, whatever the pieces. */
class JsonObjectFilterTest {

  static String filter(String text, int piece) {
    JsonObjectFilter f = new JsonObjectFilter();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i += piece) {
      out.append(f.accept(text.substring(i, Math.min(text.length(), i + piece))));
    }
    return out.toString();
  }

  @Test
  void proseAndFencesAroundTheObjectAreDropped() {
    String text = "Sure:\n```json\n{\"a\": [1, {\"b\": \"} ] {\\\" \"}], \"c\": {}}\n```\nMore {\"x\": 1}";
    for (int piece = 1; piece < 12; piece++) {
      assertEquals("{\"a\": [1, {\"b\": \"} ] {\\\" \"}], \"c\": {}}", filter(text, piece));
    }
  }

  @Test
  void stateIsReported() {
    JsonObjectFilter f = new JsonObjectFilter();
    assertEquals("", f.accept("no object yet"));
    assertFalse(f.found());
    assertEquals("{\"a\":", f.accept("x {\"a\":"));
    assertTrue(f.found());
    assertFalse(f.complete());
    assertEquals("1}", f.accept("1} tail"));
    assertTrue(f.complete());
    assertEquals("", f.accept("{}"));
  }
}
