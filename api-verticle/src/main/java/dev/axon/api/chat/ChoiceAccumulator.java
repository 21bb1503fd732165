package dev.axon.api.chat;

import dev.axon.api.openai.ChoiceResult;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.JoinedText;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one choice's events into the reply: its content blocks in order (text, thinking with its signature,
 * redacted thinking, blocks the canonical model does not know), its tool calls, and the final outcome. Renderers
 * read it once the choice is done; the conversation stores {@link #toMessage()}.
 */
public final class ChoiceAccumulator {

  private final int index;
  private final JoinedText text = new JoinedText();
  /** The content in order: a {@link JoinedText} per run of text, a {@link Thought} per thinking block, or a part. */
  private final List<Object> blocks = new ArrayList<>();
  private final List<String[]> calls = new ArrayList<>();
  private final List<StringBuilder> arguments = new ArrayList<>();
  private ChatEvent.Done done;

  /** A thinking block being streamed: its text so far, and its signature once it came (which ends the block). */
  private static final class Thought {
    final StringBuilder thinking = new StringBuilder();
    String signature;
  }

  ChoiceAccumulator(int index) {
    this.index = index;
  }

  void add(ChatEvent event) {
    if (event instanceof ChatEvent.TextDelta t) {
      text.append(t.text());
      Object last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
      if (last instanceof JoinedText run) {
        run.append(t.text());
      } else {
        blocks.add(new JoinedText().append(t.text()));
      }
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
    } else if (event instanceof ChatEvent.ThinkingDelta t) {
      Object last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
      Thought thought = last instanceof Thought open && open.signature == null ? open : null;
      if (thought == null) {
        thought = new Thought();
        blocks.add(thought);
      }
      if (t.thinking() != null) {
        thought.thinking.append(t.thinking());
      }
      if (t.signature() != null) {
        thought.signature = t.signature();
      }
    } else if (event instanceof ChatEvent.RedactedThinking r) {
      blocks.add(new ContentPart.RedactedThinking(r.data()));
    } else if (event instanceof ChatEvent.OpaqueBlock o) {
      blocks.add(new ContentPart.Opaque(o.json()));
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

  /** The reply's text so far (every text block, joined). */
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
   * The reply as it is stored in the conversation: its content blocks in order (thinking keeps its signature, so a
   * continued conversation sends it back as the upstream wants it), then its tool calls. A refusal without text is
   * stored as its text (as the OpenAI parser reads an assistant message's {@code refusal}), so history never holds an
   * empty assistant message.
   */
  public ChatMessage toMessage() {
    List<ContentPart> content = new ArrayList<>(blocks.size() + 1);
    for (Object block : blocks) {
      if (block instanceof JoinedText run) {
        if (!run.isEmpty()) {
          content.add(new ContentPart.Text(run.toString()));
        }
      } else if (block instanceof Thought t) {
        content.add(new ContentPart.Thinking(t.thinking.toString(), t.signature));
      } else {
        content.add((ContentPart) block);
      }
    }
    if (text.length() == 0 && done != null && done.refusal() != null && !done.refusal().isEmpty()) {
      content.add(new ContentPart.Text(done.refusal()));
    }
    return new ChatMessage(Role.ASSISTANT, content, null, toolCalls(), null);
  }
}
