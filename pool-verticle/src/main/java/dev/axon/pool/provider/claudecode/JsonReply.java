package dev.axon.pool.provider.claudecode;

import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.json.Json;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.Validator;
import java.util.function.Consumer;

/**
 * JSON response formats for a provider that can only ask for them: the reply streams through with a Markdown code
 * fence around it removed (models add one despite being told not to), and when it is complete it is checked:
 * {@code json_object} must parse as a JSON object, {@code json_schema} must parse and validate against the
 * client's schema (JSON Schema draft 2020-12, by Vert.x JSON Schema: types, required, properties,
 * additionalProperties, items, enum, const, combinators, local {@code $ref}s, numeric and length bounds).
 *
 * <p>Not thread-safe: one per turn.
 */
final class JsonReply {

  private final ResponseFormat format;
  private final Consumer<String> out;
  private final StringBuilder all = new StringBuilder();
  /** Text not yet passed on: leading whitespace and an opening fence line, or a tail that may be the closing fence. */
  private final StringBuilder held = new StringBuilder();
  private boolean started;
  private boolean fenced;

  JsonReply(ResponseFormat format, Consumer<String> out) {
    this.format = format;
    this.out = out;
  }

  void accept(String piece) {
    held.append(piece);
    if (!started) {
      int i = 0;
      while (i < held.length() && Character.isWhitespace(held.charAt(i))) {
        i++;
      }
      if (i == held.length()) {
        return;
      }
      if (held.charAt(i) == '`') {
        int nl = held.indexOf("\n", i);
        if (nl < 0) {
          return;
        }
        fenced = true;
        held.delete(0, nl + 1);
      } else {
        held.delete(0, i);
      }
      started = true;
    }
    int keep = 0;
    if (fenced) {
      // hold back a tail of whitespace and backticks: it may be the closing fence
      while (keep < held.length() && (held.charAt(held.length() - 1 - keep) == '`'
          || Character.isWhitespace(held.charAt(held.length() - 1 - keep)))) {
        keep++;
      }
    }
    emit(held.substring(0, held.length() - keep));
    held.delete(0, held.length() - keep);
  }

  /** The reply ended: pass on what was held, minus a closing fence. */
  void finish() {
    String rest = held.toString();
    held.setLength(0);
    if (fenced) {
      rest = rest.strip();
      if (rest.endsWith("```")) {
        rest = rest.substring(0, rest.length() - 3);
      }
    } else if (!started) {
      rest = "";
    }
    emit(rest);
  }

  /** What is wrong with the complete reply, or null when it is a valid reply for the format. */
  String problem() {
    String text = all.toString().strip();
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      return "it is not valid JSON";
    }
    if (format.type() == ResponseFormat.Type.JSON_OBJECT || format.schema() == null) {
      return value instanceof JsonObject ? null : "it is not a JSON object";
    }
    try {
      Validator validator = Validator.create(
          JsonSchema.of(new JsonObject(Json.toString(format.schema()))),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://axon.invalid/schema/")
              .setOutputFormat(OutputFormat.Basic));
      OutputUnit result = validator.validate(value);
      if (Boolean.TRUE.equals(result.getValid())) {
        return null;
      }
      if (result.getErrors() != null && !result.getErrors().isEmpty()) {
        OutputUnit first = result.getErrors().get(0);
        String at = first.getInstanceLocation() == null || first.getInstanceLocation().isEmpty() ? "" : " at " + first.getInstanceLocation();
        return "it does not match the schema" + at + ": " + first.getError();
      }
      return "it does not match the schema";
    } catch (SchemaException | IllegalArgumentException e) {
      // A schema the validator cannot use: the reply is at least JSON.
      return null;
    }
  }

  private void emit(String text) {
    if (!text.isEmpty()) {
      all.append(text);
      out.accept(text);
    }
  }
}
