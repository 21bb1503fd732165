package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.json.Json;
import java.io.IOException;

/**
 * One typed piece of a message's content. {@code cacheControl}, where a part has it, is a prompt-cache breakpoint
 * (Anthropic's {@code cache_control}); null means none, and providers without prompt caching ignore it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
  @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
  @JsonSubTypes.Type(value = ContentPart.Audio.class, name = "audio"),
  @JsonSubTypes.Type(value = ContentPart.File.class, name = "file"),
  @JsonSubTypes.Type(value = ContentPart.Thinking.class, name = "thinking"),
  @JsonSubTypes.Type(value = ContentPart.RedactedThinking.class, name = "redacted_thinking"),
  @JsonSubTypes.Type(value = ContentPart.Opaque.class, name = "opaque")
})
public sealed interface ContentPart {

  /**
   * Whether every dialect and provider can take the part (text, image, audio, file). Thinking, redacted thinking and
   * verbatim blocks are Anthropic's only: a dialect or provider that does not know them leaves them out (or, for an
   * {@link Opaque} block, may use its {@link Opaque#text()}).
   */
  default boolean portable() {
    return true;
  }

  /** Plain text. */
  record Text(String text, CacheControl cacheControl) implements ContentPart {
    public Text(String text) {
      this(text, null);
    }
  }

  /** An image by URL: {@code https:} or a {@code data:<media type>;base64,} URL; {@code detail} is OpenAI's hint or null. */
  record Image(String url, String detail, CacheControl cacheControl) implements ContentPart {
    public Image(String url, String detail) {
      this(url, detail, null);
    }
  }

  /** Base64 audio with its format ({@code wav}, {@code mp3}). */
  record Audio(String data, String format) implements ContentPart {
  }

  /** A file by id or inline base64 data (raw, or a {@code data:} URL); for Anthropic a {@code document}. */
  record File(String fileId, String filename, String data, CacheControl cacheControl) implements ContentPart {
    public File(String fileId, String filename, String data) {
      this(fileId, filename, data, null);
    }
  }

  /**
   * A block of the model's extended thinking in an assistant message, with the upstream's signature. The signature
   * vouches for the exact text: both must go back to the upstream unchanged, or it rejects the request.
   */
  record Thinking(String thinking, String signature) implements ContentPart {
    @Override
    public boolean portable() {
      return false;
    }
  }

  /** A thinking block the upstream encrypted ({@code redacted_thinking}): opaque data to send back as it came. */
  record RedactedThinking(String data) implements ContentPart {
    @Override
    public boolean portable() {
      return false;
    }
  }

  /**
   * A content block the canonical model does not know (Anthropic's {@code document} with citations,
   * {@code search_result}, {@code server_tool_use}, {@code web_search_tool_result}, …), kept verbatim as its JSON
   * text. The anthropic provider sends it as it is; providers that cannot take it skip it or use its {@link #text()}.
   *
   * @param json one JSON object with a {@code type}
   */
  record Opaque(String json) implements ContentPart {

    @Override
    public boolean portable() {
      return false;
    }

    /** The block's {@code type}, or null when the JSON is not an object with one. */
    @JsonIgnore
    public String blockType() {
      JsonNode node = node();
      return node != null && node.path("type").isTextual() ? node.path("type").asText() : null;
    }

    /**
     * The readable text the block carries, or null when it has none: its {@code text}, a text document's
     * {@code source.data}, or the texts of its {@code content} blocks (search results, tool results) joined by
     * blank lines.
     */
    @JsonIgnore
    public String text() {
      JsonNode node = node();
      if (node == null) {
        return null;
      }
      if (node.path("text").isTextual()) {
        return node.path("text").asText();
      }
      JsonNode source = node.path("source");
      if ("text".equals(source.path("type").asText()) && source.path("data").isTextual()) {
        return source.path("data").asText();
      }
      JsonNode content = node.path("content");
      if (content.isTextual()) {
        return content.asText();
      }
      if (content.isArray()) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode item : content) {
          if (item.path("text").isTextual()) {
            sb.append(sb.length() > 0 ? "\n\n" : "").append(item.path("text").asText());
          }
        }
        return sb.length() > 0 ? sb.toString() : null;
      }
      return null;
    }

    /** The parsed block, or null when it is not a JSON object. */
    @JsonIgnore
    public JsonNode node() {
      try {
        JsonNode node = json == null ? null : Json.MAPPER.readTree(json);
        return node != null && node.isObject() ? node : null;
      } catch (IOException e) {
        return null;
      }
    }
  }
}
