package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.api.openai.ChoiceResult;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.api.openai.ServedBy;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.Usage;
import dev.axon.common.json.Json;
import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A chat completion body, written field by field as bytes, is exactly the object OpenAI sends, field for field and in
 * OpenAI's order: compared with the same object built as a tree (names, values, order), and valid against OpenAI's
 * schema.
 */
class OpenAiRendererTest {

  private static final Usage USAGE = new Usage(18, 48, 5, 7, 0);

  @Test
  void aTextReplyIsOpenAisObjectInOpenAisOrder() throws Exception {
    ChoiceResult text = new ChoiceResult(0, "Paris — \"the\" capital\n\\ é 東京 🙂 \u0001", List.of(), FinishReason.STOP, null, USAGE);
    assertRendered(List.of(text), "conv-abc", new ServedBy("anthropic", "claude-sonnet-4-6"));
    assertRendered(List.of(text), null, ServedBy.UNKNOWN);
    assertRendered(List.of(text), null, new ServedBy("mock", null));
  }

  @Test
  void severalChoicesRefusalsAndToolCalls() throws Exception {
    ChoiceResult tools = new ChoiceResult(0, "", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
        new ToolCall("call_2", "get_time", "{}")), FinishReason.TOOL_CALLS, null, USAGE);
    ChoiceResult refused = new ChoiceResult(1, "", List.of(), FinishReason.CONTENT_FILTER, "I can't help with that.", USAGE);
    ChoiceResult cut = new ChoiceResult(2, "partial", List.of(), FinishReason.LENGTH, null, USAGE);
    ChoiceResult empty = new ChoiceResult(3, "", List.of(), FinishReason.STOP, null, USAGE);
    assertRendered(List.of(tools, refused, cut, empty), "conv-x", new ServedBy("anthropic", "claude-haiku-4-5"));
  }

  private static void assertRendered(List<ChoiceResult> choices, String conversationId, ServedBy servedBy) throws Exception {
    byte[] body = OpenAiRenderer.completion("chatcmpl-0123456789", 1767225600L, "gpt-4o", "fp_axon_0100", choices, USAGE,
        conversationId, servedBy).getBytes();
    JsonNode written = Json.MAPPER.readTree(body);
    JsonNode expected = expected(choices, conversationId, servedBy);
    // Serialized again, the two trees compare their field order too.
    assertEquals(Json.MAPPER.writeValueAsString(expected), Json.MAPPER.writeValueAsString(written));
    OpenAiSchemas.assertValidResponse(new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static JsonNode expected(List<ChoiceResult> choices, String conversationId, ServedBy servedBy) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", "chatcmpl-0123456789").put("object", "chat.completion").put("created", 1767225600L).put("model", "gpt-4o")
        .put("system_fingerprint", "fp_axon_0100");
    ArrayNode array = o.putArray("choices");
    for (ChoiceResult c : choices) {
      ObjectNode choice = array.addObject().put("index", c.index());
      ObjectNode message = choice.putObject("message").put("role", "assistant");
      boolean tools = !c.toolCalls().isEmpty();
      if ((tools || c.refusal() != null) && c.content().isEmpty()) {
        message.putNull("content");
      } else {
        message.put("content", c.content());
      }
      message.put("refusal", c.refusal());
      if (tools) {
        ArrayNode calls = message.putArray("tool_calls");
        for (ToolCall call : c.toolCalls()) {
          calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
              .put("name", call.name()).put("arguments", call.arguments());
        }
      }
      message.putArray("annotations");
      choice.putNull("logprobs");
      choice.put("finish_reason", OpenAiRenderer.finishReason(c.finishReason()));
    }
    ObjectNode usage = o.putObject("usage").put("prompt_tokens", 18).put("completion_tokens", 48).put("total_tokens", 66);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 5).put("audio_tokens", 0);
    usage.putObject("completion_tokens_details").put("reasoning_tokens", 7).put("audio_tokens", 0)
        .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
    o.put("service_tier", "default");
    if (conversationId != null) {
      o.put("conversation_id", conversationId);
    }
    if (servedBy.provider() != null) {
      o.put("provider", servedBy.provider());
    }
    if (servedBy.model() != null) {
      o.put("served_model", servedBy.model());
    }
    return o;
  }
}
