package dev.axon.common.bus;

import dev.axon.common.catalog.ModelList;
import dev.axon.common.cluster.RoleAnnouncement;
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
import dev.axon.common.stats.PoolHealth;
import dev.axon.common.stats.PoolStats;
import dev.axon.common.stats.StoreStats;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import dev.axon.common.tenant.RateLimitRenew;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.RecordUsageBatch;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageReport;
import dev.axon.common.tokens.CountTokens;
import dev.axon.common.tokens.TokenCount;
import dev.axon.common.turn.TurnAccepted;
import dev.axon.common.turn.TurnCancel;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRejected;
import dev.axon.common.turn.TurnRequest;
import dev.axon.common.upstream.BreakerChange;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers the codecs of every contract type. The launcher calls it once per Vert.x instance, before any
 * verticle is deployed; tests call it too. Calling it twice on one instance is harmless.
 */
public final class Codecs {

  /** Every record that travels on the event bus. */
  public static final List<Class<?>> CONTRACT_TYPES = List.of(
      TurnRequest.class, TurnAccepted.class, TurnRejected.class, TurnEvent.class, TurnCancel.class,
      OpenConversation.class, GetConversation.class, CommitTurn.class, CommitResult.class, AbortTurn.class,
      Conversation.class, PoolStats.class, PoolHealth.class, StoreStats.class, RoleAnnouncement.class,
      ModelList.class,
      ListConversations.class, ConversationPage.class, DeleteConversation.class,
      RateLimitAcquire.class, RateLimitDecision.class, RateLimitRenew.class, RateLimitRelease.class,
      RecordUsage.class, RecordUsageBatch.class, UsageQuery.class, UsageReport.class,
      CountTokens.class, TokenCount.class, BreakerChange.class);

  private static final Set<EventBus> REGISTERED = ConcurrentHashMap.newKeySet();

  private Codecs() {
  }

  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    if (!REGISTERED.add(bus)) {
      return;
    }
    for (Class<?> type : CONTRACT_TYPES) {
      registerJson(bus, type);
    }
    bus.registerDefaultCodec(AxonException.class, new AxonExceptionCodec());
  }

  private static <T> void registerJson(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new JsonCodec<>(type));
  }
}
