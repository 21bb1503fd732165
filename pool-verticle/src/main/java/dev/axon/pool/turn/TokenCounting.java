package dev.axon.pool.turn;

import dev.axon.common.bus.Replies;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.error.AxonException;
import dev.axon.common.tokens.CountTokens;
import dev.axon.common.tokens.TokenCount;
import dev.axon.pool.provider.Provider;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@link CountTokens}: the request's model is routed like a turn's (its provider, then its fallbacks when the
 * provider's breaker is open or its upstream fails), and the provider counts without a session. Replies a
 * {@link TokenCount} or the typed error.
 *
 * <p>Threading: called on the pool verticle's context.
 */
public final class TokenCounting {

  private static final Logger log = LoggerFactory.getLogger(TokenCounting.class);

  private final Function<String, List<Provider>> chainForModel;

  /** @param chainForModel the providers to try for a model, in order: its own, then its fallbacks */
  public TokenCounting(Function<String, List<Provider>> chainForModel) {
    this.chainForModel = chainForModel;
  }

  public void handle(Message<CountTokens> message) {
    Replies.reply(message, count(message.body()), log, "token count");
  }

  /** The count for one request. */
  public Future<TokenCount> count(CountTokens ask) {
    ChatRequest request = ask == null ? null : ask.request();
    if (request == null || request.model() == null) {
      return Future.failedFuture(AxonException.invalid("model", "A model is required to count tokens."));
    }
    return count(request, chainForModel.apply(request.model()), 0).map(TokenCount::new);
  }

  private Future<Integer> count(ChatRequest request, List<Provider> chain, int index) {
    Provider provider = chain.get(index);
    boolean last = index == chain.size() - 1;
    if (!last && provider.breakerOpen()) {
      return count(request, chain, index + 1);
    }
    Future<Integer> counted;
    try {
      counted = provider.countTokens(request);
    } catch (AxonException e) {
      counted = Future.failedFuture(e);
    }
    return counted.recover(failure -> {
      AxonException e = AxonException.from(failure, "token count");
      if (!last && TurnRunner.fallbackMayHelp(e.kind())) {
        log.debug("provider {} could not count tokens ({}); asking {}", provider.name(), e.getMessage(), chain.get(index + 1).name());
        return count(request, chain, index + 1);
      }
      return Future.failedFuture(e);
    });
  }
}
