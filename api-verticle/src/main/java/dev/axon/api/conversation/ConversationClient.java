package dev.axon.api.conversation;

import dev.axon.common.bus.Addresses;
import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.CommitResult;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.conversation.Conversation;
import dev.axon.common.conversation.ConversationPage;
import dev.axon.common.conversation.DeleteConversation;
import dev.axon.common.conversation.ListConversations;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.common.error.AxonException;
import dev.axon.common.stats.StoreStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/** The store's contract as typed futures; every failure is a typed error. Safe from any context. */
public final class ConversationClient {

  private final EventBus bus;
  private final DeliveryOptions delivery;

  public ConversationClient(Vertx vertx, long timeoutMs) {
    this.bus = vertx.eventBus();
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<Conversation> open(OpenConversation request) {
    return ask(Addresses.STORE_OPEN, request);
  }

  public Future<Conversation> get(GetConversation request) {
    return ask(Addresses.STORE_GET, request);
  }

  public Future<CommitResult> commit(CommitTurn request) {
    return ask(Addresses.STORE_COMMIT, request);
  }

  public Future<ConversationPage> list(ListConversations request) {
    return ask(Addresses.STORE_LIST, request);
  }

  public Future<Void> delete(DeleteConversation request) {
    return this.<Object>ask(Addresses.STORE_DELETE, request).mapEmpty();
  }

  public Future<Void> abort(AbortTurn request) {
    return this.<Object>ask(Addresses.STORE_ABORT, request).mapEmpty();
  }

  public Future<StoreStats> stats() {
    return ask(Addresses.STORE_STATS, null);
  }

  private <T> Future<T> ask(String address, Object body) {
    return bus.<T>request(address, body, delivery).map(Message::body)
        .recover(failure -> Future.failedFuture(AxonException.from(failure, "The conversation store")));
  }
}
