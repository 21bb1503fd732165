package dev.axon.pool.provider;

import dev.axon.pool.provider.anthropic.AnthropicProvider;
import dev.axon.pool.provider.claudecode.ClaudeCodeProvider;
import dev.axon.pool.provider.mock.MockProvider;
import dev.axon.pool.provider.openai.OpenAiProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The providers Axon knows, by configuration name. */
public final class Providers {

  /** Builds a provider from its options ({@code pool.<name>}). */
  @FunctionalInterface
  public interface Factory {
    Provider create(Vertx vertx, JsonObject options);
  }

  private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();

  static {
    FACTORIES.put(MockProvider.NAME, MockProvider::new);
    FACTORIES.put(AnthropicProvider.NAME, AnthropicProvider::new);
    FACTORIES.put(OpenAiProvider.NAME, OpenAiProvider::new);
    FACTORIES.put(ClaudeCodeProvider.NAME, ClaudeCodeProvider::new);
  }

  private Providers() {
  }

  /**
   * Makes another provider known under {@code name} (a test double, a plugin); must be called before the
   * configuration naming it is read. Replaces a provider of the same name.
   */
  public static synchronized void register(String name, Factory factory) {
    FACTORIES.put(name, factory);
  }

  public static Set<String> names() {
    return FACTORIES.keySet();
  }

  public static Provider create(String name, Vertx vertx, JsonObject options) {
    Factory factory = FACTORIES.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("unknown provider " + name);
    }
    return factory.create(vertx, options);
  }
}
