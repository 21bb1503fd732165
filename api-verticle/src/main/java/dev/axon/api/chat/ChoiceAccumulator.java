package dev.axon.api.chat;

import dev.axon.api.openai.ChoiceResult;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one choice's events into the reply: text, tool calls, and the final outcome. Renderers read it once the
 * choice is done.
 */
public final class ChoiceAccumulator {

  private final int index;
  private final StringBuilder text = new StringBuilder();
  private final List<String[]> calls = new ArrayList<>();
  private final List<StringBuilder> arguments = new ArrayList<>();
  private ChatEvent.Done done;

  ChoiceAccumulator(int index) {
    this.index = index;
  }

  void add(ChatEvent event) {
    if (event instanceof ChatEvent.TextDelta t) {
      text.append(t.text());
    } else if (event instanceof ChatEvent.ToolCallDelta d) {
      while (calls.size() <= d.index()) {
        calls.add(new String[2]);
        arguments.add(new StringBuilder());
      }
      String[] call = calls.get(d.index());
      if (d.id() != null) {
        call[0] = d.id();
      }
      if (d.name() != null) {
        call[1] = d.name();
      }
      if (d.arguments() != null) {
        arguments.get(d.index()).append(d.arguments());
      }
    } else if (event instanceof ChatEvent.Done d) {
      done = d;
    }
  }

  public int index() {
    return index;
  }

  public boolean done() {
    return done != null;
  }

  /** How the choice ended; null while it runs. */
  public ChatEvent.Done outcome() {
    return done;
  }

  public Usage usage() {
    return done == null || done.usage() == null ? Usage.ZERO : done.usage();
  }

  /** The reply's text so far. */
  public String text() {
    return text.toString();
  }

  public List<ToolCall> toolCalls() {
    List<ToolCall> out = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      String[] c = calls.get(i);
      out.add(new ToolCall(c[0], c[1], arguments.get(i).toString()));
    }
    return out;
  }

  public ChoiceResult result() {
    return new ChoiceResult(index, text.toString(), toolCalls(), done.finishReason(), done.refusal(), usage());
  }

  /**
   * The reply as it is stored in the conversation. A refusal without text is stored as its text (as the parser
   * reads an assistant message's {@code refusal}), so history never holds an empty assistant message.
   */
  public ChatMessage toMessage() {
    String stored = text.length() == 0 && done != null && done.refusal() != null ? done.refusal() : text.toString();
    List<ContentPart> content = stored.isEmpty() ? List.of() : List.of(new ContentPart.Text(stored));
    return new ChatMessage(Role.ASSISTANT, content, null, toolCalls(), null);
  }
}
