package dev.axon.common.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

  /** A stored turn counts its messages' sizes without keeping their bytes: the count is the bytes' length. */
  @Test
  void byteLengthIsTheLengthOfTheBytes() {
    String big = "x".repeat(20_000);
    for (Object value : List.of(ChatMessage.user("Hello"), ChatMessage.assistant("é 東京 🙂 \"quoted\" \\ \n"),
        ChatMessage.user(big), List.of(1, "two", 3.5), "plain")) {
      assertEquals(Json.toBytes(value).length, Json.byteLength(value), () -> value.getClass().getSimpleName());
    }
  }
}
