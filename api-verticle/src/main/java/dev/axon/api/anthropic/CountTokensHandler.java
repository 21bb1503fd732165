package dev.axon.api.anthropic;

import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.AuthHandler;
import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.http.Responses;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.error.AxonException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code POST /v1/messages/count_tokens}: the input tokens a message request would use, as the pool counts them (the
 * upstream's own count for the {@code anthropic} provider, an estimate otherwise). With {@code x-axon-conversation-id}
 * the stored history (the caller's own only; 404 otherwise) is counted too, as a turn would send it.
 */
public final class CountTokensHandler implements Handler<RoutingContext> {

  private final Supplier<AnthropicRequestParser> parser;
  private final ConversationClient store;
  private final Function<ChatRequest, Future<Integer>> counter;

  /**
   * @param counter counts a canonical request's input tokens
   */
  public CountTokensHandler(Supplier<AnthropicRequestParser> parser, ConversationClient store,
                            Function<ChatRequest, Future<Integer>> counter) {
    this.parser = parser;
    this.store = store;
    this.counter = counter;
  }

  @Override
  public void handle(RoutingContext rc) {
    ApiKey key = AuthHandler.key(rc);
    AnthropicRequestParser.CountCall call;
    String conversationId;
    try {
      call = parser.get().parseCount(rc.body().buffer());
      conversationId = AnthropicRequestParser.conversationId(rc.request().getHeader(AnthropicRequestParser.CONVERSATION_HEADER));
    } catch (AxonException e) {
      Responses.error(rc, e);
      return;
    }
    if (!key.allows(call.clientModel(), call.request().model())) {
      Responses.error(rc, AnthropicRequestParser.modelNotFound(call.clientModel()));
      return;
    }
    withHistory(call.request(), conversationId, key)
        .compose(counter)
        .onSuccess(tokens -> Responses.json(rc, 200, AnthropicRenderer.tokenCount(tokens)))
        .onFailure(failure -> Responses.error(rc, failure));
  }

  private Future<ChatRequest> withHistory(ChatRequest request, String conversationId, ApiKey key) {
    if (conversationId == null) {
      return Future.succeededFuture(request);
    }
    return store.get(new GetConversation(conversationId, key.ownerHash()))
        .map(c -> request.withMessages(AnthropicCall.withHistory(c.messages(), request.messages())));
  }
}
