package dev.axon.api.chat;

/**
 * Told of every chat completion once it ended, on the API verticle's context: usage metering, metrics, logs.
 * Must be quick and must not throw; anything slow goes elsewhere asynchronously.
 */
@FunctionalInterface
public interface ExchangeListener {
  void onExchange(ExchangeSummary summary);
}
