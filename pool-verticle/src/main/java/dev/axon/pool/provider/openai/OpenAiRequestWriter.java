package dev.axon.pool.provider.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import java.util.List;
import java.util.Map;

/**
 * Writes a canonical chat request as an OpenAI {@code CreateChatCompletionRequest} for an OpenAI-compatible
 * upstream: every parameter the client gave is passed on ({@code temperature}, {@code top_p}, the token cap,
 * {@code stop}, {@code seed}, penalties, {@code logit_bias}, {@code logprobs}/{@code top_logprobs},
 * {@code reasoning_effort}, {@code service_tier}, tools, {@code tool_choice}, {@code parallel_tool_calls},
 * {@code response_format}, {@code user}, {@code metadata}); the model is mapped to the upstream's id; Axon's own
 * fields ({@code conversation_id}, and {@code store}, which is Axon's) are not sent; {@code n} is always 1 (Axon runs
 * {@code n} turns); the upstream is asked to stream with usage. What only Anthropic understands is left out: thinking
 * and redacted thinking blocks, blocks kept verbatim, server tools, {@code cache_control}, {@code top_k} and the
 * {@code thinking} configuration.
 *
 * <p>Stateless and thread-safe.
 */
public final class OpenAiRequestWriter {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final OpenAiOptions options;

  public OpenAiRequestWriter(OpenAiOptions options) {
    this.options = options;
  }

  /** The upstream's request body; {@code stream}: whether to ask for a stream (with usage, when configured). */
  public ObjectNode write(ChatRequest request, boolean stream) {
    ObjectNode body = F.objectNode();
    body.put("model", options.upstreamModel(request.model()));
    ArrayNode messages = body.putArray("messages");
    request.messages().forEach(m -> messages.add(message(m)));
    Sampling s = request.sampling();
    if (s.temperature() != null) {
      body.put("temperature", s.temperature());
    }
    if (s.topP() != null) {
      body.put("top_p", s.topP());
    }
    if (s.maxTokens() != null) {
      body.put(options.maxTokensField(), s.maxTokens());
    }
    if (!s.stop().isEmpty()) {
      ArrayNode stop = body.putArray("stop");
      s.stop().forEach(stop::add);
    }
    if (s.seed() != null) {
      body.put("seed", s.seed());
    }
    if (s.presencePenalty() != null) {
      body.put("presence_penalty", s.presencePenalty());
    }
    if (s.frequencyPenalty() != null) {
      body.put("frequency_penalty", s.frequencyPenalty());
    }
    if (s.logitBias() != null && !s.logitBias().isEmpty()) {
      ObjectNode bias = body.putObject("logit_bias");
      s.logitBias().forEach(bias::put);
    }
    if (s.logprobs() != null) {
      body.put("logprobs", s.logprobs());
    }
    if (s.topLogprobs() != null) {
      body.put("top_logprobs", s.topLogprobs());
    }
    if (s.reasoningEffort() != null) {
      body.put("reasoning_effort", s.reasoningEffort());
    }
    if (s.serviceTier() != null) {
      body.put("service_tier", s.serviceTier());
    }
    List<ToolDefinition> functions = request.functionTools();
    if (!functions.isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolDefinition d : functions) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", d.name());
        if (d.description() != null) {
          fn.put("description", d.description());
        }
        if (d.parameters() != null) {
          fn.set("parameters", d.parameters());
        }
        if (d.strict()) {
          fn.put("strict", true);
        }
      }
      if (request.toolChoice() != null) {
        ToolChoice c = request.toolChoice();
        switch (c.mode()) {
          case NONE: body.put("tool_choice", "none"); break;
          case REQUIRED: body.put("tool_choice", "required"); break;
          case FUNCTION:
            body.putObject("tool_choice").put("type", "function").putObject("function").put("name", c.functionName());
            break;
          default: body.put("tool_choice", "auto"); break;
        }
      }
      if (request.parallelToolCalls() != null) {
        body.put("parallel_tool_calls", request.parallelToolCalls());
      }
    }
    ResponseFormat format = request.responseFormat();
    if (format.type() == ResponseFormat.Type.JSON_OBJECT) {
      body.putObject("response_format").put("type", "json_object");
    } else if (format.type() == ResponseFormat.Type.JSON_SCHEMA) {
      ObjectNode rf = body.putObject("response_format").put("type", "json_schema");
      ObjectNode js = rf.putObject("json_schema").put("name", format.name());
      if (format.schema() != null) {
        js.set("schema", format.schema());
      }
      js.put("strict", format.strict());
    }
    if (request.user() != null) {
      body.put("user", request.user());
    }
    if (!request.metadata().isEmpty()) {
      ObjectNode md = body.putObject("metadata");
      for (Map.Entry<String, String> e : request.metadata().entrySet()) {
        md.put(e.getKey(), e.getValue());
      }
    }
    body.put("stream", stream);
    if (stream && options.streamUsage()) {
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  private ObjectNode message(ChatMessage m) {
    ObjectNode out = F.objectNode();
    String role = m.role() == Role.DEVELOPER ? options.developerRole() : m.role().wire();
    out.put("role", role);
    List<ContentPart> content = m.content().stream().filter(ContentPart::portable).toList();
    if (content.isEmpty()) {
      if (m.role() == Role.ASSISTANT) {
        out.putNull("content");
      } else {
        out.put("content", "");
      }
    } else if (content.stream().allMatch(p -> p instanceof ContentPart.Text)) {
      out.put("content", m.text());
    } else {
      ArrayNode parts = out.putArray("content");
      for (ContentPart part : content) {
        ObjectNode p = parts.addObject();
        if (part instanceof ContentPart.Text t) {
          p.put("type", "text").put("text", t.text());
        } else if (part instanceof ContentPart.Image i) {
          ObjectNode url = p.put("type", "image_url").putObject("image_url").put("url", i.url());
          if (i.detail() != null) {
            url.put("detail", i.detail());
          }
        } else if (part instanceof ContentPart.Audio a) {
          ObjectNode audio = p.put("type", "input_audio").putObject("input_audio");
          audio.put("data", a.data());
          audio.put("format", a.format());
        } else if (part instanceof ContentPart.File f) {
          ObjectNode file = p.put("type", "file").putObject("file");
          if (f.fileId() != null) {
            file.put("file_id", f.fileId());
          }
          if (f.filename() != null) {
            file.put("filename", f.filename());
          }
          if (f.data() != null) {
            file.put("file_data", f.data());
          }
        }
      }
    }
    if (m.name() != null && m.role() != Role.TOOL) {
      out.put("name", m.name());
    }
    if (!m.toolCalls().isEmpty()) {
      ArrayNode calls = out.putArray("tool_calls");
      for (ToolCall call : m.toolCalls()) {
        ObjectNode c = calls.addObject().put("id", call.id()).put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
      }
    }
    if (m.toolCallId() != null) {
      out.put("tool_call_id", m.toolCallId());
    }
    return out;
  }
}
