package dev.axon.api.openai;

import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.Usage;
import java.util.List;

/** One finished choice as the renderer needs it. */
public record ChoiceResult(int index, String content, List<ToolCall> toolCalls, FinishReason finishReason, String refusal, Usage usage) {
}
