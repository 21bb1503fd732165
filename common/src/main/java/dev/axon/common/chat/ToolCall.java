package dev.axon.common.chat;

/** A function call the assistant made: its id, the function's name and the arguments as a JSON string. */
public record ToolCall(String id, String name, String arguments) {
}
