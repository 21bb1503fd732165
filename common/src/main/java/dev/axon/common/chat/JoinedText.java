package dev.axon.common.chat;

/**
 * Text that arrives in pieces, most often in one (a pass's deltas leave the pool joined): the first piece is kept as
 * it is, and a builder is made only when a second one comes, so a reply in one piece is never copied.
 */
public final class JoinedText {

  private String first = "";
  private StringBuilder more;

  public JoinedText append(String piece) {
    if (piece.isEmpty()) {
      return this;
    }
    if (more != null) {
      more.append(piece);
    } else if (first.isEmpty()) {
      first = piece;
    } else {
      more = new StringBuilder(first.length() + piece.length() + 64).append(first).append(piece);
    }
    return this;
  }

  public boolean isEmpty() {
    return more == null && first.isEmpty();
  }

  public int length() {
    return more != null ? more.length() : first.length();
  }

  /** The text so far; later pieces join it again. */
  @Override
  public String toString() {
    if (more != null) {
      // Settled into one string: reading again costs nothing, the next piece starts a builder again.
      first = more.toString();
      more = null;
    }
    return first;
  }
}
