package dev.axon.app.transport;

import dev.axon.common.config.ConfigReader;

/**
 * How long an idle event loop polls before it sleeps, and the share of its time polling may take ({@code eventLoopSpin}
 * in the configuration). {@code micros} 0 turns polling off: the loops sleep as soon as they are idle.
 */
public record EventLoopSpin(int micros, int budgetPercent) {

  public static final EventLoopSpin DEFAULT = new EventLoopSpin(400, 50);

  public static EventLoopSpin from(ConfigReader reader) {
    return new EventLoopSpin(reader.intValue("micros", DEFAULT.micros(), 0, 100_000),
        reader.intValue("budgetPercent", DEFAULT.budgetPercent(), 1, 100));
  }

  public boolean enabled() {
    return micros > 0;
  }
}
