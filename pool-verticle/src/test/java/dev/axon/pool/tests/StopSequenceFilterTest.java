package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.pool.emulation.StopSequenceFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stop sequences enforced on streamed text: what each piece lets through, what is held back, where it ends. */
class StopSequenceFilterTest {

  /** What the filter emits for each piece, then for the flush (as the last element). */
  static List<String> feed(StopSequenceFilter filter, String... pieces) {
    List<String> out = new ArrayList<>();
    for (String piece : pieces) {
      out.add(filter.accept(piece));
    }
    out.add(filter.flush());
    return out;
  }

  static String joined(List<String> outputs) {
    return String.join("", outputs);
  }

  @Test
  void withoutStopSequencesTextPassesThroughUnchanged() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of());
    assertFalse(filter.active());
    assertEquals(List.of("Hello", " wor", "ld", ""), feed(filter, "Hello", " wor", "ld"));
    assertFalse(filter.stopped());
    assertNull(filter.matched());
  }

  @Test
  void emptyStopSequencesAreIgnored() {
    StopSequenceFilter filter = new StopSequenceFilter(Arrays.asList("", null));
    assertFalse(filter.active());
    assertEquals(List.of("a", "b", ""), feed(filter, "a", "b"));
  }

  @Test
  void aPossibleStartOfAStopIsHeldBackThenReleasedWhenItIsNot() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of("END"));
    assertTrue(filter.active());
    assertEquals("one ", filter.accept("one EN"), "'EN' could start END: held back");
    assertEquals("", filter.accept(""), "still undecided");
    assertEquals("ENough", filter.accept("ough"), "not END after all: released with the next piece");
    assertEquals("", filter.flush());
    assertFalse(filter.stopped());
  }

  @Test
  void heldBackPrefixThatCompletesTheStopIsDropped() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of("END"));
    assertEquals(List.of("one ", "", "", ""), feed(filter, "one E", "N", "DLESS"));
    assertTrue(filter.stopped());
    assertEquals("END", filter.matched());
  }

  @Test
  void stopSequenceSplitAcrossPiecesCutsTheTextWhereItBegins() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of("STOP_NOW"));
    List<String> out = feed(filter, "keep this ", "ST", "OP", "_N", "OW and not this");
    assertEquals("keep this ", joined(out));
    assertEquals(List.of("keep this ", "", "", "", "", ""), out, "nothing of the stop leaks, even partially");
    assertTrue(filter.stopped());
    assertEquals("STOP_NOW", filter.matched());
    assertEquals("", filter.accept("more"), "after a stop nothing passes");
  }

  @Test
  void earliestMatchWinsAmongSeveralStops() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of("world", "lo"));
    assertEquals("hel", joined(feed(filter, "hello world")));
    assertEquals("lo", filter.matched());

    StopSequenceFilter overlapping = new StopSequenceFilter(List.of("c d", "b c"));
    assertEquals("a ", joined(feed(overlapping, "a b", " c d")));
    assertEquals("b c", overlapping.matched());
  }

  @Test
  void overlappingPrefixIsFoundAfterAFalseStart() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of("aab"));
    assertEquals("a", joined(feed(filter, "aa", "a", "b", "tail")));
    assertEquals("aab", filter.matched());
  }

  @Test
  void whitespaceOnlyStopWorksLikeAnyOther() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of("\n\n"));
    List<String> out = feed(filter, "para one.\n", "\nPara two.");
    assertEquals(List.of("para one.", "", ""), out);
    assertTrue(filter.stopped());

    StopSequenceFilter single = new StopSequenceFilter(List.of("\n\n"));
    assertEquals("line one.\nline two.\n", joined(feed(single, "line one.\n", "line two.\n")),
        "a lone newline is held back, then flushed at the end");
  }

  @Test
  void flushReleasesWhatWasHeldBackAtTheEndOfTheStream() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of("cd"));
    assertEquals("ab", filter.accept("abc"));
    assertEquals("c", filter.flush());
    assertFalse(filter.stopped());
    assertEquals("", filter.flush(), "flushed once");
  }

  @Test
  void stopAtTheVeryStartYieldsNothing() {
    StopSequenceFilter filter = new StopSequenceFilter(List.of("###"));
    assertEquals(List.of("", "", ""), feed(filter, "##", "# after"));
    assertTrue(filter.stopped());
  }
}
