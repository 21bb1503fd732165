package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One message of a conversation in the canonical, dialect-neutral form.
 *
 * @param role       who speaks
 * @param content    the typed parts; empty for an assistant message that only calls tools
 * @param name       an optional participant name
 * @param toolCalls  the assistant's tool calls, empty otherwise
 * @param toolCallId   for a {@link Role#TOOL} message, the call it answers
 * @param toolError    for a {@link Role#TOOL} message, whether the result reports a failure (Anthropic's
 *                     {@code is_error: true}); its content parts (text, images, …) are the result
 * @param cacheControl for a {@link Role#TOOL} message, a prompt-cache breakpoint on the whole result block; null
 *                     when none. Other messages carry breakpoints on their parts.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ChatMessage(
    Role role,
    List<ContentPart> content,
    String name,
    List<ToolCall> toolCalls,
    String toolCallId,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean toolError,
    CacheControl cacheControl) {

  public ChatMessage {
    content = content == null ? List.of() : List.copyOf(content);
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public ChatMessage(Role role, List<ContentPart> content, String name, List<ToolCall> toolCalls, String toolCallId) {
    this(role, content, name, toolCalls, toolCallId, false, null);
  }

  public ChatMessage(Role role, List<ContentPart> content, String name, List<ToolCall> toolCalls, String toolCallId,
                     boolean toolError) {
    this(role, content, name, toolCalls, toolCallId, toolError, null);
  }

  /** A tool's result for call {@code toolCallId}: its parts, and whether it reports a failure. */
  public static ChatMessage toolResult(String toolCallId, List<ContentPart> content, boolean error) {
    return new ChatMessage(Role.TOOL, content, null, null, toolCallId, error, null);
  }

  public static ChatMessage of(Role role, String text) {
    return new ChatMessage(role, List.of(new ContentPart.Text(text)), null, null, null);
  }

  public static ChatMessage user(String text) {
    return of(Role.USER, text);
  }

  public static ChatMessage system(String text) {
    return of(Role.SYSTEM, text);
  }

  public static ChatMessage assistant(String text) {
    return of(Role.ASSISTANT, text);
  }

  /** The text parts joined, without separators; empty when there are none. */
  @JsonIgnore
  public String text() {
    if (content.size() == 1 && content.get(0) instanceof ContentPart.Text t) {
      return t.text();
    }
    StringBuilder sb = new StringBuilder();
    for (ContentPart part : content) {
      if (part instanceof ContentPart.Text t) {
        sb.append(t.text());
      }
    }
    return sb.toString();
  }

  /** Whether every part is text (so the message can be rendered as a plain string). */
  @JsonIgnore
  public boolean isTextOnly() {
    for (ContentPart part : content) {
      if (!(part instanceof ContentPart.Text)) {
        return false;
      }
    }
    return true;
  }
}
