package dev.axon.common.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.json.Json;
import dev.axon.common.tokens.TokenEstimator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared token estimate: four characters a token per word, every part of a request counted. */
class TokenEstimatorTest {

  @Test
  void aWordCountsOneTokenPerFourCharactersAtLeastOne() {
    assertEquals(0, TokenEstimator.tokens(""));
    assertEquals(0, TokenEstimator.tokens("  \n "));
    assertEquals(1, TokenEstimator.tokens("a"));
    assertEquals(1, TokenEstimator.tokens("four"));
    assertEquals(2, TokenEstimator.tokens("fives"));
    assertEquals(6, TokenEstimator.tokens("I am  here, friends"), "1 + 1 + 2 + 2");
  }

  @Test
  void aRequestCountsTextThinkingToolsImagesAndMessageFraming() {
    ChatRequest plain = new ChatRequest("m", List.of(ChatMessage.user("one two")), null, null, null, null, null, null, null);
    assertEquals(TokenEstimator.MESSAGE_TOKENS + 2, TokenEstimator.inputTokens(plain));
    ChatMessage rich = new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.Thinking("deep thought", "sig"),
        new ContentPart.Image("https://x.test/a.png", null), new ContentPart.Opaque("{\"type\":\"document\",\"source\":"
        + "{\"type\":\"text\",\"data\":\"doc text\"}}")), null, null, null);
    ToolDefinition tool = new ToolDefinition("lookup", "Looks up", Json.MAPPER.createObjectNode().put("type", "object"), false);
    ChatRequest request = new ChatRequest("m", List.of(ChatMessage.user("one two"), rich), null, List.of(tool), null, null, null, null, null);
    // framing, "one two", "deep thought" (1 + 2), the image, "doc text", the tool: name 2, description 3, schema 5
    int expected = 2 * TokenEstimator.MESSAGE_TOKENS + 2 + 3 + TokenEstimator.IMAGE_TOKENS + 2 + (2 + 3 + 5);
    assertEquals(expected, TokenEstimator.inputTokens(request));
    assertTrue(TokenEstimator.inputTokens(request) > TokenEstimator.inputTokens(plain));
  }
}
