package dev.axon.api.openai;

import dev.axon.api.chat.ChatCall;
import dev.axon.common.chat.ChatRequest;

/**
 * A parsed, validated {@code POST /v1/chat/completions}.
 *
 * @param request        the canonical request holding only the messages the client sent (history comes later)
 * @param clientModel    the model name as the client sent it; echoed in responses
 * @param includeUsage   {@code stream_options.include_usage}
 * @param n              how many choices to generate
 * @param conversationId the conversation to continue, or null for a new one
 * @param store          false when the turn must not be persisted
 */
public record OpenAiChatCall(ChatRequest request, String clientModel, boolean stream, boolean includeUsage, int n,
                             String conversationId, boolean store) implements ChatCall {
}
