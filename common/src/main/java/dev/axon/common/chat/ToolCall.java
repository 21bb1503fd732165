package dev.axon.common.chat;

/**
 * A function call the assistant made: its id, the function's name and the arguments as a JSON string.
 *
 * @param cacheControl a prompt-cache breakpoint on the call's block ({@code tool_use}), or null
 */
public record ToolCall(String id, String name, String arguments, CacheControl cacheControl) {

  public ToolCall(String id, String name, String arguments) {
    this(id, name, arguments, null);
  }
}
