package dev.axon.api.chat;

import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.openai.OpenAiChatCall;
import dev.axon.api.openai.OpenAiDialect;
import dev.axon.api.openai.OpenAiRequestParser;
import dev.axon.api.turn.TurnClient;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /v1/chat/completions}: the {@link ChatTurnHandler} chain with OpenAI's dialect (see
 * {@link OpenAiDialect}).
 */
public final class ChatCompletionHandler implements Handler<RoutingContext> {

  private final ChatTurnHandler<OpenAiChatCall> chain;

  /**
   * @param listeners told of every completion once it ended (metering, metrics)
   */
  public ChatCompletionHandler(Supplier<OpenAiRequestParser> parser, TurnClient turns, ConversationClient store,
                               String fingerprint, long lockMs, List<ExchangeListener> listeners) {
    this(parser, turns, store, fingerprint, lockMs, listeners, () -> TurnBounds.UNBOUNDED);
  }

  /**
   * @param bounds read per request, so a configuration change applies to the next one
   */
  public ChatCompletionHandler(Supplier<OpenAiRequestParser> parser, TurnClient turns, ConversationClient store,
                               String fingerprint, long lockMs, List<ExchangeListener> listeners, Supplier<TurnBounds> bounds) {
    this.chain = new ChatTurnHandler<>(() -> new OpenAiDialect(parser.get(), fingerprint), turns, store, lockMs, listeners, bounds);
  }

  @Override
  public void handle(RoutingContext rc) {
    chain.handle(rc);
  }
}
