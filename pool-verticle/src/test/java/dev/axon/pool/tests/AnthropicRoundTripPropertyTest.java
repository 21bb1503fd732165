package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.common.chat.CacheControl;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ThinkingConfig;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.json.Json;
import dev.axon.pool.provider.anthropic.AnthropicOptions;
import dev.axon.pool.provider.anthropic.AnthropicRequestTranslator;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The round trip an Anthropic request takes through the gateway — read into the canonical model (here by a reader as
 * plain as the Messages API's shapes allow), translated back by the anthropic provider — gives back the request as
 * the client sent it, for generated requests mixing every feature: cache breakpoints anywhere they are allowed,
 * thinking and redacted thinking with signatures, server tool blocks and documents kept verbatim, tool results with
 * errors and content blocks, server tools, tool choices, top_k, thinking configurations, stop sequences, metadata.
 */
class AnthropicRoundTripPropertyTest {

  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final AnthropicRequestTranslator TRANSLATOR = new AnthropicRequestTranslator(new AnthropicOptions(new JsonObject()));

  @Property(tries = 400)
  void anAnthropicRequestSurvivesTheCanonicalModel(@ForAll("requests") ObjectNode request) {
    ChatRequest canonical = read(request);
    // Through the event bus's JSON too, as a clustered gateway would carry it.
    ChatRequest carried = Json.fromString(Json.toString(canonical), ChatRequest.class);
    assertEquals(canonical, carried);
    ObjectNode upstream = TRANSLATOR.translate(carried).body();
    assertEquals(request, upstream, () -> "sent:     " + request + "\nupstream: " + upstream);
  }

  @Provide
  Arbitrary<ObjectNode> requests() {
    return Arbitraries.randomValue(AnthropicRoundTripPropertyTest::generate);
  }

  // --- generating Messages API requests in the shapes the translator writes --------------------------------------

  static ObjectNode generate(Random r) {
    ObjectNode body = F.objectNode();
    body.put("model", "claude-sonnet-4-6");
    body.put("max_tokens", 1 + r.nextInt(8192));
    List<String> functions = new ArrayList<>();
    if (r.nextBoolean()) {
      ArrayNode tools = body.putArray("tools");
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        if (i == 0 && r.nextInt(4) == 0) {
          tools.addObject().put("type", "web_search_20250305").put("name", "web_search").put("max_uses", 1 + r.nextInt(5));
          continue;
        }
        ObjectNode tool = tools.addObject().put("name", "tool_" + i);
        if (r.nextBoolean()) {
          tool.put("description", text(r));
        }
        ObjectNode schema = tool.putObject("input_schema").put("type", "object");
        schema.putObject("properties").putObject("a").put("type", "string");
        cache(r, tool);
        functions.add("tool_" + i);
      }
      if (r.nextBoolean()) {
        ObjectNode choice = body.putObject("tool_choice");
        int kind = r.nextInt(4);
        if (kind == 3) {
          choice.put("type", "none");
        } else {
          choice.put("type", kind == 0 || functions.isEmpty() ? "auto" : kind == 1 ? "any" : "tool");
          if ("tool".equals(choice.path("type").asText())) {
            choice.put("name", functions.get(r.nextInt(functions.size())));
          }
          if (r.nextBoolean()) {
            choice.put("disable_parallel_tool_use", true);
          }
        }
      }
    }
    if (r.nextInt(5) < 3) {
      if (r.nextBoolean()) {
        ArrayNode system = body.putArray("system");
        int n = 1 + r.nextInt(3);
        boolean cached = false;
        for (int i = 0; i < n; i++) {
          ObjectNode block = system.addObject().put("type", "text").put("text", text(r));
          cached |= cache(r, block);
        }
        if (!cached) {
          // Without a breakpoint the translator sends the system prompt as one string.
          system.get(r.nextInt(n)).withObject("cache_control").put("type", "ephemeral");
        }
      } else {
        body.put("system", text(r));
      }
    }
    ArrayNode messages = body.putArray("messages");
    int turns = 1 + r.nextInt(4);
    List<String> pendingCalls = new ArrayList<>();
    for (int t = 0; t < turns; t++) {
      messages.add(userTurn(r, pendingCalls));
      pendingCalls.clear();
      if (t < turns - 1) {
        messages.add(assistantTurn(r, pendingCalls, t));
      }
    }
    if (r.nextBoolean()) {
      ArrayNode stops = body.putArray("stop_sequences");
      for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
        stops.add("STOP" + r.nextInt(100));
      }
    }
    int sampling = r.nextInt(3);
    if (sampling == 1) {
      body.put("temperature", r.nextInt(11) / 10.0);
    } else if (sampling == 2) {
      body.put("top_p", 0.5 + r.nextInt(6) / 10.0);
    }
    if (r.nextBoolean()) {
      body.put("top_k", 1 + r.nextInt(100));
    }
    switch (r.nextInt(4)) {
      case 1:
        body.putObject("thinking").put("type", "enabled").put("budget_tokens", 1024 + r.nextInt(4096));
        break;
      case 2:
        body.putObject("thinking").put("type", "disabled");
        break;
      case 3:
        body.putObject("thinking").put("type", "adaptive");
        break;
      default:
        break;
    }
    if (r.nextBoolean()) {
      body.putObject("metadata").put("user_id", "user-" + r.nextInt(1000));
    }
    if (r.nextInt(4) == 0) {
      body.put("service_tier", r.nextBoolean() ? "auto" : "standard_only");
    }
    // No "stream": whether the upstream streams is the call's choice (UpstreamStreaming), not the translation's.
    return body;
  }

  static ObjectNode userTurn(Random r, List<String> answering) {
    ArrayNode blocks = F.arrayNode();
    for (String id : answering) {
      ObjectNode result = blocks.addObject().put("type", "tool_result").put("tool_use_id", id);
      int shape = r.nextInt(4);
      if (shape == 1) {
        result.put("content", text(r));
      } else if (shape >= 2) {
        ArrayNode content = result.putArray("content");
        content.addObject().put("type", "text").put("text", text(r));
        if (shape == 3) {
          content.add(image(r));
        } else {
          // Two text blocks, or one with a breakpoint: the block form is kept.
          if (!cache(r, (ObjectNode) content.get(0))) {
            content.addObject().put("type", "text").put("text", text(r));
          }
        }
      }
      if (r.nextBoolean()) {
        result.put("is_error", true);
      }
      cache(r, result);
    }
    int others = answering.isEmpty() ? 1 + r.nextInt(3) : r.nextInt(3);
    for (int i = 0; i < others; i++) {
      switch (r.nextInt(5)) {
        case 1:
          blocks.add(image(r));
          break;
        case 2: {
          ObjectNode doc = blocks.addObject().put("type", "document");
          doc.putObject("source").put("type", "base64").put("media_type", "application/pdf").put("data", "JVBERi0x" + r.nextInt(1000));
          if (r.nextBoolean()) {
            doc.put("title", "doc" + r.nextInt(10) + ".pdf");
          }
          cache(r, doc);
          break;
        }
        case 3: {
          ObjectNode doc = blocks.addObject().put("type", "document");
          doc.putObject("source").put("type", "text").put("media_type", "text/plain").put("data", text(r));
          doc.putObject("citations").put("enabled", true);
          cache(r, doc);
          break;
        }
        default: {
          ObjectNode block = blocks.addObject().put("type", "text").put("text", text(r));
          cache(r, block);
        }
      }
    }
    return turn("user", blocks);
  }

  static ObjectNode assistantTurn(Random r, List<String> calls, int t) {
    ArrayNode blocks = F.arrayNode();
    if (r.nextBoolean()) {
      blocks.addObject().put("type", "thinking").put("thinking", text(r)).put("signature", "EqQB" + Long.toHexString(r.nextLong()));
    }
    if (r.nextInt(4) == 0) {
      blocks.addObject().put("type", "redacted_thinking").put("data", "EmwK" + Long.toHexString(r.nextLong()));
    }
    if (r.nextInt(4) == 0) {
      String id = "srvtoolu_" + t;
      blocks.addObject().put("type", "server_tool_use").put("id", id).put("name", "web_search").putObject("input").put("query", text(r));
      ObjectNode result = blocks.addObject().put("type", "web_search_tool_result").put("tool_use_id", id);
      result.putArray("content").addObject().put("type", "web_search_result").put("url", "https://w.test/" + t)
          .put("title", "W").put("encrypted_content", "abc");
    }
    if (r.nextBoolean() || blocks.isEmpty()) {
      ObjectNode block = blocks.addObject().put("type", "text").put("text", text(r));
      cache(r, block);
    }
    for (int i = 0, n = r.nextInt(3); i < n; i++) {
      String id = "toolu_" + t + "_" + i;
      ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", id).put("name", "tool_" + i);
      use.putObject("input").put("a", text(r));
      cache(r, use);
      calls.add(id);
    }
    return turn("assistant", blocks);
  }

  /** A message; one plain text block is written as a string, as the translator writes it. */
  static ObjectNode turn(String role, ArrayNode blocks) {
    ObjectNode m = F.objectNode().put("role", role);
    if (blocks.size() == 1 && "text".equals(blocks.get(0).path("type").asText()) && blocks.get(0).size() == 2) {
      m.put("content", blocks.get(0).path("text").asText());
    } else {
      m.set("content", blocks);
    }
    return m;
  }

  static ObjectNode image(Random r) {
    ObjectNode image = F.objectNode().put("type", "image");
    if (r.nextBoolean()) {
      String[] types = {"image/png", "image/jpeg", "image/gif", "image/webp"};
      image.putObject("source").put("type", "base64").put("media_type", types[r.nextInt(types.length)]).put("data", "iVBOR" + r.nextInt(1000));
    } else {
      image.putObject("source").put("type", "url").put("url", "https://img.test/" + r.nextInt(1000) + ".png");
    }
    cache(r, image);
    return image;
  }

  /** Adds a breakpoint one time in four; says whether it did. */
  static boolean cache(Random r, ObjectNode block) {
    if (r.nextInt(4) != 0) {
      return false;
    }
    ObjectNode cache = block.putObject("cache_control").put("type", "ephemeral");
    if (r.nextBoolean()) {
      cache.put("ttl", r.nextBoolean() ? "5m" : "1h");
    }
    return true;
  }

  static final String[] WORDS = {"alpha", "beta", "gamma", "δέλτα", "日本", "\"quoted\"", "new\nline", "tab\there", "emoji 🎉", "x"};

  static String text(Random r) {
    StringBuilder sb = new StringBuilder(WORDS[r.nextInt(WORDS.length)]);
    for (int i = 0, n = r.nextInt(5); i < n; i++) {
      sb.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  // --- reading a Messages API request into the canonical model -----------------------------------------------------

  static ChatRequest read(ObjectNode body) {
    List<ChatMessage> messages = new ArrayList<>();
    JsonNode system = body.path("system");
    if (system.isTextual()) {
      messages.add(ChatMessage.system(system.asText()));
    } else if (system.isArray()) {
      List<ContentPart> parts = new ArrayList<>();
      system.forEach(b -> parts.add(new ContentPart.Text(b.path("text").asText(), cache(b))));
      messages.add(new ChatMessage(Role.SYSTEM, parts, null, null, null));
    }
    for (JsonNode m : body.path("messages")) {
      boolean assistant = "assistant".equals(m.path("role").asText());
      JsonNode content = m.path("content");
      if (content.isTextual()) {
        messages.add(ChatMessage.of(assistant ? Role.ASSISTANT : Role.USER, content.asText()));
        continue;
      }
      List<ContentPart> parts = new ArrayList<>();
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode block : content) {
        String type = block.path("type").asText();
        if ("tool_result".equals(type)) {
          List<ContentPart> result = new ArrayList<>();
          JsonNode c = block.path("content");
          if (c.isTextual()) {
            result.add(new ContentPart.Text(c.asText()));
          } else {
            c.forEach(b -> result.add(part(b)));
          }
          messages.add(new ChatMessage(Role.TOOL, result, null, null, block.path("tool_use_id").asText(),
              block.path("is_error").asBoolean(), cache(block)));
        } else if ("tool_use".equals(type)) {
          calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(), block.path("input").toString(), cache(block)));
        } else if ("thinking".equals(type)) {
          parts.add(new ContentPart.Thinking(block.path("thinking").asText(), block.path("signature").asText()));
        } else if ("redacted_thinking".equals(type)) {
          parts.add(new ContentPart.RedactedThinking(block.path("data").asText()));
        } else {
          parts.add(part(block));
        }
      }
      if (!parts.isEmpty() || !calls.isEmpty()) {
        messages.add(new ChatMessage(assistant ? Role.ASSISTANT : Role.USER, parts, null, calls, null));
      }
    }
    List<ToolDefinition> tools = new ArrayList<>();
    for (JsonNode t : body.path("tools")) {
      tools.add(t.has("type") && !"custom".equals(t.path("type").asText()) ? ToolDefinition.raw(t)
          : new ToolDefinition(t.path("name").asText(), t.path("description").asText(null), t.path("input_schema"), false, cache(t), null));
    }
    ToolChoice choice = null;
    Boolean parallel = null;
    JsonNode tc = body.path("tool_choice");
    if (tc.isObject()) {
      switch (tc.path("type").asText()) {
        case "any": choice = ToolChoice.REQUIRED; break;
        case "tool": choice = ToolChoice.function(tc.path("name").asText()); break;
        case "none": choice = ToolChoice.NONE; break;
        default: choice = ToolChoice.AUTO; break;
      }
      if (tc.path("disable_parallel_tool_use").asBoolean()) {
        parallel = false;
      }
    }
    List<String> stops = new ArrayList<>();
    body.path("stop_sequences").forEach(s -> stops.add(s.asText()));
    Sampling sampling = new Sampling(body.has("temperature") ? body.path("temperature").asDouble() : null,
        body.has("top_p") ? body.path("top_p").asDouble() : null, body.path("max_tokens").asInt(), stops, null, null, null, null,
        null, null, null, body.path("service_tier").asText(null), body.has("top_k") ? body.path("top_k").asInt() : null);
    JsonNode thinking = body.path("thinking");
    ThinkingConfig config = thinking.isObject() ? new ThinkingConfig(thinking.path("type").asText(),
        thinking.has("budget_tokens") ? thinking.path("budget_tokens").asInt() : null) : null;
    return new ChatRequest(body.path("model").asText(), messages, sampling, tools, choice, parallel, null,
        body.path("metadata").path("user_id").asText(null), null, config);
  }

  /** A user or tool-result content block: the canonical part, or the block kept verbatim. */
  static ContentPart part(JsonNode block) {
    String type = block.path("type").asText();
    JsonNode source = block.path("source");
    if ("text".equals(type)) {
      return new ContentPart.Text(block.path("text").asText(), cache(block));
    }
    if ("image".equals(type) && "base64".equals(source.path("type").asText())) {
      return new ContentPart.Image("data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText(), null, cache(block));
    }
    if ("image".equals(type) && "url".equals(source.path("type").asText())) {
      return new ContentPart.Image(source.path("url").asText(), null, cache(block));
    }
    if ("document".equals(type) && "base64".equals(source.path("type").asText()) && !block.has("citations") && !block.has("context")) {
      return new ContentPart.File(null, block.path("title").asText(null),
          "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText(), cache(block));
    }
    return new ContentPart.Opaque(block.toString());
  }

  static CacheControl cache(JsonNode block) {
    JsonNode c = block.path("cache_control");
    return c.isObject() ? new CacheControl(c.path("type").asText(), c.path("ttl").asText(null)) : null;
  }
}
