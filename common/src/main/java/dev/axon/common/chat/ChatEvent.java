package dev.axon.common.chat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;

/**
 * What a session produces during a turn, in order: any number of deltas, then exactly one {@link Done} or
 * {@link Failed}. {@link Heartbeat}s may come at any time while the producer is alive but silent.
 *
 * <p>Content blocks of the reply, in order: text ({@link TextDelta}s), tool calls ({@link ToolCallDelta}s), thinking
 * ({@link ThinkingDelta}s ended by one carrying the signature), redacted thinking and blocks the canonical model does
 * not know ({@link RedactedThinking}, {@link OpaqueBlock}: each one whole block). A dialect that cannot show thinking
 * or opaque blocks (OpenAI's) skips them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ChatEvent.TextDelta.class, name = "text"),
  @JsonSubTypes.Type(value = ChatEvent.ToolCallDelta.class, name = "tool"),
  @JsonSubTypes.Type(value = ChatEvent.ThinkingDelta.class, name = "thinking"),
  @JsonSubTypes.Type(value = ChatEvent.RedactedThinking.class, name = "redacted_thinking"),
  @JsonSubTypes.Type(value = ChatEvent.OpaqueBlock.class, name = "opaque"),
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
   * A piece of a thinking block, exactly like Anthropic's {@code thinking_delta} and {@code signature_delta}: while
   * the block streams, text fragments come with a null {@code signature}; the block ends with one delta whose
   * {@code thinking} is empty and whose {@code signature} is set (a block whose thinking is not shown has only that
   * one). A ThinkingDelta starts a new block when the event before it was not a ThinkingDelta, or was the previous
   * block's signature delta.
   */
  record ThinkingDelta(String thinking, String signature) implements ChatEvent {

    /** A fragment of the thinking text. */
    public static ThinkingDelta text(String thinking) {
      return new ThinkingDelta(thinking, null);
    }

    /** The signature that ends the block. */
    public static ThinkingDelta signed(String signature) {
      return new ThinkingDelta("", signature);
    }
  }

  /** A whole redacted thinking block: encrypted data the client must send back as it came. */
  record RedactedThinking(String data) implements ChatEvent {
  }

  /**
   * A whole content block the canonical model does not know (Anthropic's {@code server_tool_use} with its complete
   * {@code input}, {@code web_search_tool_result}, …) as its JSON text; see {@link ContentPart.Opaque}.
   */
  record OpaqueBlock(String json) implements ChatEvent {
  }

  /**
   * The turn ended well.
   *
   * @param servedModel  the model that actually produced the reply
   * @param refusal      the model's refusal text when it declined, else null
   * @param provider     the provider that served the turn (set by the pool; it may be a fallback), or null
   * @param stopSequence the client's stop sequence that ended the reply, or null
   * @param stopReason   the upstream's own stop reason when the provider has one that the finish reason translates
   *                     faithfully (Anthropic's {@code end_turn}, {@code pause_turn},
   *                     {@code model_context_window_exceeded}, …), else null; a dialect that can say more than
   *                     {@code finishReason} (Anthropic's) prefers it
   */
  record Done(FinishReason finishReason, Usage usage, String servedModel, String refusal, String provider,
              String stopSequence, String stopReason) implements ChatEvent {

    /** As a session reports it; the pool adds which provider served it. */
    public Done(FinishReason finishReason, Usage usage, String servedModel, String refusal) {
      this(finishReason, usage, servedModel, refusal, null, null, null);
    }

    public Done(FinishReason finishReason, Usage usage, String servedModel, String refusal, String provider) {
      this(finishReason, usage, servedModel, refusal, provider, null, null);
    }

    public Done withProvider(String name) {
      return new Done(finishReason, usage, servedModel, refusal, name, stopSequence, stopReason);
    }

    /** This outcome, ended by the stop sequence {@code sequence} (null: none). */
    public Done withStopSequence(String sequence) {
      return new Done(finishReason, usage, servedModel, refusal, provider, sequence, stopReason);
    }

    /** This outcome with the upstream's own stop reason. */
    public Done withStopReason(String reason) {
      return new Done(finishReason, usage, servedModel, refusal, provider, stopSequence, reason);
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
