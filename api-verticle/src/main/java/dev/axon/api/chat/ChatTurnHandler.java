package dev.axon.api.chat;

import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.AuthHandler;
import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.http.RequestIds;
import dev.axon.api.http.Responses;
import dev.axon.api.turn.TurnClient;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.MessageJson;
import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.common.error.AxonException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * A chat turn of any dialect: parse and validate (the dialect's part), check the key may use the model, open the
 * conversation (load history and take its turn lock, or start a new one), check the turn keeps it within its
 * bounds, then hand over to a {@link ChatExchange} with the dialect's renderer. Any step can end the chain with a
 * typed error, rendered once by {@link Responses#error} in the request's dialect.
 *
 * @param <C> the dialect's call
 */
public final class ChatTurnHandler<C extends ChatCall> implements Handler<RoutingContext> {

  private final Supplier<? extends ChatDialect<C>> dialect;
  private final ChatContext context;

  /**
   * @param dialect   read per request, so a configuration change (models, aliases) applies to the next one
   * @param listeners told of every exchange once it ended (metering, metrics)
   * @param bounds    read per request, so a configuration change applies to the next one
   */
  public ChatTurnHandler(Supplier<? extends ChatDialect<C>> dialect, TurnClient turns, ConversationClient store, long lockMs,
                         List<ExchangeListener> listeners, Supplier<TurnBounds> bounds) {
    this.dialect = dialect;
    this.context = new ChatContext(turns, store, lockMs, listeners, bounds);
  }

  @Override
  public void handle(RoutingContext rc) {
    ApiKey key = AuthHandler.key(rc);
    ChatDialect<C> d = dialect.get();
    C call;
    try {
      call = d.parse(rc);
    } catch (AxonException e) {
      Responses.error(rc, e);
      return;
    }
    if (!key.allows(call.clientModel(), call.request().model())) {
      // The same answer as for a model that does not exist: a restricted key learns nothing about the others.
      Responses.error(rc, d.modelNotFound(call.clientModel()));
      return;
    }
    TurnBounds bounds = context.bounds().get();
    openConversation(call, key)
        .compose(conversation -> withinBounds(call, conversation, bounds))
        .onSuccess(conversation -> new ChatExchange(rc, context, call, key, conversation, d.renderer(call, conversation.id())).start())
        .onFailure(failure -> Responses.error(rc, failure));
  }

  /**
   * A stored turn may not grow its conversation past the configured messages or bytes: the history, the request's
   * messages and the reply (counted as one message; its size is not known before it runs). Past either limit the
   * turn is refused with 400 before it runs, and the conversation's lock is released.
   */
  private Future<ConversationState> withinBounds(C call, ConversationState conversation, TurnBounds bounds) {
    if (conversation.id() == null || !call.store()) {
      return Future.succeededFuture(conversation);
    }
    List<ChatMessage> added = call.request().messages();
    long addedBytes = 0;
    for (ChatMessage m : added) {
      addedBytes += MessageJson.byteLength(m);
    }
    int messages = conversation.expectedCount() + added.size() + 1;
    long bytes = conversation.bytes() + addedBytes;
    String which = conversation.isNew() ? "This request would start a conversation" : "Conversation " + conversation.id();
    AxonException refusal = null;
    if (messages > bounds.maxConversationMessages()) {
      refusal = AxonException.invalid(conversation.isNew() ? "messages" : "conversation_id", which + " past the limit of "
          + bounds.maxConversationMessages() + " messages per conversation: it would hold " + messages + " messages with this turn ("
          + conversation.expectedCount() + " stored, " + added.size() + " sent, 1 reply). Start a new conversation.");
    } else if (bytes > bounds.maxConversationBytes()) {
      refusal = AxonException.invalid(conversation.isNew() ? "messages" : "conversation_id", which + " past the limit of "
          + bounds.maxConversationBytes() + " bytes per conversation: its messages would take " + bytes + " bytes with this turn ("
          + conversation.bytes() + " stored, " + addedBytes + " sent). Start a new conversation.");
    }
    if (refusal == null) {
      return Future.succeededFuture(conversation);
    }
    if (conversation.lockToken() != null) {
      context.store().abort(new AbortTurn(conversation.id(), conversation.lockToken()));
    }
    return Future.failedFuture(refusal);
  }

  private Future<ConversationState> openConversation(C call, ApiKey key) {
    if (call.conversationId() == null) {
      return Future.succeededFuture(ConversationState.fresh(call.store() ? RequestIds.random("conv-", 24) : null));
    }
    String token = RequestIds.random(20);
    return context.store().open(new OpenConversation(call.conversationId(), key.ownerHash(), token, context.conversationLockMs()))
        .map(c -> new ConversationState(c.id(), token, c.messages(), c.messageCount(), c.bytes()));
  }
}
