package dev.axon.api.auth;

import dev.axon.common.tenant.KeyLimits;
import java.util.List;

/**
 * A client's key as the gateway knows it: a name for logs, limits and usage, the owner hash that marks its data, and
 * what it may do. The key itself is never kept.
 *
 * @param name      the configured name; keys that share a name share their limits and usage (a key and its successor)
 * @param ownerHash the first 32 hex digits of the key's SHA-256, stored as the owner of its conversations
 * @param limits    its rate limits and quotas ({@link KeyLimits#NONE}: unlimited)
 * @param models    the models it may use (client names or served models); empty: all
 * @param admin     whether it may read every key's usage
 */
public record ApiKey(String name, String ownerHash, KeyLimits limits, List<String> models, boolean admin) {

  public ApiKey {
    limits = limits == null ? KeyLimits.NONE : limits;
    models = models == null ? List.of() : List.copyOf(models);
  }

  public ApiKey(String name, String ownerHash) {
    this(name, ownerHash, KeyLimits.NONE, List.of(), false);
  }

  /** Whether the store must be asked before its requests. */
  public boolean limited() {
    return limits.any();
  }

  /** Whether it may use a model, by the name the client sent or the served model that name resolved to. */
  public boolean allows(String clientModel, String servedModel) {
    return models.isEmpty() || models.contains(clientModel) || models.contains(servedModel);
  }
}
