package dev.axon.pool.provider.claudecode;

import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code claude-code} provider: each session is a long-lived {@code claude} CLI process in stream-json mode
 * ({@link ClaudeCodeSession}), started by a {@link ClaudeLauncher} for the session's model. Options are the
 * {@code pool.claude-code} section ({@link ClaudeCodeOptions}); credentials and the endpoint come from the gateway's
 * environment ({@code ANTHROPIC_API_KEY} or {@code CLAUDE_CODE_OAUTH_TOKEN}, {@code ANTHROPIC_BASE_URL}) or from
 * {@code pool.claude-code.env}.
 *
 * <p>Threading: called on the pool verticle's context; sessions deliver everything there.
 */
public final class ClaudeCodeProvider implements Provider {

  public static final String NAME = "claude-code";
  private static final Logger log = LoggerFactory.getLogger(ClaudeCodeProvider.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  private final Vertx vertx;
  private final ClaudeCodeOptions options;
  private final ClaudeLauncher launcher;
  /** Sessions not yet closed; touched on the pool verticle's context only. */
  private final Set<ClaudeCodeSession> sessions = new HashSet<>();
  private boolean closed;

  public ClaudeCodeProvider(Vertx vertx, JsonObject options) {
    this(vertx, options, System::getenv);
  }

  /** With an explicit environment lookup, for tests. */
  public ClaudeCodeProvider(Vertx vertx, JsonObject options, Function<String, String> gatewayEnv) {
    this.vertx = vertx;
    this.options = new ClaudeCodeOptions(options);
    this.launcher = new ClaudeLauncher(this.options, gatewayEnv);
    AxonException problem = launcher.cannotStart();
    if (problem != null) {
      log.error("claude-code sessions cannot start: {}", problem.getMessage());
    } else {
      log.info("claude-code provider: {} ({} auth{}), sessions in {}", launcher.bin(), launcher.authMode(),
          launcher.usesParentDeathSignal() ? ", parent-death signal" : "", launcher.baseDir());
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Session> open(String model) {
    AxonException problem = launcher.cannotStart();
    if (problem != null) {
      return Future.failedFuture(problem);
    }
    if (closed) {
      return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "the claude-code provider is closed"));
    }
    Context context = vertx.getOrCreateContext();
    String id = "claude-" + IDS.incrementAndGet();
    return vertx.executeBlocking(() -> launcher.createDirs(id), false)
        .recover(e -> Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE,
            "cannot create the session directory: " + (e instanceof IOException ? e.getMessage() : e.toString()))))
        .compose(dirs -> {
          ClaudeCodeSession session = new ClaudeCodeSession(vertx, context, id, model, options, dirs);
          sessions.add(session);
          session.closed().onComplete(v -> sessions.remove(session));
          if (closed) {
            session.close();
            return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "the claude-code provider is closed"));
          }
          return session.start(launcher);
        });
  }

  /** Closes what sessions are still open, then removes the provider's work directory. */
  @Override
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    new ArrayList<>(sessions).forEach(s -> closing.add(s.close()));
    return Future.join(closing).eventually(() -> vertx.executeBlocking(() -> {
      launcher.close();
      return null;
    }, false)).mapEmpty();
  }
}
