package dev.axon.pool.emulation;

import java.util.ArrayList;
import java.util.List;

/**
 * Enforces stop sequences on streamed text for providers that cannot pass them upstream. Text is let through
 * as it comes, except a tail that could be the start of a stop sequence, which is held back until the next
 * piece tells; when a stop sequence completes, everything from it on is dropped and the filter is stopped.
 * Whitespace-only sequences work like any other.
 *
 * <p>Not thread-safe: one filter per turn.
 */
public final class StopSequenceFilter {

  private final List<String> stops;
  private final int longest;
  private final StringBuilder held = new StringBuilder();
  private boolean stopped;
  private String matched;

  public StopSequenceFilter(List<String> stops) {
    // Every turn builds one, nearly always without stop sequences: no streams for an empty list.
    List<String> kept = new ArrayList<>(stops.size());
    int max = 0;
    for (String s : stops) {
      if (s != null && !s.isEmpty()) {
        kept.add(s);
        max = Math.max(max, s.length());
      }
    }
    this.stops = kept;
    this.longest = max;
  }

  /** Whether there is anything to enforce. */
  public boolean active() {
    return longest > 0;
  }

  /** Takes the next piece; returns the text that may be emitted now (possibly empty). */
  public String accept(String piece) {
    if (stopped) {
      return "";
    }
    if (longest == 0) {
      return piece;
    }
    held.append(piece);
    int cut = -1;
    for (String stop : stops) {
      int at = held.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
        matched = stop;
      }
    }
    if (cut >= 0) {
      stopped = true;
      String out = held.substring(0, cut);
      held.setLength(0);
      return out;
    }
    int keep = heldBackLength();
    String out = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return out;
  }

  /** The end of the stream: whatever was held back is plain text after all. */
  public String flush() {
    if (stopped) {
      return "";
    }
    String out = held.toString();
    held.setLength(0);
    return out;
  }

  public boolean stopped() {
    return stopped;
  }

  /** The stop sequence that ended the text, or null. */
  public String matched() {
    return matched;
  }

  /** The longest tail of the held text that is a proper prefix of some stop sequence. */
  private int heldBackLength() {
    int max = Math.min(held.length(), longest - 1);
    for (int len = max; len > 0; len--) {
      int from = held.length() - len;
      for (String stop : stops) {
        if (stop.length() > len && regionMatches(from, stop, len)) {
          return len;
        }
      }
    }
    return 0;
  }

  private boolean regionMatches(int from, String stop, int len) {
    for (int i = 0; i < len; i++) {
      if (held.charAt(from + i) != stop.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
