package dev.axon.pool.provider;

import dev.axon.common.catalog.ListedModel;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.stats.UpstreamStats;
import dev.axon.common.tokens.TokenEstimator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A source of model sessions ({@code mock}, {@code claude-code}, {@code anthropic}, {@code openai}).
 *
 * <p>Threading: a provider is created for one pool verticle and called only from its context; the futures it
 * returns, and those of its sessions, complete on that context and session events are delivered on it.
 */
public interface Provider {

  /** The provider's configuration name, e.g. {@code mock}. */
  String name();

  /**
   * Starts a session for a served model and warms it, so its first turn is fast. Warm-up counts as the
   * session's first turn. Fails with a typed error when the session cannot start (binary missing, bad
   * credentials): the pool then backs off instead of retrying in a storm.
   */
  Future<Session> open(String model);

  /**
   * Applies changed options ({@code pool.<name>}) at run time where the provider can (timeouts, breaker
   * settings); sessions already open may keep the old values until they are recycled.
   */
  default void reconfigure(JsonObject options) {
  }

  /** Releases what the provider holds beyond its sessions (HTTP clients, temp directories). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The HTTP upstream behind the provider and its circuit breaker, for {@code /stats}; null when there is none. */
  default UpstreamStats upstreamStats() {
    return null;
  }

  /** Whether this provider's upstream circuit breaker is open (never, for a provider without an upstream). */
  default boolean breakerOpen() {
    UpstreamStats upstream = upstreamStats();
    return upstream != null && "open".equals(upstream.breaker());
  }

  /**
   * The models the provider's upstream offers, for {@code /v1/models}; empty when it lists none. Never fails: an
   * upstream that does not answer lists nothing.
   */
  default Future<List<ListedModel>> listModels() {
    return Future.succeededFuture(List.of());
  }

  /**
   * How many input tokens {@code request} would take (system, messages, tools), without running a turn and without a
   * session. This default estimates ({@link TokenEstimator}); a provider whose upstream counts asks it. Fails with a
   * typed error, e.g. {@code INVALID_REQUEST} for a request the provider could not send.
   */
  default Future<Integer> countTokens(ChatRequest request) {
    return Future.succeededFuture(TokenEstimator.inputTokens(request));
  }
}
