package dev.axon.api.anthropic;

import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.error.AxonException;
import dev.axon.common.tokens.CountTokens;
import dev.axon.common.tokens.TokenCount;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * Asks the pool how many input tokens a request takes ({@link CountTokens} on {@link Addresses#POOL_COUNT_TOKENS}):
 * the upstream's own count for the {@code anthropic} provider, an estimate for the others. Every failure is a typed
 * error. Safe from any context.
 */
public final class TokenCounter {

  private final Vertx vertx;
  private final DeliveryOptions delivery;

  public TokenCounter(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<Integer> count(ChatRequest request) {
    return vertx.eventBus().<TokenCount>request(Addresses.POOL_COUNT_TOKENS, new CountTokens(request), delivery)
        .map(Message::body)
        .map(TokenCount::inputTokens)
        .recover(failure -> Future.failedFuture(AxonException.from(failure, "The token counter")));
  }
}
