package dev.axon.pool.provider.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
