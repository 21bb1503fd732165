package dev.axon.api.tenant;

import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.ApiKeys;
import dev.axon.api.chat.ExchangeListener;
import dev.axon.api.chat.ExchangeSummary;
import dev.axon.common.chat.Usage;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RecordUsage;
import java.util.function.Supplier;

/**
 * Meters every finished chat completion from its {@link ExchangeSummary}: one request and its prompt, completion
 * and cached tokens for the key and the model it resolved to, and the tokens charged to the key's token limits.
 * Sent to the store after the response, without waiting for an answer: the store logs a failure to meter, and the
 * client never sees one. A stored turn was metered with its commit already ({@link ExchangeSummary#usageMetered()})
 * and is skipped.
 */
public final class UsageRecorder implements ExchangeListener {

  private final Supplier<ApiKeys> keys;
  private final TenantClient client;

  public UsageRecorder(Supplier<ApiKeys> keys, TenantClient client) {
    this.keys = keys;
    this.client = client;
  }

  @Override
  public void onExchange(ExchangeSummary summary) {
    if (summary.model() == null || summary.keyName() == null || summary.usageMetered()) {
      return;
    }
    Usage usage = summary.usage() == null ? Usage.ZERO : summary.usage();
    ApiKey key = keys.get().byName(summary.keyName());
    KeyLimits limits = key == null ? KeyLimits.NONE : key.limits();
    client.record(new RecordUsage(summary.keyName(), summary.model(), limits, usage.promptTokens(), usage.completionTokens(),
        usage.cachedTokens()));
  }
}
