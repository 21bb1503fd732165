package dev.axon.common.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The shape the reply must have. For {@link Type#JSON_SCHEMA}, {@code name}, {@code schema} and {@code strict}
 * come from the client's {@code json_schema}.
 */
public record ResponseFormat(Type type, String name, JsonNode schema, boolean strict) {

  public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }

  public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, false);
  public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT, null, null, false);

  public boolean isJson() {
    return type != Type.TEXT;
  }
}
