package dev.axon.common.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.axon.common.json.ByteCounter;
import dev.axon.common.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A message's JSON, byte for byte as {@link Json#toBytes} gives it, and its length. A message of text parts only and
 * nothing else (nearly every stored message) is written field by field with the mapper's own generator, so its
 * strings are escaped as the mapper escapes them; any other message goes through the mapper. Every stored turn writes
 * its messages and counts them against the conversation's size, and the mapper's bean serialization (type ids,
 * inclusion rules, serializer lookups) was 3.5 % of the gateway's CPU on the {@code anthropic} path with Valkey.
 */
public final class MessageJson {

  private MessageJson() {
  }

  /** The message as {@link Json#toBytes} writes it. */
  public static byte[] toBytes(ChatMessage message) {
    if (!plainText(message)) {
      return Json.toBytes(message);
    }
    ByteArrayBuilder out = new ByteArrayBuilder(estimate(message));
    write(message, out);
    return out.toByteArray();
  }

  /** How many bytes {@link #toBytes} gives, counted as the message is written instead of kept. */
  public static long byteLength(ChatMessage message) {
    if (!plainText(message)) {
      return Json.byteLength(message);
    }
    ByteCounter counter = new ByteCounter();
    write(message, counter);
    return counter.count();
  }

  /** Only a role and text parts: the mapper leaves every other field out (null, empty or false). */
  static boolean plainText(ChatMessage message) {
    if (message.role() == null || message.content().isEmpty() || message.name() != null || !message.toolCalls().isEmpty()
        || message.toolCallId() != null || message.toolError() || message.cacheControl() != null) {
      return false;
    }
    for (ContentPart part : message.content()) {
      if (!(part instanceof ContentPart.Text text) || text.text() == null || text.cacheControl() != null) {
        return false;
      }
    }
    return true;
  }

  /** The fields in the order the mapper writes them: the record's, the part's type id before its own. */
  private static void write(ChatMessage message, OutputStream out) {
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("role", message.role().wire());
      g.writeArrayFieldStart("content");
      for (ContentPart part : message.content()) {
        g.writeStartObject();
        g.writeStringField("type", "text");
        g.writeStringField("text", ((ContentPart.Text) part).text());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Room for the text (as ASCII) and the fields around it, so the usual message needs no second segment. */
  private static int estimate(ChatMessage message) {
    int size = 64;
    for (ContentPart part : message.content()) {
      size += 32 + ((ContentPart.Text) part).text().length();
    }
    return size;
  }
}
