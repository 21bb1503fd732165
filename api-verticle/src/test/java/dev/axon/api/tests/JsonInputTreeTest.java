package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.axon.api.http.JsonInput;
import dev.axon.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonInput#readTree} builds the tree Jackson's reader builds with duplicate keys refused, node for node (an
 * {@code IntNode} is not equal to a {@code LongNode} of the same value, so the node kinds are compared too), and fails
 * where it fails.
 */
class JsonInputTreeTest {

  private static final ObjectReader JACKSON = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  @Test
  void buildsTheTreeJacksonBuilds() throws Exception {
    String[] samples = {
        "{}", "[]", "{\"a\":1}", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}",
        "{\"n\":0,\"neg\":-1,\"int\":2147483647,\"over\":2147483648,\"long\":9223372036854775807,"
            + "\"big\":92233720368547758080,\"negbig\":-92233720368547758090,\"min\":-2147483648,\"below\":-2147483649}",
        "{\"f\":0.5,\"e\":1e3,\"E\":-2.5E-7,\"z\":0.0,\"negz\":-0.0,\"long\":1.00000000000000000000001,\"huge\":1e400,"
            + "\"tiny\":1e-400}",
        "{\"t\":true,\"f\":false,\"n\":null,\"nested\":{\"a\":[1,[2,[3,{}]],{\"b\":null}]}}",
        "{\"esc\":\"quote \\\" backslash \\\\ \\n\\t\\u0000 \\u00e9 \\ud83d\\ude42\",\"utf8\":\"é 🙂 中文\",\"\":\"empty name\"}",
        "{\"lone\":\"\\ud800\"}", "\"just a string\"", "42", "3.25", "true", "null", "[1,\"two\",3.0,{\"four\":[]}]",
        "{\"a\":1} trailing", "  {\"a\":{\"b\":{\"c\":{\"d\":[[[[]]]]}}}}  ",
    };
    for (String sample : samples) {
      assertSame(sample);
    }
  }

  @Test
  void agreesWithJacksonOnRandomDocuments() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 3_000; i++) {
      StringBuilder json = new StringBuilder();
      randomValue(random, json, 0);
      assertSame(json.toString());
    }
  }

  @Test
  void failsWhereJacksonFails() {
    String[] broken = {"{", "[1,2", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "{\"a\":tru}", "{'a':1}", "{\"a\":01}",
        "{\"a\":1,\"a\":2}", "{\"x\":{\"a\":1,\"b\":2,\"a\":3}}", "[{\"k\":1,\"k\":1}]", "{\"a\":NaN}", "\"unterminated",
        "[".repeat(201) + "]".repeat(201)};
    for (String sample : broken) {
      byte[] bytes = sample.getBytes(StandardCharsets.UTF_8);
      JsonProcessingException theirs = assertThrows(JsonProcessingException.class, () -> JACKSON.readTree(bytes), sample);
      JsonProcessingException ours = assertThrows(JsonProcessingException.class, () -> JsonInput.readTree(bytes), sample);
      assertEquals(JsonInput.duplicateField(theirs), JsonInput.duplicateField(ours), "duplicate named for " + sample);
    }
  }

  /** The scan that spares the tree walk never misses a lone surrogate the walk would find. */
  @Test
  void aBodyWithALoneSurrogateAlwaysShowsASurrogateEscape() throws Exception {
    String[] pieces = {"plain ", "\\ud83d\\ude42", "\\uD83D\\uDE42", "\\ud800", "\\uDBFF", "\\udc00", "\\uDFFF", "\\u00e9",
        "\\\\ud800", "\\\\", "\\n", "🙂", "é", "\\u0041"};
    SplittableRandom random = new SplittableRandom(5);
    int lone = 0;
    for (int i = 0; i < 5_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int p = random.nextInt(1, 5); p > 0; p--) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String json = "{\"k" + (random.nextBoolean() ? text : "") + "\":[\"" + text + "\"]}";
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      if (JsonInput.anyLoneSurrogate(JsonInput.readTree(bytes))) {
        lone++;
        assertTrue(JsonInput.hasSurrogateEscape(bytes), json);
      }
    }
    assertTrue(lone > 500, "lone surrogates generated: " + lone);
    assertFalse(JsonInput.hasSurrogateEscape("{\"a\":\"\\u00e9 🙂 \\n\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(JsonInput.hasSurrogateEscape("{\"a\":\"\\ud83d\\ude42\"}".getBytes(StandardCharsets.UTF_8)), "a pair is an escape too");
  }

  @Test
  void anEmptyBodyIsNoTree() throws Exception {
    assertNull(JsonInput.readTree(new byte[0]));
    assertNull(JsonInput.readTree("   ".getBytes(StandardCharsets.UTF_8)));
  }

  private static void assertSame(String json) throws Exception {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    JsonNode expected = JACKSON.readTree(bytes);
    JsonNode actual = JsonInput.readTree(bytes);
    assertEquals(kinds(expected), kinds(actual), json);
    assertEquals(expected, actual, json);
  }

  /** The tree with each node's class beside it: equal trees of different node kinds differ here. */
  private static String kinds(JsonNode node) {
    StringBuilder out = new StringBuilder();
    kinds(node, out);
    return out.toString();
  }

  private static void kinds(JsonNode node, StringBuilder out) {
    out.append(node.getClass().getSimpleName()).append('(');
    if (node.isContainerNode()) {
      node.fields().forEachRemaining(e -> {
        out.append(e.getKey()).append('=');
        kinds(e.getValue(), out);
      });
      if (node.isArray()) {
        node.elements().forEachRemaining(e -> kinds(e, out));
      }
    } else {
      out.append(node.asText());
    }
    out.append(')');
  }

  private static void randomValue(SplittableRandom random, StringBuilder out, int depth) {
    int kind = random.nextInt(depth > 4 ? 6 : 8);
    switch (kind) {
      case 0 -> out.append(random.nextInt(-1000, 1000));
      case 1 -> out.append(random.nextLong() >> random.nextInt(64));
      case 2 -> out.append(random.nextBoolean() ? "1" : "-").append(random.nextLong(1, Long.MAX_VALUE)).append(random.nextInt(0, 1000));
      case 3 -> out.append(random.nextDouble() * Math.pow(10, random.nextInt(-30, 30)));
      case 4 -> out.append('"').append(randomText(random)).append('"');
      case 5 -> out.append(random.nextInt(3) == 0 ? "null" : random.nextBoolean() ? "true" : "false");
      case 6 -> {
        out.append('[');
        for (int i = random.nextInt(4); i > 0; i--) {
          randomValue(random, out, depth + 1);
          out.append(i > 1 ? "," : "");
        }
        out.append(']');
      }
      default -> {
        out.append('{');
        int fields = random.nextInt(5);
        for (int i = 0; i < fields; i++) {
          // Distinct names: a repeated one is the failure tested on its own.
          out.append('"').append(randomText(random)).append(i).append("\":");
          randomValue(random, out, depth + 1);
          out.append(i < fields - 1 ? "," : "");
        }
        out.append('}');
      }
    }
  }

  private static String randomText(SplittableRandom random) {
    String[] pieces = {"a", "B", " ", "é", "🙂", "\\n", "\\\"", "\\\\", "\\u0041", "\\ud83d\\ude42", "中", "\\/"};
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(6); i > 0; i--) {
      s.append(pieces[random.nextInt(pieces.length)]);
    }
    return s.toString();
  }
}
