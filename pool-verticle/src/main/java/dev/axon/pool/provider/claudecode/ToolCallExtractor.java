package dev.axon.pool.provider.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.json.Json;
import java.io.IOException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the model's tool calls in its streamed reply, in the form the turn's instructions ask for
 * ({@code <tool_call name="f">{"a": 1}</tool_call>}, see {@link ConversationFormatter}). Text outside calls goes
 * on as it comes, except a tail that could be the start of a call, held until the next piece tells. A complete
 * call whose name is one of the request's functions and whose body is a JSON object becomes a call; anything
 * else is passed on as the text it is. Whitespace around calls is dropped.
 *
 * <p>Not thread-safe: one extractor per turn.
 */
final class ToolCallExtractor {

  private static final String OPEN = "<tool_call";
  private static final String CLOSE = "</tool_call>";
  private static final Pattern ELEMENT = Pattern.compile(
      "<tool_call\\b([^>]*)>(.*)</tool_call>", Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("\\bname\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')");

  /** Where the extractor's output goes. */
  interface Out {
    void text(String text);

    void call(String name, String arguments);
  }

  private final Set<String> names;
  private final Out out;
  private final StringBuilder held = new StringBuilder();
  private final StringBuilder whitespace = new StringBuilder();
  private boolean inCall;
  private int calls;

  ToolCallExtractor(Set<String> names, Out out) {
    this.names = names;
    this.out = out;
  }

  int calls() {
    return calls;
  }

  void accept(String piece) {
    held.append(piece);
    while (true) {
      if (!inCall) {
        int at = held.indexOf(OPEN);
        if (at >= 0) {
          text(held.substring(0, at));
          held.delete(0, at);
          inCall = true;
          continue;
        }
        int keep = partialPrefix(held, OPEN);
        text(held.substring(0, held.length() - keep));
        held.delete(0, held.length() - keep);
        return;
      }
      int end = held.indexOf(CLOSE);
      if (end < 0) {
        return;
      }
      String element = held.substring(0, end + CLOSE.length());
      held.delete(0, end + CLOSE.length());
      inCall = false;
      element(element);
    }
  }

  /** The reply ended: an unfinished call or a held tail is plain text after all. */
  void finish() {
    if (held.length() > 0) {
      text(held.toString());
      held.setLength(0);
    }
    inCall = false;
    whitespace.setLength(0);
  }

  private void element(String element) {
    Matcher m = ELEMENT.matcher(element);
    if (m.matches()) {
      Matcher name = NAME.matcher(m.group(1));
      String fn = name.find() ? (name.group(1) != null ? name.group(1) : name.group(2)) : null;
      String arguments = arguments(m.group(2));
      if (fn != null && names.contains(fn) && arguments != null) {
        whitespace.setLength(0);
        calls++;
        out.call(fn, arguments);
        return;
      }
    }
    text(element);
  }

  /** The body as compact JSON when it is an object (or empty), else null. */
  private static String arguments(String body) {
    String s = body.trim();
    if (s.startsWith("```")) {
      int nl = s.indexOf('\n');
      s = nl < 0 ? "" : s.substring(nl + 1);
      if (s.endsWith("```")) {
        s = s.substring(0, s.length() - 3);
      }
      s = s.trim();
    }
    if (s.isEmpty()) {
      return "{}";
    }
    try {
      JsonNode node = Json.MAPPER.readTree(s);
      return node != null && node.isObject() ? Json.toString(node) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Text goes out with trailing whitespace held back: it is dropped before a call and at the end. */
  private void text(String text) {
    if (text.isEmpty()) {
      return;
    }
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (end == 0) {
      whitespace.append(text);
      return;
    }
    String body = whitespace.length() > 0 ? whitespace + text.substring(0, end) : text.substring(0, end);
    whitespace.setLength(0);
    out.text(body);
    whitespace.append(text, end, text.length());
  }

  /** The length of the longest tail of {@code held} that is a proper prefix of {@code tag}. */
  static int partialPrefix(CharSequence held, String tag) {
    int max = Math.min(held.length(), tag.length() - 1);
    for (int len = max; len > 0; len--) {
      boolean match = true;
      for (int i = 0; i < len; i++) {
        if (held.charAt(held.length() - len + i) != tag.charAt(i)) {
          match = false;
          break;
        }
      }
      if (match) {
        return len;
      }
    }
    return 0;
  }
}
