package dev.axon.common.tokens;

import dev.axon.common.chat.ChatRequest;

/**
 * Asks a pool how many input tokens {@code request} would take. Sent to
 * {@link dev.axon.common.bus.Addresses#POOL_COUNT_TOKENS}; the reply is a {@link TokenCount}, or a failure with an
 * {@link dev.axon.common.error.AxonException} kind ({@code MODEL_NOT_FOUND}, {@code INVALID_REQUEST}, upstream kinds).
 *
 * @param request the request as a turn would run it (the model already mapped from any alias); its sampling and
 *                limits do not count
 */
public record CountTokens(ChatRequest request) {
}
