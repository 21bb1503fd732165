package dev.axon.common.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.JoinedText;
import org.junit.jupiter.api.Test;

class JoinedTextTest {

  @Test
  void onePieceIsTheTextItselfNotACopy() {
    String reply = new String("a whole reply in one piece");
    JoinedText text = new JoinedText().append("").append(reply).append("");
    assertSame(reply, text.toString());
    assertEquals(reply.length(), text.length());
  }

  @Test
  void piecesJoinInOrderAndReadingDoesNotEndTheText() {
    JoinedText text = new JoinedText();
    assertTrue(text.isEmpty());
    assertEquals("", text.toString());
    text.append("You").append(" said").append(": hi");
    assertFalse(text.isEmpty());
    assertEquals(12, text.length());
    assertEquals("You said: hi", text.toString());
    assertEquals("You said: hi", text.toString());
    text.append(" | and").append(" more");
    assertEquals("You said: hi | and more", text.toString());
    assertEquals(23, text.length());
  }
}
