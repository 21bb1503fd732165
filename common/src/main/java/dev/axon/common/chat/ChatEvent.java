package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;

/**
 * What a session produces during a turn, in order: any number of deltas, then exactly one {@link Done} or
 * {@link Failed}. {@link Heartbeat}s may come at any time while the producer is alive but silent.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ChatEvent.TextDelta.class, name = "text"),
  @JsonSubTypes.Type(value = ChatEvent.ToolCallDelta.class, name = "tool"),
  @JsonSubTypes.Type(value = ChatEvent.Done.class, name = "done"),
  @JsonSubTypes.Type(value = ChatEvent.Failed.class, name = "failed"),
  @JsonSubTypes.Type(value = ChatEvent.Heartbeat.class, name = "hb")
})
public sealed interface ChatEvent {

  /** Whether this event ends the turn. */
  default boolean terminal() {
    return false;
  }

  /** A piece of the reply's text. */
  record TextDelta(String text) implements ChatEvent {
  }

  /**
   * A piece of a tool call. The first piece of call {@code index} carries its {@code id} and {@code name};
   * later pieces carry only argument fragments (JSON text to be concatenated).
   */
  record ToolCallDelta(int index, String id, String name, String arguments) implements ChatEvent {
  }

  /**
   * The turn ended well.
   *
   * @param servedModel the model that actually produced the reply
   * @param refusal     the model's refusal text when it declined, else null
   * @param provider    the provider that served the turn (set by the pool; it may be a fallback), or null
   */
  record Done(FinishReason finishReason, Usage usage, String servedModel, String refusal, String provider) implements ChatEvent {

    /** As a session reports it; the pool adds which provider served it. */
    public Done(FinishReason finishReason, Usage usage, String servedModel, String refusal) {
      this(finishReason, usage, servedModel, refusal, null);
    }

    public Done withProvider(String name) {
      return new Done(finishReason, usage, servedModel, refusal, name);
    }

    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** The turn failed. */
  record Failed(ErrorKind kind, String message, Integer retryAfterSeconds) implements ChatEvent {
    public static Failed of(AxonException e) {
      return new Failed(e.kind(), e.getMessage(), e.retryAfterSeconds());
    }

    public AxonException toException() {
      return new AxonException(kind, message, null, retryAfterSeconds);
    }

    @Override
    public boolean terminal() {
      return true;
    }
  }

  /** The producer is alive but has nothing to say yet. */
  record Heartbeat() implements ChatEvent {
    public static final Heartbeat INSTANCE = new Heartbeat();
  }
}
