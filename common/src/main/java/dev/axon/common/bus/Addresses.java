package dev.axon.common.bus;

/**
 * Event-bus addresses. Requests go to the well-known addresses; per-instance addresses (turn events, turn
 * control) are built with the helpers so that one consumer per verticle instance serves all its turns,
 * instead of one cluster-wide registration per request.
 */
public final class Addresses {

  /**
   * {@link dev.axon.common.turn.TurnRequest}, one way: the acceptance (or rejection) and the events go to the request's
   * {@code replyTo}, a {@link #turnEvents} address.
   */
  public static final String POOL_TURN = "axon.pool.turn";
  /**
   * {@link dev.axon.common.tokens.CountTokens} → {@link dev.axon.common.tokens.TokenCount}: the request's model is
   * routed like a turn's, and its provider counts (no session is taken).
   */
  public static final String POOL_COUNT_TOKENS = "axon.pool.count-tokens";
  /** null → {@link dev.axon.common.stats.PoolStats}. */
  public static final String POOL_STATS = "axon.pool.stats";
  /** null → {@link dev.axon.common.stats.PoolHealth}. */
  public static final String POOL_HEALTH = "axon.pool.health";
  /** null → {@link dev.axon.common.catalog.ModelList}: the models the pool's upstreams list (for {@code /v1/models}). */
  public static final String POOL_MODELS = "axon.pool.models";
  /**
   * Published when an HTTP upstream's circuit breaker starts, changes state and goes away
   * ({@link dev.axon.common.upstream.BreakerChange}).
   */
  public static final String UPSTREAM_BREAKER = "axon.pool.upstream.breaker";

  /** {@link dev.axon.common.conversation.OpenConversation} → {@link dev.axon.common.conversation.Conversation}. */
  public static final String STORE_OPEN = "axon.store.conversation.open";
  /** {@link dev.axon.common.conversation.GetConversation} → {@link dev.axon.common.conversation.Conversation}. */
  public static final String STORE_GET = "axon.store.conversation.get";
  /** {@link dev.axon.common.conversation.CommitTurn} → {@link dev.axon.common.conversation.CommitResult}. */
  public static final String STORE_COMMIT = "axon.store.conversation.commit";
  /** {@link dev.axon.common.conversation.AbortTurn} → empty reply. */
  public static final String STORE_ABORT = "axon.store.conversation.abort";
  /** {@link dev.axon.common.conversation.ListConversations} → {@link dev.axon.common.conversation.ConversationPage}. */
  public static final String STORE_LIST = "axon.store.conversation.list";
  /** {@link dev.axon.common.conversation.DeleteConversation} → empty reply. */
  public static final String STORE_DELETE = "axon.store.conversation.delete";
  /** {@link dev.axon.common.tenant.RateLimitAcquire} → {@link dev.axon.common.tenant.RateLimitDecision}. */
  public static final String STORE_RATE_ACQUIRE = "axon.store.ratelimit.acquire";
  /** {@link dev.axon.common.tenant.RateLimitRenew} → empty reply. */
  public static final String STORE_RATE_RENEW = "axon.store.ratelimit.renew";
  /** {@link dev.axon.common.tenant.RateLimitRelease} → empty reply. */
  public static final String STORE_RATE_RELEASE = "axon.store.ratelimit.release";
  /** {@link dev.axon.common.tenant.RecordUsage} → empty reply. */
  public static final String STORE_USAGE_RECORD = "axon.store.usage.record";
  /** {@link dev.axon.common.tenant.RecordUsageBatch}, one-way: no reply. */
  public static final String STORE_USAGE_RECORDS = "axon.store.usage.records";
  /** {@link dev.axon.common.tenant.UsageQuery} → {@link dev.axon.common.tenant.UsageReport}. */
  public static final String STORE_USAGE_QUERY = "axon.store.usage.query";
  /** null → {@link dev.axon.common.stats.StoreStats}; fails when the backend does not answer. */
  public static final String STORE_STATS = "axon.store.stats";

  /** Published every second by every verticle instance: {@link dev.axon.common.cluster.RoleAnnouncement}. */
  public static final String ANNOUNCE = "axon.cluster.announce";

  /** Published on a configuration change: the new {@code api} section (with {@code models}), as a JsonObject. */
  public static final String CONFIG_API = "axon.config.api";
  /** Published on a configuration change: the new {@code pool} section, as a JsonObject. */
  public static final String CONFIG_POOL = "axon.config.pool";
  /** Published on a configuration change: the new {@code store} section, as a JsonObject. */
  public static final String CONFIG_STORE = "axon.config.store";

  private static final String POOL_TURN_PREFIX = "axon.pool.turn.";
  private static final String POOL_STATS_PREFIX = "axon.pool.stats.";
  private static final String TURN_EVENTS_PREFIX = "axon.turn.events.";
  private static final String TURN_CONTROL_PREFIX = "axon.turn.control.";

  private Addresses() {
  }

  /** One pool instance's own turn address, for callers that pick the pool (and try another when it is busy). */
  public static String poolTurn(String instanceId) {
    return POOL_TURN_PREFIX + instanceId;
  }

  /** One pool instance's own stats address: null → {@link dev.axon.common.stats.PoolStats}. */
  public static String poolStats(String instanceId) {
    return POOL_STATS_PREFIX + instanceId;
  }

  /**
   * The address where one caller instance receives what the pools say about all its turns:
   * {@link dev.axon.common.turn.TurnAccepted}, {@link dev.axon.common.turn.TurnRejected}, {@link dev.axon.common.turn.TurnEvent}.
   */
  public static String turnEvents(String instanceId) {
    return TURN_EVENTS_PREFIX + instanceId;
  }

  /** The address where one pool instance receives cancels for all its turns. */
  public static String turnControl(String instanceId) {
    return TURN_CONTROL_PREFIX + instanceId;
  }
}
