package dev.axon.common.chat;

/** Why generation ended, in the canonical vocabulary (OpenAI's closed set). */
public enum FinishReason {
  /** A natural end or a stop sequence. */
  STOP,
  /** The token cap was reached. */
  LENGTH,
  /** The model called one or more tools. */
  TOOL_CALLS,
  /** The model refused or the output was filtered. */
  CONTENT_FILTER
}
