package dev.axon.store;

import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.CommitResult;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.conversation.Conversation;
import dev.axon.common.conversation.ConversationPage;
import dev.axon.common.conversation.DeleteConversation;
import dev.axon.common.conversation.ListConversations;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.common.stats.StoreStats;
import dev.axon.store.memory.InMemoryConversationStore;
import dev.axon.store.valkey.ValkeyConversationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Conversation persistence. Every method fails with a typed {@link dev.axon.common.error.AxonException}:
 * {@code NOT_FOUND}, {@code CONFLICT}, or {@code UNAVAILABLE} when the backend cannot be reached.
 * Implementations are used from one verticle's context; their futures complete on it.
 */
public interface ConversationStore {

  static ConversationStore create(Vertx vertx, StoreOptions options) {
    return "memory".equals(options.getBackend())
        ? new InMemoryConversationStore(vertx, options)
        : new ValkeyConversationStore(vertx, options);
  }

  /** Loads a conversation for its owner and takes its turn lock, atomically. */
  Future<Conversation> open(OpenConversation request);

  /** Reads a conversation for its owner. */
  Future<Conversation> get(GetConversation request);

  /** Appends a finished turn atomically (creating the conversation when it is new) and releases the lock. */
  Future<CommitResult> commit(CommitTurn request);

  /** One page of an owner's live conversations, newest first, without messages. */
  Future<ConversationPage> list(ListConversations request);

  /** Deletes an owner's conversation and its messages, unless a turn holds it. */
  Future<Void> delete(DeleteConversation request);

  /** Releases a turn lock without changing the conversation. */
  Future<Void> abort(AbortTurn request);

  /** The live conversation count; fails when the backend does not answer (used by readiness). */
  Future<StoreStats> stats();

  /** Applies options that can change at run time (the conversation TTL); connection settings need a restart. */
  void reconfigure(StoreOptions options);

  /** Verifies the backend is reachable at start-up. */
  Future<Void> start();

  Future<Void> close();
}
