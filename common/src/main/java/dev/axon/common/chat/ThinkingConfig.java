package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Extended thinking as the client asked for it explicitly (Anthropic's {@code thinking}); it wins over any mapping of
 * {@code reasoning_effort}.
 *
 * @param type         {@link #ENABLED} (with a budget), {@link #DISABLED} or {@link #ADAPTIVE}
 * @param budgetTokens the thinking budget for {@code enabled}, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ThinkingConfig(String type, Integer budgetTokens) {

  public static final String ENABLED = "enabled";
  public static final String DISABLED = "disabled";
  public static final String ADAPTIVE = "adaptive";

  public static ThinkingConfig enabled(int budgetTokens) {
    return new ThinkingConfig(ENABLED, budgetTokens);
  }

  public static ThinkingConfig disabled() {
    return new ThinkingConfig(DISABLED, null);
  }

  public static ThinkingConfig adaptive() {
    return new ThinkingConfig(ADAPTIVE, null);
  }

  /** Whether the model thinks before it answers ({@code enabled} or {@code adaptive}). */
  public boolean on() {
    return ENABLED.equals(type) || ADAPTIVE.equals(type);
  }
}
