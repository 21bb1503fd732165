package dev.axon.api.ops;

import dev.axon.api.http.Responses;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.common.bus.Addresses;
import dev.axon.common.catalog.ListedModel;
import dev.axon.common.catalog.ModelList;
import dev.axon.common.config.ModelCatalog;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code GET /v1/models}: the served models and the aliases, plus the models the pool's upstreams list (an
 * OpenAI-compatible upstream's {@code GET /models}) that a client can use here — those the catalog accepts (a route
 * matches them). When the pool lists nothing or does not answer in time, the configured list alone.
 */
public final class ModelsHandler implements Handler<RoutingContext> {

  /** How long the edge waits for the pool's listing before answering with the configured models only. */
  public static final long LIST_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Supplier<ModelCatalog> catalog;
  private final Supplier<Buffer> configured;
  private final DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(LIST_TIMEOUT_MS);

  public ModelsHandler(Vertx vertx, Supplier<ModelCatalog> catalog, Supplier<Buffer> configured) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.configured = configured;
  }

  @Override
  public void handle(RoutingContext rc) {
    vertx.eventBus().<ModelList>request(Addresses.POOL_MODELS, null, delivery).onComplete(ar -> {
      ModelCatalog models = catalog.get();
      List<ListedModel> extra = new ArrayList<>();
      if (ar.succeeded() && ar.result().body() != null) {
        Set<String> known = new LinkedHashSet<>(models.served());
        known.addAll(models.aliases().keySet());
        for (ListedModel m : ar.result().body().models()) {
          if (models.resolve(m.id()) != null && known.add(m.id())) {
            extra.add(m);
          }
        }
      }
      Responses.json(rc, 200, extra.isEmpty() ? configured.get() : OpenAiRenderer.models(models, extra));
    });
  }
}
