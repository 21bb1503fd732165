package dev.axon.common.tokens;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolDefinition;

/**
 * Estimates token counts where no tokenizer is at hand. A word (a run of non-whitespace) counts one token per four
 * characters, at least one; whitespace counts nothing. Real tokenizers give about one token per four characters of
 * English, and short words are one token each, so the estimate is close and errs toward counting more.
 *
 * <p>Stateless and thread-safe.
 */
public final class TokenEstimator {

  /** What an image costs: about what the Messages API charges for one of its largest (about 1.15 megapixels). */
  public static final int IMAGE_TOKENS = 1_600;
  /** The framing of one message (role and separators). */
  public static final int MESSAGE_TOKENS = 4;

  private TokenEstimator() {
  }

  /** The tokens of one word of {@code chars} non-whitespace characters. */
  public static long wordTokens(int chars) {
    return chars == 0 ? 0 : (chars + 3) / 4;
  }

  /** The tokens of a text. */
  public static long tokens(CharSequence text) {
    if (text == null) {
      return 0;
    }
    long tokens = 0;
    int word = 0;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        tokens += wordTokens(word);
        word = 0;
      } else {
        word++;
      }
    }
    return tokens + wordTokens(word);
  }

  /**
   * The input tokens of a request: every message's text, thinking, tool calls and results, the blocks kept verbatim
   * (as their JSON), the tools' definitions, plus a flat cost per image and a quarter of a file's or audio clip's
   * encoded size.
   */
  public static int inputTokens(ChatRequest request) {
    long tokens = 0;
    for (ChatMessage m : request.messages()) {
      tokens += MESSAGE_TOKENS;
      for (ContentPart part : m.content()) {
        tokens += partTokens(part);
      }
      for (ToolCall call : m.toolCalls()) {
        tokens += tokens(call.name()) + tokens(call.arguments());
      }
    }
    for (ToolDefinition tool : request.tools()) {
      if (tool.isFunction()) {
        tokens += tokens(tool.name()) + tokens(tool.description()) + (tool.parameters() == null ? 0 : tokens(tool.parameters().toString()));
      } else {
        tokens += tokens(tool.rawJson().toString());
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, tokens);
  }

  private static long partTokens(ContentPart part) {
    if (part instanceof ContentPart.Text t) {
      return tokens(t.text());
    } else if (part instanceof ContentPart.Thinking t) {
      return tokens(t.thinking());
    } else if (part instanceof ContentPart.Opaque o) {
      String text = o.text();
      return tokens(text != null ? text : o.json());
    } else if (part instanceof ContentPart.Image) {
      return IMAGE_TOKENS;
    } else if (part instanceof ContentPart.File f) {
      return f.data() == null ? IMAGE_TOKENS : f.data().length() / 4;
    } else if (part instanceof ContentPart.Audio a) {
      return a.data() == null ? 0 : a.data().length() / 4;
    }
    // Redacted thinking is encrypted: its size says little about its tokens, and the upstream counts it anyway.
    return 0;
  }
}
