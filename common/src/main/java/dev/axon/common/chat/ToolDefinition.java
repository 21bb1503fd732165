package dev.axon.common.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A function the model may call.
 *
 * @param parameters the JSON Schema of its arguments (an object schema), or null
 * @param strict     whether the arguments must follow the schema exactly (OpenAI's {@code strict})
 */
public record ToolDefinition(String name, String description, JsonNode parameters, boolean strict) {
}
