package dev.axon.api.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/**
 * A field name encoded once: the generator copies its quoted UTF-8 bytes instead of escaping the name's characters on
 * every write. For the bodies written on every request (a chat completion, its access line), where the names were a
 * quarter of the rendering time (JMH, {@code HotPathBenchmarks.renderCompletion}).
 */
public final class JsonField {

  private final SerializedString name;

  private JsonField(String name) {
    this.name = new SerializedString(name);
  }

  public static JsonField of(String name) {
    return new JsonField(name);
  }

  public void string(JsonGenerator g, String value) throws IOException {
    g.writeFieldName(name);
    g.writeString(value);
  }

  /** The value, or null when it is null. */
  public void stringOrNull(JsonGenerator g, String value) throws IOException {
    g.writeFieldName(name);
    if (value == null) {
      g.writeNull();
    } else {
      g.writeString(value);
    }
  }

  public void number(JsonGenerator g, long value) throws IOException {
    g.writeFieldName(name);
    g.writeNumber(value);
  }

  public void number(JsonGenerator g, double value) throws IOException {
    g.writeFieldName(name);
    g.writeNumber(value);
  }

  public void bool(JsonGenerator g, boolean value) throws IOException {
    g.writeFieldName(name);
    g.writeBoolean(value);
  }

  public void nullValue(JsonGenerator g) throws IOException {
    g.writeFieldName(name);
    g.writeNull();
  }

  public void startObject(JsonGenerator g) throws IOException {
    g.writeFieldName(name);
    g.writeStartObject();
  }

  public void startArray(JsonGenerator g) throws IOException {
    g.writeFieldName(name);
    g.writeStartArray();
  }

  /** The name alone, for a value written by someone else. */
  public void name(JsonGenerator g) throws IOException {
    g.writeFieldName(name);
  }
}
