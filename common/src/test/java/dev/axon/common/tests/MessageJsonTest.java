package dev.axon.common.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.axon.common.chat.CacheControl;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.MessageJson;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageJsonTest {

  /** Characters that take every path of the generator's escaping: quotes, backslashes, controls, multi-byte, pairs. */
  private static final String[] PIECES = {"a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u0001",
      "\u001f", "\u007f", "é", "東京", "🙂", "\u2028", "<script>", "&", "'", "x".repeat(300)};

  /** Stored messages are read back by the mapper: the direct writer must give its bytes exactly, for any text. */
  @Test
  void writesWhatTheMapperWrites() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 3_000; i++) {
      ChatMessage message = randomMessage(random);
      byte[] expected = Json.MAPPER.writeValueAsBytes(message);
      assertArrayEquals(expected, MessageJson.toBytes(message), () -> new String(expected));
      assertEquals(expected.length, MessageJson.byteLength(message), () -> new String(expected));
    }
  }

  /** Messages with anything but text go through the mapper, and come out the same. */
  @Test
  void otherMessagesAreTheMappersOwn() throws Exception {
    List<ChatMessage> others = List.of(
        new ChatMessage(Role.USER, List.of(new ContentPart.Text("hi")), "alice", null, null),
        new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("call_1", "lookup", "{\"q\":1}")), null),
        ChatMessage.toolResult("call_1", List.of(new ContentPart.Text("42")), true),
        new ChatMessage(Role.USER, List.of(new ContentPart.Text("cached", new CacheControl("ephemeral", null))), null, null, null),
        new ChatMessage(Role.USER, List.of(new ContentPart.Text("look"), new ContentPart.Image("https://example.com/a.png", "low")),
            null, null, null),
        new ChatMessage(Role.USER, List.of(new ContentPart.Text(null)), null, null, null),
        new ChatMessage(Role.USER, List.of(), null, null, null));
    for (ChatMessage message : others) {
      byte[] expected = Json.MAPPER.writeValueAsBytes(message);
      assertArrayEquals(expected, MessageJson.toBytes(message), () -> new String(expected));
      assertEquals(expected.length, MessageJson.byteLength(message));
    }
  }

  private static ChatMessage randomMessage(Random random) {
    Role role = Role.values()[random.nextInt(Role.values().length)];
    List<ContentPart> parts = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int p = 0; p < count; p++) {
      StringBuilder text = new StringBuilder();
      int pieces = random.nextInt(12);
      for (int k = 0; k < pieces; k++) {
        text.append(PIECES[random.nextInt(PIECES.length)]);
      }
      parts.add(new ContentPart.Text(text.toString()));
    }
    return new ChatMessage(role, parts, null, null, null);
  }
}
