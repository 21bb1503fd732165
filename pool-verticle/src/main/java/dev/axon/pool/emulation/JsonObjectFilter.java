package dev.axon.pool.emulation;

/**
 * Enforces "the reply is one JSON object" on streamed text for turns where the provider cannot constrain it (JSON
 * mode while extended thinking is on, where a forced tool is refused): everything before the first {@code '{'} is
 * dropped (prose, a code fence), the object is let through as it comes, and everything after its closing brace is
 * dropped. Braces inside strings (escapes included) do not count. Nothing is held back, so the object streams as
 * fast as the model writes it.
 *
 * <p>Not thread-safe: one filter per turn.
 */
public final class JsonObjectFilter {

  private enum State { BEFORE, INSIDE, AFTER }

  private State state = State.BEFORE;
  private int depth;
  private boolean inString;
  private boolean escaped;

  /** Takes the next piece; returns the part that belongs to the object (possibly empty). */
  public String accept(String piece) {
    if (state == State.AFTER || piece.isEmpty()) {
      return "";
    }
    int start = 0;
    if (state == State.BEFORE) {
      int brace = piece.indexOf('{');
      if (brace < 0) {
        return "";
      }
      state = State.INSIDE;
      start = brace;
    }
    for (int i = start; i < piece.length(); i++) {
      char c = piece.charAt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          state = State.AFTER;
          return piece.substring(start, i + 1);
        }
      }
    }
    return piece.substring(start);
  }

  /** Whether the object has started. */
  public boolean found() {
    return state != State.BEFORE;
  }

  /** Whether the object is complete. */
  public boolean complete() {
    return state == State.AFTER;
  }
}
