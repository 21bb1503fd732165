package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool the model may use: a function (name, description, parameter schema), or a tool the canonical model does not
 * describe — an Anthropic server or built-in tool such as {@code {"type":"web_search_20250305",…}} — kept verbatim in
 * {@code rawJson}. The anthropic provider sends a raw tool as it is; other providers ignore it.
 *
 * @param parameters   the JSON Schema of its arguments (an object schema), or null
 * @param strict       whether the arguments must follow the schema exactly (OpenAI's {@code strict})
 * @param cacheControl a prompt-cache breakpoint on the tool, or null
 * @param rawJson      the whole tool definition for a tool that is not a function, else null
 */
public record ToolDefinition(String name, String description, JsonNode parameters, boolean strict, CacheControl cacheControl,
                             JsonNode rawJson) {

  public ToolDefinition(String name, String description, JsonNode parameters, boolean strict) {
    this(name, description, parameters, strict, null, null);
  }

  /** A server or built-in tool, sent verbatim by the providers that know it; its name is its {@code name}. */
  public static ToolDefinition raw(JsonNode tool) {
    return new ToolDefinition(tool.path("name").asText(null), null, null, false, null, tool);
  }

  /** Whether this is a function (not a raw tool only some providers understand). */
  @JsonIgnore
  public boolean isFunction() {
    return rawJson == null;
  }
}
