package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** One typed piece of a message's content. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
  @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
  @JsonSubTypes.Type(value = ContentPart.Audio.class, name = "audio"),
  @JsonSubTypes.Type(value = ContentPart.File.class, name = "file")
})
public sealed interface ContentPart {

  /** Plain text. */
  record Text(String text) implements ContentPart {
  }

  /** An image by URL: {@code https:} or a {@code data:} URL; {@code detail} is OpenAI's hint or null. */
  record Image(String url, String detail) implements ContentPart {
  }

  /** Base64 audio with its format ({@code wav}, {@code mp3}). */
  record Audio(String data, String format) implements ContentPart {
  }

  /** A file by id or inline base64 data. */
  record File(String fileId, String filename, String data) implements ContentPart {
  }
}
