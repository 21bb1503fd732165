package dev.axon.pool.provider.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.pool.provider.Session;
import dev.axon.pool.provider.anthropic.AnthropicErrors;
import dev.axon.pool.provider.anthropic.AnthropicEventDecoder;
import dev.axon.pool.provider.claudecode.StreamJson.CliMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled session: one long-lived {@code claude} process in stream-json mode, serving one turn at a time.
 *
 * <p>Life: started and warmed by {@link #start} ({@code initialize}, then the CLI's model check unless turned off),
 * then turns. A turn writes the whole conversation as one user line ({@link ConversationFormatter}) and relays the
 * CLI's {@code stream_event}s through the {@link AnthropicEventDecoder} and the gateway's enforcement
 * ({@link TurnOutput}) to the sink as they arrive; the CLI's {@code result} ends it with the upstream's stop reason
 * and token counts. When the gateway ends a reply early (stop sequence, {@code max_tokens}, a single allowed tool
 * call) or the caller cancels, the turn ends at once for the caller and the CLI is interrupted; the session
 * stays busy until the CLI's own turn has ended. {@link #reset()} waits for that, then rewinds the CLI's
 * conversation to before the first user line since the last reset ({@code rewind_conversation}), so the next
 * upstream request carries nothing of this one.
 *
 * <p>Faults: a process that exits, writes a line that is not JSON, or stays silent during a turn past the
 * inactivity timeout is killed and {@link #alive()} turns false, so the pool discards and replaces it; the turn
 * fails with a typed error. An interrupt not answered in time kills the process too.
 *
 * <p>Threading: every method is called on the pool verticle's context, and the process's lines arrive on it.
 */
final class ClaudeCodeSession implements Session {

  private static final Logger log = LoggerFactory.getLogger(ClaudeCodeSession.class);

  private final Vertx vertx;
  private final Context context;
  private final String id;
  private final String model;
  private final ClaudeCodeOptions options;
  private final ClaudeLauncher.SessionDirs dirs;
  private final Map<String, Promise<StreamJson.ControlResponse>> controls = new HashMap<>();
  private final Promise<Void> closedPromise = Promise.promise();
  private ClaudeProcess process;
  private int controlSeq;

  private boolean alive = true;
  private boolean closed;
  private String deathCause;
  /** A user line was written and its {@code result} has not come yet. */
  private boolean cliTurnOpen;
  private Promise<Void> cliTurnEnded = Promise.promise();
  private boolean interruptSent;
  private long inactivityTimer = -1;
  private long interruptTimer = -1;
  /** The first and last user lines since the last reset, for {@code rewind_conversation}. */
  private String firstUuid;
  private String lastUuid;
  private Turn turn;

  ClaudeCodeSession(Vertx vertx, Context context, String id, String model, ClaudeCodeOptions options,
                    ClaudeLauncher.SessionDirs dirs) {
    this.vertx = vertx;
    this.context = context;
    this.id = id;
    this.model = model;
    this.options = options;
    this.dirs = dirs;
    cliTurnEnded.complete();
  }

  /** Starts the process and warms it; fails with a typed error when it cannot serve. */
  Future<Session> start(ClaudeLauncher launcher) {
    Promise<Session> ready = Promise.promise();
    long timer = vertx.setTimer(options.startTimeoutMs(), t -> ready.tryFail(new AxonException(ErrorKind.UNAVAILABLE,
        "the claude CLI did not become ready within " + options.startTimeoutMs() + " ms")));
    ClaudeProcess.start(id, launcher.command(model), launcher.environment(dirs), dirs.work(), context, new ClaudeProcess.Listener() {
      @Override
      public void onLine(JsonNode line) {
        ClaudeCodeSession.this.onLine(line);
      }

      @Override
      public void onGarbage(String line) {
        ClaudeCodeSession.this.onGarbage(line);
      }

      @Override
      public void onExit(int exitCode, String stderrTail) {
        ClaudeCodeSession.this.onExit(exitCode, stderrTail);
      }
    }).compose(p -> {
      if (closed) {
        // the start timed out while the process was being spawned: nobody owns it any more
        p.kill();
        return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "the session was closed while starting"));
      }
      process = p;
      log.debug("session {} of {}: claude process {} started", id, model, p.pid());
      return control(StreamJson::initialize, options.startTimeoutMs());
    }).compose(init -> {
      if (!init.success()) {
        return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "the claude CLI refused to initialize: " + init.error()));
      }
      if (!options.verifyOnStart()) {
        return Future.succeededFuture();
      }
      return control(rid -> StreamJson.setModel(rid, model), options.startTimeoutMs()).compose(check -> check.success()
          ? Future.succeededFuture()
          : Future.failedFuture(modelCheckFailure(check.error())));
    }).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded() && alive) {
        ready.tryComplete(this);
      } else {
        ready.tryFail(ar.failed() ? startFailure(ar.cause()) : new AxonException(ErrorKind.UNAVAILABLE, "the claude CLI exited: " + deathCause));
      }
    });
    return ready.future().onFailure(e -> close());
  }

  @Override
  public String id() {
    return id;
  }

  /** The CLI's process id, for tests and diagnostics; -1 before it started. */
  long pid() {
    return process == null ? -1 : process.pid();
  }

  @Override
  public Future<ChatEvent.Done> run(ChatRequest request, Consumer<ChatEvent> sink) {
    if (!alive()) {
      return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "The claude session is no longer alive: " + deathCause));
    }
    if (turn != null || cliTurnOpen) {
      return Future.failedFuture(new AxonException(ErrorKind.INTERNAL, "The claude session is still busy with another turn."));
    }
    ArrayNode content;
    try {
      content = ConversationFormatter.format(request);
    } catch (AxonException e) {
      return Future.failedFuture(e);
    }
    Turn t = new Turn(request, sink);
    turn = t;
    String uuid = UUID.randomUUID().toString();
    if (firstUuid == null) {
      firstUuid = uuid;
    }
    lastUuid = uuid;
    cliTurnOpen = true;
    interruptSent = false;
    cliTurnEnded = Promise.promise();
    process.send(StreamJson.userTurn(uuid, content));
    armInactivity();
    return t.promise.future();
  }

  @Override
  public void cancel() {
    Turn t = turn;
    if (t == null) {
      return;
    }
    t.fail(new AxonException(ErrorKind.CANCELLED, "The turn was cancelled."));
    interrupt();
  }

  @Override
  public Future<Void> reset() {
    if (!alive()) {
      return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "the claude process is gone: " + deathCause));
    }
    if (turn != null) {
      cancel();
    }
    Future<Void> idle = cliTurnOpen ? cliTurnEnded.future() : Future.succeededFuture();
    if (cliTurnOpen && !interruptSent) {
      interrupt();
    }
    return idle.compose(v -> {
      if (!alive()) {
        return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "the claude process is gone: " + deathCause));
      }
      if (firstUuid == null) {
        return Future.succeededFuture();
      }
      String first = firstUuid;
      String last = lastUuid;
      return control(rid -> StreamJson.rewind(rid, first, last), options.interruptTimeoutMs()).compose(r -> {
        if (r.success() && r.response().path("rewound").asBoolean(false)) {
          if (first.equals(firstUuid)) {
            firstUuid = null;
            lastUuid = null;
          }
          return Future.succeededFuture();
        }
        String why = r.success() ? r.response().path("reason").asText(r.response().path("error").asText("not rewound")) : r.error();
        return Future.failedFuture(new AxonException(ErrorKind.INTERNAL, "the claude CLI did not rewind its conversation: " + why));
      });
    });
  }

  @Override
  public boolean alive() {
    return alive && !closed && (process == null || process.running());
  }

  /** Completes once the session is closed: its process gone and its directory removed. */
  Future<Void> closed() {
    return closedPromise.future();
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return closedPromise.future();
    }
    closed = true;
    doClose().onComplete(ar -> closedPromise.tryComplete());
    return closedPromise.future();
  }

  private Future<Void> doClose() {
    cancelTimers();
    if (turn != null) {
      turn.fail(new AxonException(ErrorKind.UNAVAILABLE, "The claude session was closed."));
    }
    if (process == null) {
      return vertx.executeBlocking(() -> {
        ClaudeLauncher.deleteQuietly(dirs.root());
        return null;
      }, false).mapEmpty();
    }
    ClaudeProcess p = process;
    if (cliTurnOpen || !alive) {
      p.terminate();
    } else {
      p.closeInput();
    }
    long killTimer = vertx.setTimer(Math.max(1, options.closeTimeoutMs()), t -> {
      if (p.running()) {
        log.debug("session {}: claude process {} did not exit in time; killing it", id, p.pid());
        p.kill();
      }
    });
    Promise<Void> done = Promise.promise();
    p.exited().onComplete(ar -> {
      vertx.cancelTimer(killTimer);
      // The directory held the CLI's config and scratch files only; it goes with the process.
      vertx.executeBlocking(() -> {
        ClaudeLauncher.deleteQuietly(dirs.root());
        return null;
      }, false).onComplete(d -> done.complete());
    });
    return done.future();
  }

  // --- the process's output ----------------------------------------------------------------------------------

  private void onLine(JsonNode line) {
    if (cliTurnOpen) {
      armInactivity();
    }
    CliMessage message = StreamJson.parse(line);
    if (message instanceof StreamJson.StreamEvent e) {
      Turn t = turn;
      if (t != null && !t.done) {
        t.decoder.accept(e.event());
        if (t.output.cut() != null) {
          t.finishEarly();
        }
      }
    } else if (message instanceof StreamJson.Result r) {
      onResult(r);
    } else if (message instanceof StreamJson.ControlResponse c) {
      Promise<StreamJson.ControlResponse> waiting = controls.remove(c.requestId());
      if (waiting != null) {
        waiting.tryComplete(c);
      }
    } else if (message instanceof StreamJson.ControlRequest c) {
      log.warn("session {}: the claude CLI asked the host for '{}'; refused (tools are disabled)", id, c.subtype());
      process.send("can_use_tool".equals(c.subtype()) ? StreamJson.denyPermission(c.requestId())
          : StreamJson.refuseRequest(c.requestId(), "not supported by this host"));
    } else if (message instanceof StreamJson.ApiRetry r) {
      log.debug("session {}: the claude CLI retries upstream (attempt {}, status {}, {})", id, r.attempt(), r.errorStatus(), r.error());
    }
  }

  private void onResult(StreamJson.Result r) {
    log.debug("session {}: turn ended ({}, error {}, stop {}, {})", id, r.subtype(), r.isError(), r.stopReason(), r.terminalReason());
    cliTurnOpen = false;
    cancelTimers();
    Turn t = turn;
    if (t != null && !t.done) {
      t.complete(r);
    }
    cliTurnEnded.tryComplete();
  }

  private void onGarbage(String line) {
    log.warn("session {}: the claude CLI wrote a line that is not stream-json ({}); discarding the session", id, line);
    die("it wrote a line that is not stream-json", new AxonException(ErrorKind.UPSTREAM_ERROR,
        "The claude CLI broke its output protocol; the session was discarded."));
    process.kill();
  }

  private void onExit(int exitCode, String stderrTail) {
    if (closed) {
      alive = false;
      return;
    }
    String cause = "it exited with code " + exitCode + (stderrTail.isEmpty() ? "" : " (" + lastLine(stderrTail) + ")");
    if (alive) {
      log.warn("session {} of {}: the claude process {}", id, model, cause);
    }
    die(cause, new AxonException(ErrorKind.UPSTREAM_ERROR, "The claude process exited during the turn."));
  }

  /** The session can no longer serve: fail what waits on it. */
  private void die(String cause, AxonException turnError) {
    if (!alive) {
      return;
    }
    alive = false;
    deathCause = cause;
    cancelTimers();
    if (turn != null) {
      turn.fail(turnError);
    }
    cliTurnOpen = false;
    cliTurnEnded.tryFail(new AxonException(ErrorKind.UNAVAILABLE, "the claude process is gone: " + cause));
    for (Promise<StreamJson.ControlResponse> waiting : controls.values()) {
      waiting.tryFail(new AxonException(ErrorKind.UNAVAILABLE, "the claude process is gone: " + cause));
    }
    controls.clear();
  }

  // --- control requests, interrupts, timers ------------------------------------------------------------------

  private Future<StreamJson.ControlResponse> control(java.util.function.Function<String, String> line, long timeoutMs) {
    if (!alive) {
      return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE, "the claude process is gone: " + deathCause));
    }
    String requestId = "axon-" + (++controlSeq);
    Promise<StreamJson.ControlResponse> response = Promise.promise();
    controls.put(requestId, response);
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (controls.remove(requestId) != null) {
        response.tryFail(new AxonException(ErrorKind.TIMEOUT, "the claude CLI did not answer a control request within " + timeoutMs + " ms"));
      }
    });
    process.send(line.apply(requestId));
    return response.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Stops the CLI's running turn; a process that does not end it in time is killed. */
  private void interrupt() {
    if (!cliTurnOpen || interruptSent || !alive) {
      return;
    }
    interruptSent = true;
    log.debug("session {}: interrupting the CLI's turn", id);
    control(StreamJson::interrupt, options.interruptTimeoutMs()).onFailure(e ->
        log.debug("session {}: interrupt not acknowledged: {}", id, e.getMessage()));
    interruptTimer = vertx.setTimer(options.interruptTimeoutMs(), t -> {
      interruptTimer = -1;
      if (cliTurnOpen && alive) {
        log.warn("session {}: the claude CLI did not end an interrupted turn within {} ms; killing it", id, options.interruptTimeoutMs());
        die("it did not end an interrupted turn", new AxonException(ErrorKind.TIMEOUT, "The model did not stop in time."));
        process.kill();
      }
    });
  }

  private void armInactivity() {
    if (inactivityTimer >= 0) {
      vertx.cancelTimer(inactivityTimer);
    }
    inactivityTimer = vertx.setTimer(options.inactivityTimeoutMs(), t -> {
      inactivityTimer = -1;
      if (!cliTurnOpen || !alive) {
        return;
      }
      log.warn("session {} of {}: no output from the claude CLI for {} ms during a turn; discarding the session",
          id, model, options.inactivityTimeoutMs());
      die("it was silent for " + options.inactivityTimeoutMs() + " ms during a turn", new AxonException(ErrorKind.TIMEOUT,
          "The model produced no output for " + options.inactivityTimeoutMs() + " ms."));
      process.kill();
    });
  }

  private void cancelTimers() {
    if (inactivityTimer >= 0) {
      vertx.cancelTimer(inactivityTimer);
      inactivityTimer = -1;
    }
    if (interruptTimer >= 0) {
      vertx.cancelTimer(interruptTimer);
      interruptTimer = -1;
    }
  }

  // --- errors ------------------------------------------------------------------------------------------------

  /** A failed turn as a typed error: the upstream's status when there is one, else the CLI's words. */
  static AxonException turnError(StreamJson.Result r) {
    if (r.apiErrorStatus() != null) {
      return AnthropicErrors.fromStatus(r.apiErrorStatus(), r.text(), null);
    }
    String text = r.text() == null || r.text().isBlank() ? r.subtype() : r.text();
    if (text != null && (text.contains("Not logged in") || text.contains("Invalid API key") || text.contains("/login"))) {
      return new AxonException(ErrorKind.UPSTREAM_AUTH,
          "The gateway's upstream credentials were rejected; this is a gateway configuration problem.");
    }
    if ("aborted_streaming".equals(r.terminalReason()) || "aborted_tools".equals(r.terminalReason())) {
      return new AxonException(ErrorKind.CANCELLED, "The turn was interrupted.");
    }
    return new AxonException(ErrorKind.UPSTREAM_ERROR, "The claude CLI failed the turn: " + shorten(text));
  }

  private static AxonException modelCheckFailure(String error) {
    String text = error == null ? "unknown error" : error;
    if (text.contains("Authentication") || text.contains("API key") || text.contains("credentials") || text.contains("/login")) {
      return new AxonException(ErrorKind.UPSTREAM_AUTH, "the upstream rejected the gateway's credentials (" + shorten(text) + ")");
    }
    return new AxonException(ErrorKind.UPSTREAM_ERROR, "the claude CLI's model check failed: " + shorten(text));
  }

  private AxonException startFailure(Throwable cause) {
    if (cause instanceof AxonException e) {
      return e;
    }
    return new AxonException(ErrorKind.UNAVAILABLE, "the claude CLI could not be started: " + cause.getMessage());
  }

  private static String shorten(String s) {
    if (s == null) {
      return "";
    }
    String one = s.replace('\n', ' ').trim();
    return one.length() > 300 ? one.substring(0, 300) + "…" : one;
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return shorten(lines[lines.length - 1]);
  }

  // --- one turn ----------------------------------------------------------------------------------------------

  /** The caller's side of one turn; done once it completed, failed or was cut. */
  private final class Turn {
    final Promise<ChatEvent.Done> promise = Promise.promise();
    final ChatRequest request;
    final TurnOutput output;
    final AnthropicEventDecoder decoder;
    boolean done;

    Turn(ChatRequest request, Consumer<ChatEvent> sink) {
      this.request = request;
      this.output = new TurnOutput(request, sink);
      // The CLI's own tool_use blocks (a tool the model tried to use in the CLI) are never the client's tool calls.
      this.decoder = new AnthropicEventDecoder(event -> {
        if (event instanceof ChatEvent.TextDelta d) {
          output.accept(d.text());
        }
      });
    }

    /** The gateway ended the reply (stop sequence, cap, single tool call): done for the caller, interrupt the CLI. */
    void finishEarly() {
      FinishReason reason = output.cut();
      Usage usage = new Usage(decoder.usage().promptTokens(), output.estimatedTokens(), decoder.usage().cachedTokens(), 0);
      end();
      promise.tryComplete(new ChatEvent.Done(reason, usage, servedModel(), null));
      interrupt();
    }

    void complete(StreamJson.Result r) {
      boolean toolAttempt = r.isError() && "max_turns".equals(r.terminalReason());
      if (r.isError() && !toolAttempt) {
        fail(turnError(r));
        return;
      }
      if (toolAttempt) {
        log.warn("session {}: the model asked the CLI for a tool; refused, and the reply ends there", id);
      }
      output.finish();
      String problem = output.jsonProblem();
      if (problem != null) {
        fail(new AxonException(ErrorKind.UPSTREAM_ERROR,
            "The model's reply does not fit the requested response_format: " + problem + "."));
        return;
      }
      FinishReason upstream = AnthropicEventDecoder.finishReason(r.stopReason() != null ? r.stopReason() : decoder.stopReason());
      end();
      promise.tryComplete(new ChatEvent.Done(output.finishReason(upstream), usage(r.usage()), servedModel(), null));
    }

    void fail(AxonException error) {
      if (done) {
        return;
      }
      end();
      promise.tryFail(error);
    }

    private void end() {
      done = true;
      if (turn == this) {
        turn = null;
      }
    }

    private String servedModel() {
      return decoder.model() != null ? decoder.model() : model;
    }

    /** The CLI's counts for the whole turn (every upstream request in it); the decoder's when it has none. */
    private Usage usage(JsonNode u) {
      if (u == null || !u.has("output_tokens")) {
        return decoder.usage();
      }
      int cacheRead = u.path("cache_read_input_tokens").asInt();
      int prompt = u.path("input_tokens").asInt() + cacheRead + u.path("cache_creation_input_tokens").asInt();
      return new Usage(prompt, u.path("output_tokens").asInt(), cacheRead, 0);
    }
  }
}
