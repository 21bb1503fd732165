package dev.axon.pool.provider.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.error.AxonException;
import dev.axon.common.json.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a whole conversation as the content of one CLI user turn. A session is a stateless worker: every turn
 * carries everything (system and developer messages, earlier user and assistant turns, the assistant's tool
 * calls, tool results), so any session can serve any conversation.
 *
 * <p>The structure is markup the model is told about in the session's system prompt:
 * <pre>
 * &lt;conversation&gt;
 * &lt;turn role="system"&gt;…&lt;/turn&gt;
 * &lt;turn role="user"&gt;…&lt;/turn&gt;
 * &lt;turn role="assistant"&gt;…&lt;tool_call id="call_1" name="get_weather"&gt;{"city":"Paris"}&lt;/tool_call&gt;&lt;/turn&gt;
 * &lt;turn role="tool" tool_call_id="call_1" name="get_weather"&gt;…&lt;/turn&gt;
 * &lt;/conversation&gt;
 * &lt;tools&gt;…&lt;/tools&gt;                  (when the request has tools the model may call)
 * &lt;reply_format&gt;…&lt;/reply_format&gt;    (for JSON response formats)
 * </pre>
 * Content can never add structure: every {@code <} in message text that would begin one of Axon's tags (spaces
 * and invisible format characters skipped, any case) is written as {@code &lt;}, attribute values are fully
 * escaped, and JSON (tool arguments, schemas) has every {@code <} as {@code \u003c}. The text always starts
 * with {@code <conversation>}, so no message can be taken for a CLI slash command either. Images travel as image
 * blocks between the text blocks.
 *
 * <p>Stateless and thread-safe.
 */
final class ConversationFormatter {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String TAG_NAMES = "conversation|turn|tool_call|tools|function|reply_format|schema|description|parameters";
  /** A {@code <} that would begin (or close) one of Axon's tags. */
  private static final Pattern TAG_START = Pattern.compile(
      "<(?=[\\s\\p{Cf}]*/?[\\s\\p{Cf}]*(?:" + TAG_NAMES + ")(?![\\p{L}\\p{N}_-]))",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private ConversationFormatter() {
  }

  /** The content blocks of the CLI user turn for {@code request}. */
  static ArrayNode format(ChatRequest request) {
    Blocks out = new Blocks();
    out.text("<conversation>\n");
    Map<String, String> toolNames = new HashMap<>();
    for (ChatMessage m : request.messages()) {
      for (ToolCall call : m.toolCalls()) {
        toolNames.put(call.id(), call.name());
      }
      turn(out, m, toolNames);
    }
    out.text("</conversation>");
    if (request.toolsEnabled() && !request.functionTools().isEmpty()) {
      out.text("\n" + tools(request));
    }
    if (request.responseFormat().isJson()) {
      out.text("\n" + replyFormat(request.responseFormat()));
    }
    return out.build();
  }

  private static void turn(Blocks out, ChatMessage m, Map<String, String> toolNames) {
    Role role = m.role();
    StringBuilder open = new StringBuilder("<turn role=\"").append(role.isInstruction() ? "system" : role.wire()).append('"');
    if (role == Role.TOOL) {
      if (m.toolCallId() != null) {
        open.append(" tool_call_id=\"").append(attribute(m.toolCallId())).append('"');
        String name = toolNames.get(m.toolCallId());
        if (name != null) {
          open.append(" name=\"").append(attribute(name)).append('"');
        }
      }
      if (m.toolError()) {
        open.append(" error=\"true\"");
      }
    } else if (m.name() != null && !m.name().isBlank()) {
      open.append(" name=\"").append(attribute(m.name())).append('"');
    }
    out.text(open.append('>').toString());
    for (ContentPart part : m.content()) {
      if (part instanceof ContentPart.Text t) {
        out.text(escape(t.text()));
      } else if (part instanceof ContentPart.Image image) {
        out.image(image);
      } else if (part instanceof ContentPart.Audio) {
        throw AxonException.invalid("messages", "The claude-code provider does not accept audio content.");
      } else if (part instanceof ContentPart.File) {
        throw AxonException.invalid("messages", "The claude-code provider does not accept file content.");
      } else if (part instanceof ContentPart.Opaque opaque && opaque.text() != null) {
        // A block only Anthropic knows: the model here can still read what it says.
        out.text(escape(opaque.text()));
      }
      // Thinking (signed for the Messages API) is not part of the conversation the CLI continues: left out.
    }
    for (ToolCall call : m.toolCalls()) {
      out.text("<tool_call id=\"" + attribute(call.id()) + "\" name=\"" + attribute(call.name()) + "\">"
          + json(call.arguments()) + "</tool_call>");
    }
    out.text("</turn>\n");
  }

  private static String tools(ChatRequest request) {
    StringBuilder sb = new StringBuilder("<tools>\n");
    sb.append("You can call the functions below. To call one, write a tool_call element with the function's name and its")
        .append(" arguments as one JSON object that fits its parameters schema, like this:\n")
        .append("<tool_call name=\"FUNCTION_NAME\">{\"argument\": \"value\"}</tool_call>\n")
        .append("Write nothing inside the element but the JSON. Write several tool_call elements to call several functions.")
        .append(" After your tool calls, end your reply: the results come back as tool turns.\n");
    ToolChoice choice = request.toolChoice();
    if (choice != null && choice.mode() == ToolChoice.Mode.FUNCTION) {
      sb.append("You must call the function \"").append(attribute(choice.functionName())).append("\" now.\n");
    } else if (choice != null && choice.mode() == ToolChoice.Mode.REQUIRED) {
      sb.append("You must call at least one of these functions now.\n");
    } else {
      sb.append("Call a function only when it helps you answer; otherwise reply normally.\n");
    }
    if (Boolean.FALSE.equals(request.parallelToolCalls())) {
      sb.append("Call at most one function in this reply.\n");
    }
    for (ToolDefinition tool : request.functionTools()) {
      sb.append("<function name=\"").append(attribute(tool.name())).append("\">\n");
      if (tool.description() != null && !tool.description().isBlank()) {
        sb.append("<description>").append(escape(tool.description())).append("</description>\n");
      }
      JsonNode parameters = tool.parameters() != null ? tool.parameters() : F.objectNode().put("type", "object");
      sb.append("<parameters>").append(json(Json.toString(parameters))).append("</parameters>\n");
      sb.append("</function>\n");
    }
    return sb.append("</tools>").toString();
  }

  private static String replyFormat(ResponseFormat format) {
    StringBuilder sb = new StringBuilder("<reply_format>\n");
    if (format.type() == ResponseFormat.Type.JSON_SCHEMA && format.schema() != null) {
      sb.append("Reply with one JSON value that is valid against the JSON Schema below, and nothing else:")
          .append(" no text before or after it, no code fences.\n")
          .append("<schema");
      if (format.name() != null) {
        sb.append(" name=\"").append(attribute(format.name())).append('"');
      }
      sb.append('>').append(json(Json.toString(format.schema()))).append("</schema>\n");
    } else {
      sb.append("Reply with one JSON object and nothing else: no text before or after it, no code fences.\n");
    }
    return sb.append("</reply_format>").toString();
  }

  /** Message text with every {@code <} that could begin one of Axon's tags written as {@code &lt;}. */
  static String escape(String text) {
    return text == null ? "" : TAG_START.matcher(text).replaceAll("&lt;");
  }

  /** An attribute value: {@code & < > "} as entities. */
  static String attribute(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&': sb.append("&amp;"); break;
        case '<': sb.append("&lt;"); break;
        case '>': sb.append("&gt;"); break;
        case '"': sb.append("&quot;"); break;
        case '\n': sb.append(' '); break;
        default: sb.append(c);
      }
    }
    return sb.toString();
  }

  /** JSON text with {@code <} as {@code \u003c} (the same value; it can only occur inside strings). */
  static String json(String json) {
    return json == null ? "{}" : json.replace("<", "\\u003c");
  }

  /** Text blocks merged, image blocks between them. */
  private static final class Blocks {
    private final ArrayNode blocks = F.arrayNode();
    private final StringBuilder text = new StringBuilder();

    void text(String s) {
      text.append(s);
    }

    void image(ContentPart.Image image) {
      ObjectNode source = F.objectNode();
      String url = image.url() == null ? "" : image.url();
      if (url.startsWith("data:")) {
        int comma = url.indexOf(',');
        int semi = url.indexOf(';');
        if (comma < 0 || semi < 0 || semi > comma || !url.substring(semi, comma).contains("base64")) {
          throw AxonException.invalid("messages", "An image data URL must be base64-encoded.");
        }
        source.put("type", "base64").put("media_type", url.substring(5, semi)).put("data", url.substring(comma + 1));
      } else if (url.startsWith("https://") || url.startsWith("http://")) {
        source.put("type", "url").put("url", url);
      } else {
        throw AxonException.invalid("messages", "An image must be given by an http(s) URL or a base64 data URL.");
      }
      flush();
      ObjectNode block = F.objectNode().put("type", "image");
      block.set("source", source);
      blocks.add(block);
    }

    ArrayNode build() {
      flush();
      return blocks;
    }

    private void flush() {
      if (text.length() > 0) {
        blocks.add(F.objectNode().put("type", "text").put("text", text.toString()));
        text.setLength(0);
      }
    }
  }
}
