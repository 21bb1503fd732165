package dev.axon.pool.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON Schemas in the subset Anthropic's constrained decoding accepts (structured outputs and strict tools): every
 * object closed ({@code additionalProperties: false}), {@code oneOf} read as {@code anyOf}, and the keywords it does
 * not support removed (numeric and length bounds, {@code minItems} above 1, {@code maxItems}, property counts) —
 * as Anthropic's own SDKs do. What is removed is not enforced; everything else is guaranteed.
 */
public final class AnthropicSchemas {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> UNSUPPORTED = List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
      "multipleOf", "minLength", "maxLength", "maxItems", "minProperties", "maxProperties", "$schema");
  private static final int MAX_DEPTH = 64;

  private AnthropicSchemas() {
  }

  /** A normalised copy; a missing schema is an empty object schema. */
  public static ObjectNode constrained(JsonNode schema) {
    if (schema == null || !schema.isObject()) {
      ObjectNode empty = F.objectNode();
      empty.put("type", "object");
      empty.set("properties", F.objectNode());
      empty.put("additionalProperties", false);
      return empty;
    }
    ObjectNode copy = ((ObjectNode) schema).deepCopy();
    normalise(copy, 0);
    return copy;
  }

  /** The schema as a tool's {@code input_schema}: an object schema, empty when none was given; otherwise as sent. */
  public static ObjectNode inputSchema(JsonNode parameters) {
    if (parameters == null || !parameters.isObject()) {
      ObjectNode empty = F.objectNode();
      empty.put("type", "object");
      empty.set("properties", F.objectNode());
      return empty;
    }
    ObjectNode copy = ((ObjectNode) parameters).deepCopy();
    if (!copy.has("type")) {
      copy.put("type", "object");
    }
    return copy;
  }

  /** Whether a schema describes a JSON object at its root (a tool's input must be one). */
  public static boolean isObjectSchema(JsonNode schema) {
    return schema != null && schema.isObject() && isObject((ObjectNode) schema);
  }

  private static void normalise(ObjectNode node, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    UNSUPPORTED.forEach(node::remove);
    JsonNode minItems = node.get("minItems");
    if (minItems != null && (!minItems.isIntegralNumber() || minItems.asInt() > 1)) {
      node.remove("minItems");
    }
    if (node.has("oneOf") && !node.has("anyOf")) {
      node.set("anyOf", node.remove("oneOf"));
    }
    if (isObject(node)) {
      node.put("additionalProperties", false);
    }
    eachObject(node.get("properties"), child -> normalise(child, depth + 1));
    eachObject(node.get("$defs"), child -> normalise(child, depth + 1));
    eachObject(node.get("definitions"), child -> normalise(child, depth + 1));
    JsonNode items = node.get("items");
    if (items instanceof ObjectNode o) {
      normalise(o, depth + 1);
    } else if (items instanceof ArrayNode a) {
      eachElement(a, child -> normalise(child, depth + 1));
    }
    for (String list : new String[] {"anyOf", "allOf", "prefixItems"}) {
      if (node.get(list) instanceof ArrayNode a) {
        eachElement(a, child -> normalise(child, depth + 1));
      }
    }
  }

  private static boolean isObject(ObjectNode node) {
    JsonNode type = node.get("type");
    if (type != null && type.isTextual()) {
      return "object".equals(type.asText());
    }
    if (type != null && type.isArray()) {
      for (JsonNode t : type) {
        if ("object".equals(t.asText())) {
          return true;
        }
      }
      return false;
    }
    return node.has("properties");
  }

  private static void eachObject(JsonNode container, java.util.function.Consumer<ObjectNode> action) {
    if (container instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        if (it.next().getValue() instanceof ObjectNode child) {
          action.accept(child);
        }
      }
    }
  }

  private static void eachElement(ArrayNode array, java.util.function.Consumer<ObjectNode> action) {
    for (JsonNode element : array) {
      if (element instanceof ObjectNode child) {
        action.accept(child);
      }
    }
  }
}
