package dev.axon.pool.provider;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatRequest;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * One long-lived model session. It serves one turn at a time and many turns over its life; between turns the
 * pool {@linkplain #reset() resets} it so the next conversation sees nothing of the last one.
 *
 * <p>Threading: called only from the pool verticle's context; completes futures and delivers events there.
 */
public interface Session {

  /** A stable id for logs and tests. */
  String id();

  /**
   * Runs one turn over the whole conversation in {@code request}. Deltas ({@link ChatEvent.TextDelta},
   * {@link ChatEvent.ToolCallDelta}) go to {@code sink} as the model produces them, never buffered to the
   * end. The future completes with the {@link ChatEvent.Done} or fails with a typed
   * {@link dev.axon.common.error.AxonException}; after {@link #cancel()} it fails with {@code CANCELLED}.
   */
  Future<ChatEvent.Done> run(ChatRequest request, Consumer<ChatEvent> sink);

  /**
   * Runs one turn as {@link #run(ChatRequest, Consumer)}, knowing whether its caller relays the events as they come
   * ({@code streamed}) or waits for the whole reply; a session may then get the whole reply in one piece. The events
   * and the outcome are those of a streamed turn. By default every turn runs as streamed.
   */
  default Future<ChatEvent.Done> run(ChatRequest request, boolean streamed, Consumer<ChatEvent> sink) {
    return run(request, sink);
  }

  /** Stops the running turn promptly; does nothing when no turn runs. */
  void cancel();

  /** Clears all context the last turn left, so the session can serve any other conversation. */
  Future<Void> reset();

  /** False once the session can no longer serve (its process died, its connection broke for good). */
  boolean alive();

  /** Releases the session's resources; the session is not used again. */
  Future<Void> close();
}
