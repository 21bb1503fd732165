package dev.axon.pool.provider.claudecode;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.pool.emulation.StopSequenceFilter;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What the gateway enforces on one turn's streamed reply, for the parameters the CLI cannot pass upstream: the
 * {@code max_tokens} cap (on a {@link TokenCounter} estimate), tool calls (parsed out of the text by a
 * {@link ToolCallExtractor}), JSON formats ({@link JsonReply}) and stop sequences ({@link StopSequenceFilter}),
 * in that order. Text reaches the sink as it comes, except the few characters a filter must hold to decide.
 * When the cap, a stop sequence or a single allowed tool call ends the reply early, {@link #cut()} says why, and
 * the session stops the CLI's turn.
 *
 * <p>Not thread-safe: one per turn, on the session's context.
 */
final class TurnOutput {

  private final ChatRequest request;
  private final Consumer<ChatEvent> sink;
  private final Integer cap;
  private final TokenCounter tokens = new TokenCounter();
  private final StopSequenceFilter stops;
  private final ToolCallExtractor tools;
  private final JsonReply json;
  private final boolean singleCall;
  private FinishReason cut;
  private boolean emitted;
  private boolean finished;

  TurnOutput(ChatRequest request, Consumer<ChatEvent> sink) {
    this.request = request;
    this.sink = sink;
    this.cap = request.sampling().maxTokens();
    this.stops = new StopSequenceFilter(request.sampling().stop());
    if (request.toolsEnabled() && !request.functionTools().isEmpty()) {
      Set<String> names = request.functionTools().stream().map(ToolDefinition::name).collect(Collectors.toSet());
      this.tools = new ToolCallExtractor(names, new ToolCallExtractor.Out() {
        @Override
        public void text(String text) {
          afterTools(text);
        }

        @Override
        public void call(String name, String arguments) {
          toolCall(name, arguments);
        }
      });
    } else {
      this.tools = null;
    }
    this.json = request.responseFormat().isJson() ? new JsonReply(request.responseFormat(), this::afterJson) : null;
    this.singleCall = Boolean.FALSE.equals(request.parallelToolCalls());
  }

  /** Takes one streamed piece of the model's text. */
  void accept(String text) {
    if (cut != null || finished || text.isEmpty()) {
      return;
    }
    String piece = text;
    boolean capped = false;
    if (cap != null) {
      int fit = tokens.fit(text, cap);
      if (fit < text.length()) {
        piece = text.substring(0, fit);
        capped = true;
      }
    } else {
      tokens.add(text);
    }
    if (!piece.isEmpty()) {
      if (tools != null) {
        tools.accept(piece);
      } else {
        afterTools(piece);
      }
    }
    if (capped && cut == null) {
      flush();
      cut = FinishReason.LENGTH;
    }
  }

  /** The reply ended on its own: let out what the filters hold. */
  void finish() {
    if (cut == null && !finished) {
      flush();
    }
    finished = true;
  }

  /** Why the gateway ended the reply early, or null. */
  FinishReason cut() {
    return cut;
  }

  int toolCalls() {
    return tools == null ? 0 : tools.calls();
  }

  /** Whether anything reached the sink. */
  boolean emitted() {
    return emitted;
  }

  /** Estimated output tokens of the text received. */
  int estimatedTokens() {
    return (int) Math.min(Integer.MAX_VALUE, tokens.count());
  }

  /** Why the complete reply breaks its JSON format, or null (also when there is none, or the reply was cut or called tools). */
  String jsonProblem() {
    if (json == null || cut == FinishReason.LENGTH || toolCalls() > 0) {
      return null;
    }
    return json.problem();
  }

  /** The finish reason for a reply that ended upstream with {@code upstream}. */
  FinishReason finishReason(FinishReason upstream) {
    if (cut != null) {
      return cut;
    }
    if (toolCalls() > 0) {
      return FinishReason.TOOL_CALLS;
    }
    return upstream == FinishReason.TOOL_CALLS ? FinishReason.STOP : upstream;
  }

  private void flush() {
    if (tools != null) {
      tools.finish();
    }
    if (json != null) {
      json.finish();
    }
    String rest = stops.flush();
    if (!rest.isEmpty()) {
      text(rest);
    }
  }

  private void afterTools(String text) {
    if (json != null) {
      json.accept(text);
    } else {
      afterJson(text);
    }
  }

  private void afterJson(String text) {
    if (cut != null) {
      return;
    }
    String out = stops.accept(text);
    if (!out.isEmpty()) {
      text(out);
    }
    if (stops.stopped()) {
      cut = FinishReason.STOP;
    }
  }

  private void toolCall(String name, String arguments) {
    if (cut != null) {
      return;
    }
    int index = tools.calls() - 1;
    String id = "call_" + randomId();
    emitted = true;
    sink.accept(new ChatEvent.ToolCallDelta(index, id, name, ""));
    sink.accept(new ChatEvent.ToolCallDelta(index, null, null, arguments));
    if (singleCall) {
      cut = FinishReason.TOOL_CALLS;
    }
  }

  private void text(String text) {
    emitted = true;
    sink.accept(new ChatEvent.TextDelta(text));
  }

  private static String randomId() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(24);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 24; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
