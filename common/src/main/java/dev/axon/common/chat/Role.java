package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Who speaks a message. {@code DEVELOPER} is OpenAI's newer name for system-level instructions. */
public enum Role {
  SYSTEM("system"),
  DEVELOPER("developer"),
  USER("user"),
  ASSISTANT("assistant"),
  TOOL("tool");

  private final String wire;

  Role(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** Instructions rather than dialogue. */
  public boolean isInstruction() {
    return this == SYSTEM || this == DEVELOPER;
  }

  /** The role with this wire name, or null when there is none. */
  @JsonCreator
  public static Role fromWire(String name) {
    if (name == null) {
      return null;
    }
    switch (name) {
      case "system": return SYSTEM;
      case "developer": return DEVELOPER;
      case "user": return USER;
      case "assistant": return ASSISTANT;
      case "tool": return TOOL;
      default: return null;
    }
  }
}
