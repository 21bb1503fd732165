package dev.axon.api.ops;

import dev.axon.api.anthropic.AnthropicRenderer;
import dev.axon.api.anthropic.AnthropicRequestParser;
import dev.axon.api.auth.ApiKey;
import dev.axon.api.auth.AuthHandler;
import dev.axon.api.http.Dialect;
import dev.axon.api.http.Responses;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.api.openai.OpenAiRequestParser;
import dev.axon.common.bus.Addresses;
import dev.axon.common.catalog.ListedModel;
import dev.axon.common.catalog.ModelList;
import dev.axon.common.config.ModelCatalog;
import dev.axon.common.error.AxonException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code GET /v1/models}: the served models and the aliases, plus the models the pool's upstreams list (an
 * OpenAI-compatible upstream's {@code GET /models}) that a client can use here — those the catalog accepts (a route
 * matches them). When the pool lists nothing or does not answer in time, the configured list alone. In OpenAI's
 * shape, or in Anthropic's ({@code {data, has_more, first_id, last_id}}, paged by {@code limit}, {@code after_id},
 * {@code before_id}) for a request in Anthropic's {@link Dialect}. {@link #retrieve} answers {@code GET /v1/models/:id}
 * for any model a client may name here. A key restricted to some models ({@link ApiKey#models()}) sees only those (and
 * the aliases of those): it is refused the others with the same 404 as a model that does not exist, so the list and
 * the lookup tell it nothing more than a request would.
 */
public final class ModelsHandler implements Handler<RoutingContext> {

  /** How long the edge waits for the pool's listing before answering with the configured models only. */
  public static final long LIST_TIMEOUT_MS = 2_000;
  /** Anthropic's default and largest page of models. */
  static final int DEFAULT_PAGE = 20;
  static final int MAX_PAGE = 1000;

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
    boolean anthropic = Dialect.of(rc) == Dialect.ANTHROPIC;
    int limit = DEFAULT_PAGE;
    String afterId = query(rc, "after_id");
    String beforeId = query(rc, "before_id");
    if (anthropic && query(rc, "limit") != null) {
      try {
        limit = Integer.parseInt(query(rc, "limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_PAGE) {
        Responses.error(rc, AxonException.invalid("limit", "limit: Input should be an integer between 1 and " + MAX_PAGE));
        return;
      }
    }
    int page = limit;
    ApiKey key = AuthHandler.key(rc);
    listed().onComplete(ar -> {
      ModelCatalog models = catalog.get();
      List<ListedModel> extra = ar.result();
      Predicate<String> visible = visibleTo(key, models);
      if (anthropic) {
        Responses.json(rc, 200, AnthropicRenderer.models(entries(models, extra, visible), page, afterId, beforeId));
      } else if (extra.isEmpty() && (key == null || key.models().isEmpty())) {
        Responses.json(rc, 200, configured.get());
      } else {
        Responses.json(rc, 200, OpenAiRenderer.models(models, extra, visible));
      }
    });
  }

  /** {@code GET /v1/models/:id}: one model a client may name here (served, alias, routed or listed), else 404. */
  public void retrieve(RoutingContext rc) {
    String id = rc.pathParam("id");
    boolean anthropic = Dialect.of(rc) == Dialect.ANTHROPIC;
    ApiKey key = AuthHandler.key(rc);
    listed().onComplete(ar -> {
      ModelCatalog models = catalog.get();
      ListedModel found = null;
      for (ListedModel m : ar.result()) {
        if (m.id().equals(id)) {
          found = m;
        }
      }
      if ((found == null && (id == null || models.resolve(id) == null)) || !visibleTo(key, models).test(id)) {
        Responses.error(rc, anthropic ? AnthropicRequestParser.modelNotFound(id) : OpenAiRequestParser.modelNotFound(id));
        return;
      }
      long created = found != null && found.created() > 0 ? found.created() : OpenAiRenderer.MODELS_CREATED;
      if (anthropic) {
        Responses.json(rc, 200, AnthropicRenderer.model(AnthropicRenderer.ModelEntry.of(id, created)));
      } else {
        String owner = found != null ? (found.ownedBy() == null ? found.provider() : found.ownedBy())
            : models.aliases().containsKey(id) ? "axon" : "anthropic";
        Responses.json(rc, 200, OpenAiRenderer.model(id, owner, created));
      }
    });
  }

  /** The models the pool's upstreams list that the catalog accepts and does not name itself; empty when none answer. */
  private Future<List<ListedModel>> listed() {
    return vertx.eventBus().<ModelList>request(Addresses.POOL_MODELS, null, delivery).map(Message::body).otherwiseEmpty()
        .map(list -> {
          List<ListedModel> extra = new ArrayList<>();
          if (list == null) {
            return extra;
          }
          ModelCatalog models = catalog.get();
          Set<String> known = new LinkedHashSet<>(models.served());
          known.addAll(models.aliases().keySet());
          for (ListedModel m : list.models()) {
            if (models.resolve(m.id()) != null && known.add(m.id())) {
              extra.add(m);
            }
          }
          return extra;
        });
  }

  /** Whether a key may see a model: one it may use, by the name itself or the model that name resolves to. */
  private static Predicate<String> visibleTo(ApiKey key, ModelCatalog models) {
    if (key == null || key.models().isEmpty()) {
      return id -> true;
    }
    return id -> key.allows(id, models.resolve(id));
  }

  private static List<AnthropicRenderer.ModelEntry> entries(ModelCatalog models, List<ListedModel> extra, Predicate<String> visible) {
    List<AnthropicRenderer.ModelEntry> out = new ArrayList<>();
    for (String id : models.served()) {
      if (visible.test(id)) {
        out.add(AnthropicRenderer.ModelEntry.of(id, OpenAiRenderer.MODELS_CREATED));
      }
    }
    for (Map.Entry<String, String> alias : models.aliases().entrySet()) {
      if (visible.test(alias.getKey())) {
        out.add(AnthropicRenderer.ModelEntry.of(alias.getKey(), OpenAiRenderer.MODELS_CREATED));
      }
    }
    for (ListedModel m : extra) {
      if (visible.test(m.id())) {
        out.add(AnthropicRenderer.ModelEntry.of(m.id(), m.created() > 0 ? m.created() : OpenAiRenderer.MODELS_CREATED));
      }
    }
    return out;
  }

  private static String query(RoutingContext rc, String name) {
    List<String> values = rc.queryParam(name);
    return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }
}
