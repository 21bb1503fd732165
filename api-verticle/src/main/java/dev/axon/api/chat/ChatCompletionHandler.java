package dev.axon.api.chat;

import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.AuthHandler;
import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.http.RequestIds;
import dev.axon.api.http.Responses;
import dev.axon.api.openai.OpenAiChatCall;
import dev.axon.api.openai.OpenAiRequestParser;
import dev.axon.api.turn.TurnClient;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.common.error.AxonException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /v1/chat/completions}: parse and validate, open the conversation (load history and take its turn
 * lock, or start a new one), then hand over to a {@link ChatExchange}. Any step can end the chain with a typed
 * error, rendered once by {@link Responses#error}.
 */
public final class ChatCompletionHandler implements Handler<RoutingContext> {

  private final Supplier<OpenAiRequestParser> parser;
  private final ChatContext context;

  /**
   * @param listeners told of every completion once it ended (metering, metrics)
   */
  public ChatCompletionHandler(Supplier<OpenAiRequestParser> parser, TurnClient turns, ConversationClient store,
                               String fingerprint, long lockMs, List<ExchangeListener> listeners) {
    this.parser = parser;
    this.context = new ChatContext(turns, store, fingerprint, lockMs, listeners);
  }

  @Override
  public void handle(RoutingContext rc) {
    ApiKey key = AuthHandler.key(rc);
    OpenAiChatCall call;
    try {
      Buffer body = rc.body().buffer();
      call = parser.get().parse(body == null ? Buffer.buffer() : body);
    } catch (AxonException e) {
      Responses.error(rc, e);
      return;
    }
    openConversation(call, key)
        .onSuccess(conversation -> new ChatExchange(rc, context, call, key, conversation).start())
        .onFailure(failure -> Responses.error(rc, failure));
  }

  private Future<ConversationState> openConversation(OpenAiChatCall call, ApiKey key) {
    if (call.conversationId() == null) {
      return Future.succeededFuture(ConversationState.fresh(call.store() ? "conv-" + RequestIds.random(24) : null));
    }
    String token = RequestIds.random(20);
    return context.store().open(new OpenConversation(call.conversationId(), key.ownerHash(), token, context.conversationLockMs()))
        .map(c -> new ConversationState(c.id(), token, c.messages(), c.messageCount()));
  }
}
