package dev.axon.api.anthropic;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.ToolDefinition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Counts a request's input tokens. */
public final class TokenCounter {

  public TokenCounter(Vertx vertx, long timeoutMs) {
  }

  public Future<Integer> count(ChatRequest request) {
    long chars = 0;
    for (ChatMessage m : request.messages()) {
      for (ContentPart p : m.content()) {
        if (p instanceof ContentPart.Text t) {
          chars += t.text().length();
        }
      }
    }
    for (ToolDefinition t : request.tools()) {
      chars += t.name().length() + (t.parameters() == null ? 0 : t.parameters().toString().length());
    }
    return Future.succeededFuture((int) Math.max(1, chars / 4));
  }
}
