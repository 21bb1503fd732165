package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One chat turn in canonical form: the whole conversation so far plus the parameters. This is what a session
 * receives; it never depends on which dialect the client spoke.
 *
 * @param model             the served model id after alias mapping (e.g. {@code claude-sonnet-4-6})
 * @param messages          the whole conversation, history first
 * @param tools             functions the model may call, empty when none
 * @param toolChoice        null means the provider's default ({@code auto} when tools are given)
 * @param parallelToolCalls null means the provider's default
 * @param user              the client's end-user id, or null
 * @param thinking          extended thinking as the client asked for it explicitly, or null (then a provider may
 *                          derive it from {@link Sampling#reasoningEffort()})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatRequest(
    String model,
    List<ChatMessage> messages,
    Sampling sampling,
    List<ToolDefinition> tools,
    ToolChoice toolChoice,
    Boolean parallelToolCalls,
    ResponseFormat responseFormat,
    String user,
    Map<String, String> metadata,
    ThinkingConfig thinking) {

  public ChatRequest {
    messages = List.copyOf(messages);
    sampling = sampling == null ? Sampling.DEFAULTS : sampling;
    tools = tools == null ? List.of() : List.copyOf(tools);
    responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  public ChatRequest(String model, List<ChatMessage> messages, Sampling sampling, List<ToolDefinition> tools,
                     ToolChoice toolChoice, Boolean parallelToolCalls, ResponseFormat responseFormat, String user,
                     Map<String, String> metadata) {
    this(model, messages, sampling, tools, toolChoice, parallelToolCalls, responseFormat, user, metadata, null);
  }

  public ChatRequest withMessages(List<ChatMessage> newMessages) {
    return new ChatRequest(model, newMessages, sampling, tools, toolChoice, parallelToolCalls, responseFormat, user, metadata, thinking);
  }

  public ChatRequest withModel(String newModel) {
    return new ChatRequest(newModel, messages, sampling, tools, toolChoice, parallelToolCalls, responseFormat, user, metadata, thinking);
  }

  public ChatRequest withThinking(ThinkingConfig newThinking) {
    return new ChatRequest(model, messages, sampling, tools, toolChoice, parallelToolCalls, responseFormat, user, metadata, newThinking);
  }

  /** The tools that are functions (not raw server or built-in tools, which only some providers understand). */
  public List<ToolDefinition> functionTools() {
    for (ToolDefinition t : tools) {
      if (!t.isFunction()) {
        return tools.stream().filter(ToolDefinition::isFunction).toList();
      }
    }
    return tools;
  }

  /** Whether the model may call tools in this turn. */
  public boolean toolsEnabled() {
    return !tools.isEmpty() && (toolChoice == null || toolChoice.mode() != ToolChoice.Mode.NONE);
  }
}
