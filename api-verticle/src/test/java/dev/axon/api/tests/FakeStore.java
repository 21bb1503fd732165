package dev.axon.api.tests;

import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.CommitResult;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.conversation.Conversation;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.StoreStats;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.RecordUsageBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A conversation store on the {@code STORE_*} addresses: conversations seeded by the test, owned by an owner hash,
 * every request recorded, failures injectable. It answers as the store contract says (NOT_FOUND for a stranger).
 */
final class FakeStore {

  private record Entry(String owner, Conversation conversation) {
  }

  /** A usage record as it arrived: whether its sender asked for an answer, and how many records its message held. */
  record UsageSent(RecordUsage usage, boolean replyWanted, int batchSize) {
  }

  final Recorder<OpenConversation> opens = new Recorder<>();
  final Recorder<GetConversation> gets = new Recorder<>();
  final Recorder<CommitTurn> commits = new Recorder<>();
  final Recorder<AbortTurn> aborts = new Recorder<>();
  final Recorder<UsageSent> usage = new Recorder<>();
  private final Map<String, Entry> conversations = new ConcurrentHashMap<>();
  private final EventBus bus;
  volatile AxonException openFailure;
  volatile AxonException commitFailure;

  FakeStore(Vertx vertx) {
    this.bus = vertx.eventBus();
  }

  Future<Void> register() {
    return Future.all(List.of(
        bus.<OpenConversation>consumer(Addresses.STORE_OPEN, m -> {
          opens.record(m.body());
          if (openFailure != null) {
            m.reply(openFailure);
          } else {
            m.reply(find(m.body().id(), m.body().ownerHash()));
          }
        }).completion(),
        bus.<GetConversation>consumer(Addresses.STORE_GET, m -> {
          gets.record(m.body());
          m.reply(find(m.body().id(), m.body().ownerHash()));
        }).completion(),
        bus.<CommitTurn>consumer(Addresses.STORE_COMMIT, m -> {
          commits.record(m.body());
          if (commitFailure != null) {
            m.reply(commitFailure);
            return;
          }
          m.reply(new CommitResult(m.body().expectedCount() + m.body().messages().size(), m.body().lockToken() == null));
        }).completion(),
        bus.<AbortTurn>consumer(Addresses.STORE_ABORT, m -> {
          aborts.record(m.body());
          m.reply(null);
        }).completion(),
        bus.<RecordUsage>consumer(Addresses.STORE_USAGE_RECORD, m -> {
          usage.record(new UsageSent(m.body(), m.replyAddress() != null, 1));
          m.reply(null);
        }).completion(),
        bus.<RecordUsageBatch>consumer(Addresses.STORE_USAGE_RECORDS, m -> {
          for (RecordUsage u : m.body().records()) {
            usage.record(new UsageSent(u, m.replyAddress() != null, m.body().records().size()));
          }
        }).completion(),
        bus.consumer(Addresses.STORE_STATS, m -> m.reply(new StoreStats("fake", conversations.size()))).completion()))
        .mapEmpty();
  }

  void put(String owner, String id, List<ChatMessage> messages) {
    conversations.put(id, new Entry(owner, new Conversation(id, "gpt-4o", 1_767_225_600L, 1_767_225_700L, messages.size(), messages)));
  }

  private Object find(String id, String owner) {
    Entry e = conversations.get(id);
    if (e == null || !e.owner().equals(owner)) {
      return new AxonException(ErrorKind.NOT_FOUND, "No conversation found with id " + id + ".", "conversation_id", null);
    }
    return e.conversation();
  }
}
