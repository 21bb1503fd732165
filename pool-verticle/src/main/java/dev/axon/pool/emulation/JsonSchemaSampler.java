package dev.axon.pool.emulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds a JSON value that satisfies a JSON Schema: every property of an object (required or not, as strict
 * structured outputs demand), one item per array, the first of an enum, {@code const}, the first branch of
 * {@code anyOf}/{@code oneOf}, {@code allOf} merged, local {@code $ref}s followed. Deep inside the value it
 * takes the smallest choice the schema allows (required properties only, null when allowed, {@code minItems}
 * items), so recursive schemas end in a valid value. Strings come from a caller-supplied function of the
 * property name, so a mock can put meaningful text in them.
 */
public final class JsonSchemaSampler {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 12;
  /**
   * From this depth on the value is kept as small as the schema allows (no optional property, the null branch
   * of a nullable value, only {@code minItems} items), so that recursive schemas end in a valid value.
   */
  private static final int DEEP = MAX_DEPTH / 2;

  private final JsonNode root;
  private final Function<String, String> text;

  private JsonSchemaSampler(JsonNode root, Function<String, String> text) {
    this.root = root;
    this.text = text;
  }

  public static JsonNode sample(JsonNode schema, Function<String, String> text) {
    return new JsonSchemaSampler(schema, text).value(schema, "value", 0);
  }

  private JsonNode value(JsonNode schema, String name, int depth) {
    if (schema == null || !schema.isObject() || depth > MAX_DEPTH) {
      return F.textNode(text.apply(name));
    }
    if (schema.has("$ref")) {
      return value(resolve(schema.get("$ref").asText()), name, depth + 1);
    }
    if (schema.has("const")) {
      return schema.get("const");
    }
    if (schema.has("enum") && schema.get("enum").size() > 0) {
      return schema.get("enum").get(0);
    }
    boolean deep = depth >= DEEP;
    for (String combinator : new String[] {"anyOf", "oneOf"}) {
      if (schema.has(combinator) && schema.get(combinator).size() > 0) {
        JsonNode branches = schema.get(combinator);
        if (deep && hasNullBranch(branches)) {
          return F.nullNode();
        }
        return value(firstNonNull(branches), name, depth + 1);
      }
    }
    if (schema.has("allOf")) {
      ObjectNode merged = F.objectNode();
      for (JsonNode part : schema.get("allOf")) {
        JsonNode v = value(part, name, depth + 1);
        if (v.isObject()) {
          merged.setAll((ObjectNode) v);
        }
      }
      return merged;
    }
    String type = deep && allowsNull(schema) ? "null" : typeOf(schema);
    switch (type) {
      case "object": {
        ObjectNode out = F.objectNode();
        JsonNode props = schema.get("properties");
        if (props != null) {
          Iterator<Map.Entry<String, JsonNode>> it = props.fields();
          while (it.hasNext()) {
            Map.Entry<String, JsonNode> p = it.next();
            if (deep && !isRequired(schema, p.getKey())) {
              continue;
            }
            out.set(p.getKey(), value(p.getValue(), p.getKey(), depth + 1));
          }
        }
        return out;
      }
      case "array": {
        ArrayNode out = F.arrayNode();
        int min = Math.min(schema.path("minItems").asInt(0), 5);
        int count = deep ? min : Math.max(1, min);
        for (int i = 0; i < count; i++) {
          out.add(value(schema.get("items"), name, depth + 1));
        }
        return out;
      }
      case "integer":
        return F.numberNode(schema.has("minimum") ? (long) Math.ceil(schema.get("minimum").asDouble()) : 1);
      case "number":
        return F.numberNode(schema.has("minimum") ? schema.get("minimum").asDouble() : 1.5);
      case "boolean":
        return F.booleanNode(true);
      case "null":
        return F.nullNode();
      default:
        return F.textNode(text.apply(name));
    }
  }

  private static String typeOf(JsonNode schema) {
    JsonNode type = schema.get("type");
    if (type == null) {
      return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
    }
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (!"null".equals(t.asText())) {
          return t.asText();
        }
      }
      return "null";
    }
    return type.asText();
  }

  private static boolean hasNullBranch(JsonNode branches) {
    for (JsonNode b : branches) {
      if ("null".equals(b.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean allowsNull(JsonNode schema) {
    JsonNode type = schema.get("type");
    if (type != null && type.isArray()) {
      for (JsonNode t : type) {
        if ("null".equals(t.asText())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isRequired(JsonNode objectSchema, String property) {
    for (JsonNode r : objectSchema.path("required")) {
      if (property.equals(r.asText())) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode firstNonNull(JsonNode branches) {
    for (JsonNode b : branches) {
      if (!"null".equals(b.path("type").asText())) {
        return b;
      }
    }
    return branches.get(0);
  }

  private JsonNode resolve(String ref) {
    if (!ref.startsWith("#")) {
      return null;
    }
    JsonNode node = root.at(ref.substring(1));
    return node.isMissingNode() ? null : node;
  }
}
