package dev.axon.api;

import dev.axon.api.anthropic.AnthropicDialect;
import dev.axon.api.anthropic.AnthropicRequestParser;
import dev.axon.api.anthropic.CountTokensHandler;
import dev.axon.api.anthropic.TokenCounter;
import dev.axon.api.auth.AuthHandler;
import dev.axon.api.auth.AuthThrottle;
import dev.axon.api.chat.ChatCompletionHandler;
import dev.axon.api.chat.ChatTurnHandler;
import dev.axon.api.chat.ExchangeListener;
import dev.axon.api.chat.TurnBounds;
import dev.axon.api.cluster.ClusterView;
import dev.axon.api.conversation.ConversationClient;
import dev.axon.api.conversation.ConversationHandler;
import dev.axon.api.http.BodyReader;
import dev.axon.api.http.ConnectionDeadlines;
import dev.axon.api.http.Connections;
import dev.axon.api.http.Dialect;
import dev.axon.api.http.RequestGuards;
import dev.axon.api.http.RequestIds;
import dev.axon.api.http.Responses;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.api.openai.OpenAiRequestParser;
import dev.axon.api.ops.EdgeHandler;
import dev.axon.api.ops.EdgeOps;
import dev.axon.api.ops.InvalidRequests;
import dev.axon.api.ops.ModelsHandler;
import dev.axon.api.ops.OpsHandlers;
import dev.axon.api.ops.OpsOptions;
import dev.axon.api.ops.OpsRoutes;
import dev.axon.api.tenant.RateLimitHandler;
import dev.axon.api.tenant.TenantClient;
import dev.axon.api.tenant.UsageHandler;
import dev.axon.api.tenant.UsageRecorder;
import dev.axon.api.turn.TurnClient;
import dev.axon.common.bus.Addresses;
import dev.axon.common.cluster.Announcer;
import dev.axon.common.cluster.NodeId;
import dev.axon.common.cluster.RoleAnnouncement;
import dev.axon.common.config.ConfigException;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: OpenAI's chat completions and Anthropic's messages over the same pools, store and limits, models
 * in either dialect, Axon's conversations, health and stats. Its
 * configuration is the {@code api} section with the {@code models} section under {@code models}. Deploy as
 * many instances as there are cores; they share the port.
 */
public class ApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private volatile ApiOptions options;
  private volatile OpenAiRequestParser parser;
  private volatile AnthropicDialect anthropic;
  private volatile AnthropicRequestParser anthropicParser;
  private volatile Buffer modelsBody;
  private volatile TurnBounds turnBounds;
  /** Reads JSON bodies up to the configured limit; replaced when the limit changes. */
  private volatile BodyReader jsonBody;
  private TurnClient turns;
  /** Told of every finished chat completion (metering, metrics); filled before the routes are built. */
  private final List<ExchangeListener> exchangeListeners = new ArrayList<>();
  private ClusterView view;
  private Announcer announcer;
  private HttpServer server;
  /** The node's operations state (meters, drain, traffic), shared by its API instances. */
  private final EdgeOps edgeOps;
  private OpsRoutes opsRoutes;

  /** An API verticle on its own: no meters kept, no {@code /metrics}, never drained. */
  public ApiVerticle() {
    this(EdgeOps.standalone());
  }

  /** An API verticle sharing the node's operations state (the launcher makes one per node). */
  public ApiVerticle(EdgeOps edgeOps) {
    this.edgeOps = edgeOps;
  }

  @Override
  public Future<?> start() {
    apply(new ApiOptions(config()));
    if (options.keys().isEmpty()) {
      throw new ConfigException("api.keys", "no API keys configured: set api.keys in the configuration file or AXON_API_KEYS");
    }
    view = new ClusterView(vertx);
    turns = new TurnClient(vertx, view, options.turnAcceptTimeoutMs(), options.turnInactivityMs());
    ConversationClient store = new ConversationClient(vertx, options.storeTimeoutMs());
    OpsHandlers ops = new OpsHandlers(vertx, store, view, options.storeTimeoutMs());
    // Tenants: failed authentications slowed down per address, per-key limits before every /v1 request, usage metered
    // after every chat completion, slow clients cut by connection deadlines.
    TenantClient tenants = new TenantClient(vertx, options.storeTimeoutMs());
    exchangeListeners.add(new UsageRecorder(() -> options.keys(), tenants));
    AuthThrottle throttle = AuthThrottle.shared(vertx, () -> new AuthThrottle.Settings(options.authFreeFailures(), options.authWindowMs(),
        options.authMaxDelayMs()));
    AuthHandler auth = new AuthHandler(() -> options.keys(), throttle, () -> options.trustedProxies());
    ConnectionDeadlines deadlines = new ConnectionDeadlines(vertx, () -> options.headersTimeoutMs(), () -> options.bodyTimeoutMs());
    ConversationHandler conversations = new ConversationHandler(store);
    opsRoutes = new OpsRoutes(vertx, edgeOps, auth, new OpsOptions(config().getJsonObject("ops")));

    // A route's handlers run in turn once it matched: each chain below is one route, matched once per request, where
    // a route per handler was matched (and, under /v1/*, its path parameter set) for every step.
    Router router = Router.router(vertx);
    router.route()
        .handler(new RequestIds())
        .handler(Dialect::mark)
        .handler(new EdgeHandler(edgeOps, () -> options.trustedProxies()))
        .handler(deadlines)
        .handler(RequestGuards::path);
    router.get("/healthz").handler(ops::liveness);
    router.get("/health").handler(ops::readiness);
    router.route("/v1/*").handler(auth).handler(new RateLimitHandler(vertx, tenants, () -> options.concurrencyLeaseMs()));
    // The chat routes first after the guards: a request walks the routes in order, and these take nearly all traffic.
    router.post("/v1/chat/completions")
        .handler(RequestGuards::jsonBody)
        .handler(this::readBody)
        .handler(new ChatCompletionHandler(() -> parser, turns, store, options.systemFingerprint(), options.conversationLockMs(),
            exchangeListeners, () -> turnBounds));
    // Anthropic's Messages API over the same pools, store, limits and listeners.
    router.post("/v1/messages")
        .handler(RequestGuards::jsonBody)
        .handler(this::readBody)
        .handler(new ChatTurnHandler<>(() -> anthropic, turns, store, options.conversationLockMs(), exchangeListeners, () -> turnBounds));
    router.post("/v1/messages/count_tokens")
        .handler(RequestGuards::jsonBody)
        .handler(this::readBody)
        .handler(new CountTokensHandler(() -> anthropicParser, store, new TokenCounter(vertx, options.turnAcceptTimeoutMs())::count));
    router.get("/stats").handler(opsRoutes.readAccess()).handler(ops::stats);
    opsRoutes.install(router);
    ModelsHandler models = new ModelsHandler(vertx, () -> options.models(), () -> modelsBody);
    router.get("/v1/models").handler(models);
    router.get("/v1/models/:id").handler(models::retrieve);
    router.get("/v1/conversations").handler(conversations::list);
    router.get("/v1/conversations/:id").handler(conversations);
    router.delete("/v1/conversations/:id").handler(conversations::delete);
    router.get("/v1/usage").handler(new UsageHandler(tenants));
    router.route().last().handler(rc -> Responses.error(rc, new AxonException(ErrorKind.NOT_FOUND,
        "Unknown request URL: " + rc.request().method() + " " + rc.request().path() + ".")));
    router.errorHandler(413, rc -> Responses.error(rc, new AxonException(ErrorKind.PAYLOAD_TOO_LARGE,
        "The request body is larger than " + options.bodyLimitBytes() + " bytes.")));
    router.errorHandler(417, rc -> Responses.error(rc, new AxonException(ErrorKind.EXPECTATION_FAILED,
        "Unsupported Expect header: only '100-continue' is supported.")));
    router.errorHandler(405, rc -> Responses.error(rc, new AxonException(ErrorKind.NOT_FOUND,
        "Method " + rc.request().method() + " is not allowed on " + rc.request().path() + ".")));
    router.errorHandler(400, rc -> Responses.error(rc, AxonException.invalid(null, "The request could not be read.")));
    router.errorHandler(500, this::internalError);

    HttpServerOptions serverOptions = new HttpServerOptions()
        .setPort(options.port()).setHost(options.host())
        .setTcpNoDelay(true).setCompressionSupported(false)
        .setIdleTimeout(0)
        // No WebSocket route: without compression extensions, no WebSocket handler sits in every connection's pipeline
        // for each response to pass through.
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        // HTTP/1.1 only in clear text: an h2c upgrade would hide a new connection until its first request headers are
        // complete, and slow headers must be timed from the connection on (see ConnectionDeadlines).
        .setHttp2ClearTextEnabled(false);
    server = vertx.createHttpServer(serverOptions);
    server.requestHandler(router)
        .invalidRequestHandler(new InvalidRequests(edgeOps, () -> options.trustedProxies(), serverOptions.getMaxInitialLineLength(),
            serverOptions.getMaxHeaderSize()));
    server.connectionHandler(connection -> {
      Connections.coalesceFlushes(connection);
      deadlines.connected(connection);
    });
    String instanceId = java.util.UUID.randomUUID().toString();
    long startedAt = System.currentTimeMillis();
    announcer = new Announcer(vertx, () -> new RoleAnnouncement(NodeId.CURRENT, NodeId.host(), "api", instanceId, startedAt,
        System.currentTimeMillis(), null, null, null));
    MessageConsumer<JsonObject> reconfigure = vertx.eventBus().consumer(Addresses.CONFIG_API, m -> reconfigure(m.body()));
    edgeOps.start(vertx);
    return Future.all(view.start(), turns.start(), reconfigure.completion())
        .compose(v -> server.listen())
        .onSuccess(s -> announcer.start())
        .onSuccess(s -> log.info("API listening on {}:{} with {} key(s)", options.host(), s.actualPort(), options.keys().size()));
  }

  /** Reads a JSON route's body whole, up to the limit in force (a configuration change applies to the next request). */
  private void readBody(RoutingContext rc) {
    jsonBody.handle(rc);
  }

  private void reconfigure(JsonObject json) {
    try {
      ApiOptions next = new ApiOptions(json);
      if (next.keys().isEmpty()) {
        log.error("configuration change ignored by the API: it lists no API keys");
        return;
      }
      OpsOptions nextOps = new OpsOptions(json.getJsonObject("ops"));
      apply(next);
      opsRoutes.apply(nextOps);
      log.info("API configuration applied: {} key(s), {} model(s), {} alias(es)", next.keys().size(),
          next.models().served().size(), next.models().aliases().size());
    } catch (RuntimeException e) {
      log.error("configuration change rejected by the API: {}", e.getMessage());
    }
  }

  /**
   * Swaps the settings that can change at run time: keys and their limits, models and aliases, bounds, timeouts and
   * the body limit.
   */
  public void apply(ApiOptions next) {
    if (options == null || options.bodyLimitBytes() != next.bodyLimitBytes()) {
      jsonBody = new BodyReader(next.bodyLimitBytes());
    }
    options = next;
    parser = new OpenAiRequestParser(next.models(), next.maxChoices(), next.maxTools());
    anthropicParser = new AnthropicRequestParser(next.models(), next.maxTools());
    anthropic = new AnthropicDialect(anthropicParser);
    turnBounds = new TurnBounds(next.conversationMaxMessages(), next.conversationMaxBytes(), next.streamStallTimeoutMs(),
        next.streamBufferLimitBytes(), next.streamKeepAliveMs());
    modelsBody = OpenAiRenderer.models(next.models());
  }

  /** The port actually bound (useful with port 0 in tests). */
  public int actualPort() {
    return server.actualPort();
  }

  private void internalError(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (failure instanceof AxonException e) {
      Responses.error(rc, e);
      return;
    }
    log.error("unexpected failure on {} {}", rc.request().method(), rc.request().path(), failure);
    Responses.error(rc, new AxonException(ErrorKind.INTERNAL, "The gateway failed unexpectedly."));
  }

  @Override
  public Future<?> stop() {
    if (announcer != null) {
      announcer.stop();
    }
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.compose(v -> turns == null ? Future.succeededFuture() : turns.stop())
        .compose(v -> view == null ? Future.succeededFuture() : view.stop());
  }
}
