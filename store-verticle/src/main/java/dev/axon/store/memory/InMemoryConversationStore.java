package dev.axon.store.memory;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.MessageJson;
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
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.StoreStats;
import dev.axon.store.ConversationStore;
import dev.axon.store.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversations in this JVM's memory, with the same semantics as the Valkey store (ownership, locks, TTL).
 * For tests, benchmarks and a single-node trial; everything is lost on restart. Confined to the store
 * verticle's context, so no locking.
 */
public final class InMemoryConversationStore implements ConversationStore {

  private static final long SWEEP_PERIOD_MS = 60_000;

  private final Vertx vertx;
  private long ttlMs;
  private final Map<String, Entry> conversations = new HashMap<>();
  private long sweepTimer = -1;

  private static final class Entry {
    final String owner;
    final long createdAt;
    final long createdAtMs;
    long bytes;
    String model;
    long updatedAt;
    long expiresAtMs;
    final List<ChatMessage> messages = new ArrayList<>();
    String lockToken;
    long lockExpiresAtMs;

    Entry(String owner, long createdAtMs) {
      this.owner = owner;
      this.createdAtMs = createdAtMs;
      this.createdAt = createdAtMs / 1000;
    }
  }

  public InMemoryConversationStore(Vertx vertx, StoreOptions options) {
    this.vertx = vertx;
    this.ttlMs = options.getConversationTtlSeconds() * 1000;
  }

  @Override
  public void reconfigure(StoreOptions options) {
    this.ttlMs = options.getConversationTtlSeconds() * 1000;
  }

  @Override
  public Future<Void> start() {
    sweepTimer = vertx.setPeriodic(SWEEP_PERIOD_MS, id -> sweep());
    return Future.succeededFuture();
  }

  @Override
  public Future<Conversation> open(OpenConversation request) {
    Entry e = owned(request.id(), request.ownerHash());
    if (e == null) {
      return Future.failedFuture(notFound(request.id()));
    }
    long now = System.currentTimeMillis();
    if (e.lockToken != null && e.lockExpiresAtMs > now) {
      return Future.failedFuture(new AxonException(ErrorKind.CONFLICT,
          "Another request is continuing conversation " + request.id() + " right now; retry when it has finished.", "conversation_id", 1));
    }
    e.lockToken = request.lockToken();
    e.lockExpiresAtMs = now + request.lockTtlMs();
    return Future.succeededFuture(snapshot(request.id(), e));
  }

  @Override
  public Future<Conversation> get(GetConversation request) {
    Entry e = owned(request.id(), request.ownerHash());
    return e == null ? Future.failedFuture(notFound(request.id())) : Future.succeededFuture(snapshot(request.id(), e));
  }

  @Override
  public Future<CommitResult> commit(CommitTurn request) {
    long now = System.currentTimeMillis();
    Entry e = live(request.id(), now);
    boolean created = false;
    if (request.lockToken() == null) {
      if (e != null) {
        return Future.failedFuture(conflict(request.id()));
      }
      e = new Entry(request.ownerHash(), now);
      conversations.put(request.id(), e);
      created = true;
    } else {
      if (e == null || !e.owner.equals(request.ownerHash())) {
        return Future.failedFuture(new AxonException(ErrorKind.NOT_FOUND,
            "Conversation " + request.id() + " no longer exists.", "conversation_id", null));
      }
      boolean held = request.lockToken().equals(e.lockToken);
      boolean lapsedUnchanged = (e.lockToken == null || e.lockExpiresAtMs <= now) && e.messages.size() == request.expectedCount();
      if (!held && !lapsedUnchanged) {
        return Future.failedFuture(conflict(request.id()));
      }
    }
    e.messages.addAll(request.messages());
    for (ChatMessage m : request.messages()) {
      e.bytes += MessageJson.byteLength(m);
    }
    e.model = request.model();
    e.updatedAt = now / 1000;
    e.expiresAtMs = now + ttlMs;
    e.lockToken = null;
    return Future.succeededFuture(new CommitResult(e.messages.size(), created));
  }

  @Override
  public Future<ConversationPage> list(ListConversations request) {
    long now = System.currentTimeMillis();
    List<Map.Entry<String, Entry>> mine = new ArrayList<>();
    for (Map.Entry<String, Entry> e : conversations.entrySet()) {
      if (e.getValue().owner.equals(request.ownerHash()) && e.getValue().expiresAtMs > now) {
        mine.add(e);
      }
    }
    // Newest first; equal creation times by id, descending, as a Valkey sorted set orders them.
    mine.sort(Comparator.comparingLong((Map.Entry<String, Entry> e) -> e.getValue().createdAtMs).reversed()
        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()));
    int start = 0;
    if (request.after() != null) {
      start = -1;
      for (int i = 0; i < mine.size(); i++) {
        if (mine.get(i).getKey().equals(request.after())) {
          start = i + 1;
          break;
        }
      }
      if (start < 0) {
        return Future.failedFuture(AxonException.invalid("after", "Invalid 'after': " + request.after()
            + " is not one of your conversations (it was deleted or expired); list again from the start."));
      }
    }
    List<Conversation> page = new ArrayList<>();
    for (int i = start; i < mine.size() && page.size() < request.limit(); i++) {
      Entry e = mine.get(i).getValue();
      page.add(new Conversation(mine.get(i).getKey(), e.model, e.createdAt, e.updatedAt, e.messages.size(), List.of()));
    }
    return Future.succeededFuture(new ConversationPage(page, start + page.size() < mine.size()));
  }

  @Override
  public Future<Void> delete(DeleteConversation request) {
    Entry e = owned(request.id(), request.ownerHash());
    if (e == null) {
      return Future.failedFuture(notFound(request.id()));
    }
    if (e.lockToken != null && e.lockExpiresAtMs > System.currentTimeMillis()) {
      return Future.failedFuture(new AxonException(ErrorKind.CONFLICT,
          "A request is continuing conversation " + request.id() + " right now; delete it when that has finished.", "conversation_id", 1));
    }
    conversations.remove(request.id());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> abort(AbortTurn request) {
    Entry e = conversations.get(request.id());
    if (e != null && request.lockToken().equals(e.lockToken)) {
      e.lockToken = null;
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<StoreStats> stats() {
    sweep();
    return Future.succeededFuture(new StoreStats("memory", conversations.size()));
  }

  @Override
  public Future<Void> close() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    return Future.succeededFuture();
  }

  private Entry owned(String id, String owner) {
    Entry e = live(id, System.currentTimeMillis());
    return e != null && e.owner.equals(owner) ? e : null;
  }

  private Entry live(String id, long now) {
    Entry e = conversations.get(id);
    if (e != null && e.expiresAtMs <= now) {
      conversations.remove(id);
      return null;
    }
    return e;
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    conversations.values().removeIf(e -> e.expiresAtMs <= now);
  }

  private static Conversation snapshot(String id, Entry e) {
    return new Conversation(id, e.model, e.createdAt, e.updatedAt, e.messages.size(), e.messages, e.bytes);
  }

  private static AxonException notFound(String id) {
    return new AxonException(ErrorKind.NOT_FOUND, "No conversation found with id " + id + ".", "conversation_id", null);
  }

  private static AxonException conflict(String id) {
    return new AxonException(ErrorKind.CONFLICT,
        "Conversation " + id + " changed during this turn; the turn was not stored.", "conversation_id", null);
  }
}
