package dev.axon.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.config.ConfigException;
import dev.axon.common.config.ModelCatalog;
import dev.axon.common.config.ModelRoute;
import dev.axon.pool.PoolOptions;
import dev.axon.pool.provider.Providers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One gateway, several providers: the route table in the catalog (what the edge accepts) and in the pool (who serves). */
class ModelRoutesTest {

  @Test
  void patternsMatchWithStars() {
    ModelRoute claude = new ModelRoute("claude-*", "anthropic");
    assertTrue(claude.matches("claude-sonnet-4-6"));
    assertFalse(claude.matches("gpt-4o"));
    assertTrue(new ModelRoute("*", "openai").matches("anything/at:all"));
    assertTrue(new ModelRoute("*-instruct*", "openai").matches("llama-3-8b-instruct-q4"));
    assertFalse(new ModelRoute("llama-3", "openai").matches("llama-3-8b"), "no star: the whole name");
  }

  @Test
  void theCatalogAcceptsRoutedNamesBesideServedModelsAndAliases() {
    ModelCatalog catalog = ModelCatalog.fromConfig(new JsonObject()
        .put("routes", new JsonObject().put("claude-*", "anthropic").put("llama-*", "openai"))
        .put("aliases", new JsonObject().put("gpt-4o", "claude-sonnet-4-6").put("local", "llama-3-8b")));
    assertEquals("claude-opus-4-1", catalog.resolve("claude-opus-4-1"), "not served, but routed");
    assertEquals("llama-3-70b", catalog.resolve("llama-3-70b"));
    assertEquals("llama-3-8b", catalog.resolve("local"), "an alias may point at a routed name");
    assertEquals("claude-sonnet-4-6", catalog.resolve("gpt-4o"));
    assertNull(catalog.resolve("mistral-7b"), "no route, not served: unknown");
    assertEquals("openai", catalog.routeFor("llama-3-8b"));
  }

  @Test
  void routesReadFromAListOrAnEnvironmentString() {
    ModelCatalog fromList = ModelCatalog.fromConfig(new JsonObject().put("routes", new JsonArray()
        .add(new JsonObject().put("match", "llama-*").put("provider", "openai"))));
    assertEquals("openai", fromList.routeFor("llama-x"));
    ModelCatalog fromEnv = ModelCatalog.fromConfig(new JsonObject().put("routes", "claude-*=anthropic, llama-*=openai"));
    assertEquals(2, fromEnv.routes().size());
    assertEquals("anthropic", fromEnv.routeFor("claude-x"));
  }

  @Test
  void badRoutesStopTheStartNamingTheKey() {
    ConfigException pattern = assertThrows(ConfigException.class,
        () -> ModelCatalog.fromConfig(new JsonObject().put("routes", new JsonObject().put("claude-[0-9]", "anthropic"))));
    assertEquals("models.routes.claude-[0-9]", pattern.key());
    ConfigException syntax = assertThrows(ConfigException.class,
        () -> ModelCatalog.fromConfig(new JsonObject().put("routes", "claude-*")));
    assertEquals("models.routes", syntax.key());
    ConfigException alias = assertThrows(ConfigException.class,
        () -> ModelCatalog.fromConfig(new JsonObject().put("aliases", new JsonObject().put("x", "mistral-7b"))));
    assertEquals("models.aliases.x", alias.key());
    PoolOptions unknown = new PoolOptions(new JsonObject().put("routes", new JsonObject().put("llama-*", "vllm")));
    ConfigException provider = assertThrows(ConfigException.class, () -> unknown.checkProviders(Providers.names()));
    assertEquals("pool.routes.llama-*", provider.key());
  }

  @Test
  void thePoolPicksAModelsOwnProviderThenTheFirstMatchingRouteThenTheDefault() {
    PoolOptions options = new PoolOptions(new JsonObject().put("provider", "mock")
        .put("routes", new JsonArray().add(new JsonObject().put("match", "claude-*").put("provider", "anthropic"))
            .add(new JsonObject().put("match", "*").put("provider", "openai")))
        .put("models", new JsonObject().put("claude-haiku-4-5", new JsonObject().put("provider", "mock"))));
    options.checkProviders(Providers.names());
    assertEquals("mock", options.providerFor("claude-haiku-4-5"));
    assertEquals("anthropic", options.providerFor("claude-sonnet-4-6"));
    assertEquals("openai", options.providerFor("llama-3-8b"));
    assertEquals(Set.of("mock", "anthropic", "openai"), options.providersInUse());
    assertEquals("mock", new PoolOptions(new JsonObject()).providerFor("claude-sonnet-4-6"), "no routes: the default provider");
  }
}
