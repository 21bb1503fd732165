package dev.axon.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.axon.common.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** Checks on request bodies that every dialect's parser makes before reading fields. Stateless. */
public final class JsonInput {

  /**
   * Reads a request body into a tree, refusing an object that names a field twice. The tree builder finds the
   * duplicate as it inserts the field (no cost); the parser's own duplicate detection kept a set of names per object
   * beside the tree, 0.5 % of a request's CPU.
   */
  public static final ObjectReader TREE_READER = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private JsonInput() {
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
