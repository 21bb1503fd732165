package dev.axon.api.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.common.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** Checks on request bodies that every dialect's parser makes before reading fields. Stateless. */
public final class JsonInput {

  private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

  private JsonInput() {
  }

  /**
   * Reads a request body into a tree, as {@code ObjectReader.readTree} with {@code FAIL_ON_READING_DUP_TREE_KEY} builds
   * it (the same node for each value: int, long or big integer by size, double for fractions), refusing an object that
   * names a field twice (a {@link JsonProcessingException} {@link #duplicateField} recognises). Null for an empty body;
   * what follows the first value is not read. Built here from the parser's tokens: the reader's lookups of its tree
   * deserializer per call were 1.6 % of the mock path's user time, besides a deserialization context per call.
   */
  public static JsonNode readTree(byte[] bytes) throws IOException {
    // The shared mapper's parser: its features and limits (a nesting depth of 200) apply.
    try (JsonParser parser = Json.MAPPER.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      return first == null ? null : value(parser, first);
    }
  }

  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT:
        ObjectNode object = NODES.objectNode();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
          if (object.replace(name, value(parser, parser.nextToken())) != null) {
            throw new JsonParseException(parser, "Duplicate field '" + name + "' for `ObjectNode`: not allowed in a request");
          }
        }
        return object;
      case START_ARRAY:
        ArrayNode array = NODES.arrayNode();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          array.add(value(parser, next));
        }
        return array;
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        return switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new JsonParseException(parser, "Unexpected token " + token);
    }
  }

  /** Strict UTF-8: no overlong forms, no encoded surrogates, nothing past U+10FFFF (the JSON parser is lenient there). */
  public static boolean isUtf8(byte[] bytes) {
    int i = 0;
    while (i < bytes.length && bytes[i] >= 0) {
      i++;
    }
    if (i == bytes.length) {
      return true;
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, i, bytes.length - i));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * Whether the body holds an escape (a backslash, {@code u}, four hex digits) of a UTF-16 surrogate, U+D800 to
   * U+DFFF. From a body that is strict UTF-8 ({@link #isUtf8}), that escape is the only way a string can come to hold
   * an unpaired surrogate, so a body without one needs no walk of its tree ({@link #anyLoneSurrogate}, 0.5 % of the
   * mock path's CPU). An escaped backslash before a {@code u} and hex digits counts too: the walk then finds nothing.
   */
  public static boolean hasSurrogateEscape(byte[] bytes) {
    for (int i = 0; i < bytes.length - 3; i++) {
      if (bytes[i] == '\\' && bytes[i + 1] == 'u' && (bytes[i + 2] | 0x20) == 'd') {
        byte b = bytes[i + 3];
        if (b == '8' || b == '9' || (b | 0x20) >= 'a' && (b | 0x20) <= 'f') {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Where the tree holds a string (or a field name) with an unpaired UTF-16 surrogate — legal as a JSON escape, but
   * not valid Unicode, so it could not be stored or relayed faithfully — as a dotted path ({@code ""} for the root,
   * {@code "<name>"} for a field name); null when there is none.
   */
  public static String loneSurrogate(JsonNode node) {
    // Paths are built only for the tree that has one: a pass building them for every field was most of the check.
    return anyLoneSurrogate(node) ? loneSurrogate(node, "") : null;
  }

  /** Whether any string or field name of the tree holds an unpaired UTF-16 surrogate. */
  public static boolean anyLoneSurrogate(JsonNode node) {
    if (node.isTextual()) {
      return hasLoneSurrogate(node.textValue());
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        if (anyLoneSurrogate(node.get(i))) {
          return true;
        }
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (hasLoneSurrogate(e.getKey()) || anyLoneSurrogate(e.getValue())) {
          return true;
        }
      }
    }
    return false;
  }

  private static String loneSurrogate(JsonNode node, String path) {
    if (node.isTextual()) {
      return hasLoneSurrogate(node.textValue()) ? path : null;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = loneSurrogate(node.get(i), path.isEmpty() ? Integer.toString(i) : path + "." + i);
        if (found != null) {
          return found;
        }
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (hasLoneSurrogate(e.getKey())) {
          return "<name>";
        }
        String name = e.getKey().length() > 64 ? e.getKey().substring(0, 64) + "…" : e.getKey();
        String found = loneSurrogate(e.getValue(), path.isEmpty() ? name : path + "." + name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** {@code Duplicate field 'name'} when the body names a field twice in one object, else null. */
  public static String duplicateField(JsonProcessingException e) {
    String why = e.getOriginalMessage();
    if (why == null || !why.startsWith("Duplicate field")) {
      return null;
    }
    int detail = why.indexOf(" for `");
    return detail > 0 ? why.substring(0, detail) : why;
  }

  public static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
