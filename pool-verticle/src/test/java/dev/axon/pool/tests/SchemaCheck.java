package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

/** Checks a JSON value against a JSON Schema with an independent validator (vertx-json-schema). */
final class SchemaCheck {

  private SchemaCheck() {
  }

  static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  static JsonNode schema(String json) {
    return parse(json);
  }

  /** Fails with the validator's errors when {@code value} does not satisfy {@code schema}. */
  static void assertValid(JsonNode schema, JsonNode value) {
    Validator validator = Validator.create(JsonSchema.of(new JsonObject(Json.toString(schema))),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://axon.test/schema")
            .setOutputFormat(OutputFormat.Basic));
    OutputUnit out = validator.validate(io.vertx.core.json.Json.decodeValue(Json.toString(value)));
    assertTrue(Boolean.TRUE.equals(out.getValid()), () -> value + " does not satisfy " + schema + ": " + out.getErrors());
  }
}
