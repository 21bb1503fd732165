package dev.axon.pool.tests;

import static dev.axon.pool.tests.SchemaCheck.assertValid;
import static dev.axon.pool.tests.SchemaCheck.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.pool.emulation.JsonSchemaSampler;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The JSON value the sampler builds for a schema: the value each keyword asks for, and valid as a whole. */
class JsonSchemaSamplerTest {

  static JsonNode sample(JsonNode schema) {
    JsonNode value = JsonSchemaSampler.sample(schema, name -> "<" + name + ">");
    assertValid(schema, value);
    return value;
  }

  static Set<String> fields(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void objectHasEveryPropertyRequiredOrNotAndStringsComeFromThePropertyName() {
    JsonNode s = schema("""
        {"type":"object","additionalProperties":false,"required":["title"],
         "properties":{"title":{"type":"string"},"draft":{"type":"boolean"},"score":{"type":"number"},
                       "count":{"type":"integer"},"nothing":{"type":"null"}}}""");
    JsonNode v = sample(s);
    assertEquals(Set.of("title", "draft", "score", "count", "nothing"), fields(v));
    assertEquals("<title>", v.get("title").asText());
    assertTrue(v.get("draft").isBoolean());
    assertTrue(v.get("score").isNumber());
    assertTrue(v.get("count").isIntegralNumber());
    assertTrue(v.get("nothing").isNull());
  }

  @Test
  void localRefsIntoDefsAreFollowed() {
    JsonNode s = schema("""
        {"type":"object",
         "$defs":{"address":{"type":"object","required":["street","zip"],
                             "properties":{"street":{"type":"string"},"zip":{"type":"integer","minimum":1000}}}},
         "properties":{"home":{"$ref":"#/$defs/address"},"work":{"$ref":"#/$defs/address"}}}""");
    JsonNode v = sample(s);
    for (String place : List.of("home", "work")) {
      assertEquals(Set.of("street", "zip"), fields(v.get(place)));
      assertEquals("<street>", v.get(place).get("street").asText());
      assertEquals(1000, v.get(place).get("zip").asInt());
    }
  }

  @Test
  void anyOfWithNullTakesTheNonNullBranchWhereverNullIsListed() {
    JsonNode s = schema("""
        {"type":"object","properties":{
           "nullFirst":{"anyOf":[{"type":"null"},{"type":"integer","minimum":3}]},
           "nullLast":{"anyOf":[{"type":"string"},{"type":"null"}]},
           "oneOf":{"oneOf":[{"type":"null"},{"type":"boolean"}]},
           "typeList":{"type":["null","integer"]}}}""");
    JsonNode v = sample(s);
    assertEquals(3, v.get("nullFirst").asInt());
    assertTrue(v.get("nullFirst").isIntegralNumber());
    assertEquals("<nullLast>", v.get("nullLast").asText());
    assertTrue(v.get("oneOf").isBoolean());
    assertTrue(v.get("typeList").isIntegralNumber());
  }

  @Test
  void allOfMergesTheObjectsOfEveryPart() {
    JsonNode s = schema("""
        {"$defs":{"named":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}},
         "allOf":[{"$ref":"#/$defs/named"},
                  {"type":"object","properties":{"age":{"type":"integer","minimum":18}},"required":["age"]}]}""");
    JsonNode v = sample(s);
    assertEquals(Set.of("name", "age"), fields(v));
    assertEquals("<name>", v.get("name").asText());
    assertEquals(18, v.get("age").asInt());
  }

  @Test
  void constAndEnumGiveTheirValueWithItsType() {
    JsonNode s = schema("""
        {"type":"object","properties":{"kind":{"const":"circle"},"version":{"const":2},"on":{"const":false},
                                       "color":{"type":"string","enum":["red","green"]},"level":{"enum":[3,5]}}}""");
    JsonNode v = sample(s);
    assertEquals("circle", v.get("kind").asText());
    assertTrue(v.get("version").isIntegralNumber());
    assertEquals(2, v.get("version").asInt());
    assertTrue(v.get("on").isBoolean());
    assertEquals(false, v.get("on").asBoolean());
    assertEquals("red", v.get("color").asText());
    assertEquals(3, v.get("level").asInt());
  }

  @Test
  void minimumIsHonouredForIntegersAndNumbers() {
    JsonNode s = schema("""
        {"type":"object","properties":{"i":{"type":"integer","minimum":2.5},"n":{"type":"number","minimum":0.25},
                                       "zero":{"type":"integer","minimum":0},"neg":{"type":"integer","minimum":-7},
                                       "plainInt":{"type":"integer"},"plainNum":{"type":"number"}}}""");
    JsonNode v = sample(s);
    assertEquals(3, v.get("i").asLong());
    assertTrue(v.get("i").isIntegralNumber());
    assertEquals(0.25, v.get("n").asDouble());
    assertEquals(0, v.get("zero").asLong());
    assertEquals(-7, v.get("neg").asLong());
    assertTrue(v.get("plainInt").isIntegralNumber());
    assertTrue(v.get("plainNum").isNumber());
  }

  @Test
  void arraysHaveMinItemsItemsAndAtLeastOne() {
    JsonNode s = schema("""
        {"type":"object","properties":{
           "three":{"type":"array","minItems":3,"items":{"type":"string"}},
           "some":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"}}}}}}""");
    JsonNode v = sample(s);
    assertEquals(3, v.get("three").size());
    assertEquals("<three>", v.get("three").get(0).asText());
    assertEquals(1, v.get("some").size());
    assertTrue(v.get("some").get(0).get("id").isIntegralNumber());
  }

  @Test
  void untypedSchemasAreReadFromTheirKeywords() {
    JsonNode s = schema("""
        {"properties":{"tags":{"items":{"type":"string"}},"note":{}}}""");
    JsonNode v = sample(s);
    assertTrue(v.isObject());
    assertTrue(v.get("tags").isArray());
    assertTrue(v.get("note").isTextual());
  }

  /** A recursive schema (a tree, a linked list) gets a finite value that still satisfies it. */
  @Test
  void recursiveSchemasEndInAValidValue() {
    JsonNode tree = schema("""
        {"$defs":{"node":{"type":"object","additionalProperties":false,"required":["name","children"],
                          "properties":{"name":{"type":"string"},
                                        "children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},
         "$ref":"#/$defs/node"}""");
    JsonNode t = sample(tree);
    assertEquals("<name>", t.get("name").asText());
    assertTrue(t.get("children").size() >= 1, "the tree shows at least one level of children");

    JsonNode list = schema("""
        {"type":"object","required":["value","next"],
         "properties":{"value":{"type":"integer"},"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]}}}""");
    JsonNode l = sample(list);
    assertTrue(l.get("next").isObject(), "the list shows at least one link");

    JsonNode optional = schema("""
        {"type":"object","required":["id"],
         "properties":{"id":{"type":"integer"},"parent":{"$ref":"#"}}}""");
    sample(optional);
  }
}
