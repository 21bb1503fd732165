package dev.axon.pool.provider.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The mock's hand-written word split gives exactly what the regex split it replaced gave. */
class MockSessionWordsTest {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  @Test
  void splitsAsTrimAndRegexSplitDo() {
    String[] samples = {"", " ", "one", "  two words  ", "tab\tand\nnew\r\nlines", "\u000Bvertical\u000Btab\f", "a  b   c",
        "control\u0001inside", "\u0001edge\u0002", "non-breaking\u00a0space", "emoji 🙂 too"};
    for (String s : samples) {
      assertArrayEquals(WHITESPACE.split(s.trim()), MockSession.words(s), "words of [" + s + "]");
      assertEquals(s.trim().isEmpty() ? 0 : WHITESPACE.split(s.trim()).length, MockSession.countWords(s), "count of [" + s + "]");
    }
  }

  @Test
  void agreesWithTheRegexOnRandomText() {
    Random random = new Random(42);
    char[] alphabet = {'a', 'b', ' ', '\t', '\n', '\r', '\f', '\u000B', '\u0001', '\u00a0', 'é'};
    for (int n = 0; n < 2000; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(20); i > 0; i--) {
        s.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = s.toString();
      assertArrayEquals(WHITESPACE.split(text.trim()), MockSession.words(text), "words of [" + text + "]");
      assertEquals(text.trim().isEmpty() ? 0 : WHITESPACE.split(text.trim()).length, MockSession.countWords(text));
    }
  }

  /**
   * The whole-text shortcut is taken only where the word-by-word path gives the text back unchanged: a single-spaced
   * text is its words joined by single spaces, and any other is not.
   */
  @Test
  void singleSpacedTextsAreTheirOwnJoinedWords() {
    Random random = new Random(7);
    char[] alphabet = {'a', 'b', ' ', ' ', ' ', '\t', '\n', '\r', '\f', '\u000B', '\u00a0', 'é'};
    int taken = 0;
    for (int n = 0; n < 5000; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = 1 + random.nextInt(20); i > 0; i--) {
        s.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = s.toString().trim();
      if (text.isEmpty()) {
        continue;
      }
      String joined = String.join(" ", MockSession.words(text));
      int words = MockSession.singleSpacedWords(text);
      if (words >= 0) {
        taken++;
        assertEquals(text, joined, "joined words of [" + text + "]");
        assertEquals(MockSession.countWords(text), words, "count of [" + text + "]");
      } else {
        assertNotEquals(text, joined, "[" + text + "] is single-spaced");
      }
    }
    assertTrue(taken > 500, "the shortcut applied to " + taken + " texts");
  }
}
