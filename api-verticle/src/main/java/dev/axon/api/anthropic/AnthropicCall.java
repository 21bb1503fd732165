package dev.axon.api.anthropic;

import dev.axon.api.chat.ChatCall;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed, validated {@code POST /v1/messages}.
 *
 * @param request        the canonical request holding only the messages the client sent (history comes later)
 * @param clientModel    the model name as the client sent it; echoed in responses
 * @param conversationId the conversation to continue ({@code x-axon-conversation-id}), or null for a new one
 * @param store          false when the turn must not be persisted ({@code x-axon-store: false})
 */
public record AnthropicCall(ChatRequest request, String clientModel, boolean stream, String conversationId, boolean store)
    implements ChatCall {

  /** Anthropic's Messages API has one reply per request. */
  @Override
  public int n() {
    return 1;
  }

  /**
   * {@code system} is a parameter of each request in this dialect, not a message of the dialogue: when the request
   * gives one, it comes first and replaces the system prompts stored with the conversation; when it gives none, the
   * stored ones apply.
   */
  @Override
  public List<ChatMessage> withHistory(List<ChatMessage> history) {
    return withHistory(history, request().messages());
  }

  static List<ChatMessage> withHistory(List<ChatMessage> history, List<ChatMessage> sent) {
    boolean hasSystem = !sent.isEmpty() && sent.get(0).role() == Role.SYSTEM;
    List<ChatMessage> all = new ArrayList<>(history.size() + sent.size());
    if (hasSystem) {
      all.add(sent.get(0));
    }
    for (ChatMessage m : history) {
      if (!(hasSystem && m.role().isInstruction())) {
        all.add(m);
      }
    }
    all.addAll(hasSystem ? sent.subList(1, sent.size()) : sent);
    return all;
  }
}
