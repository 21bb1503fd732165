package dev.axon.pool.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import dev.axon.pool.emulation.JsonSchemaSampler;
import dev.axon.pool.emulation.StopSequenceFilter;
import dev.axon.pool.provider.Session;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic session. Its reply echoes the last user message, says how many messages it received and
 * what the first user message was (so a test can prove the whole history arrived), streamed word by word when
 * paced ({@code MOCK_SLOW}), else as one delta of the same words.
 * Usage counts are real counts of words in and out. It honours {@code max_tokens} (in words), {@code stop},
 * JSON response formats (a JSON object, fitting the schema when one is given) and tools (a call when the
 * tool choice forces one or the last user message names a tool or says {@code MOCK_TOOL}; every tool with
 * {@code MOCK_PARALLEL}; raw server tools are never called); after a tool result it reports what the tool returned.
 * With extended thinking asked for ({@link ChatRequest#thinking()} enabled or adaptive) it first streams a thinking
 * block: a few fragments, then a signature delta (a hash of the thinking text); thinking words count as reasoning
 * tokens, outside the {@code max_tokens} cap. A stop sequence that ends the reply is named in the outcome.
 *
 * <p>The last user message scripts it: {@code MOCK_SLOW <ms>} waits that long before each word,
 * {@code MOCK_FAIL} fails before the first word, {@code MOCK_FAIL_MIDSTREAM} fails after a few words.
 */
final class MockSession implements Session {

  private static final Pattern SLOW = Pattern.compile("MOCK_SLOW\\s+(\\d{1,6})");
  private static final int MIDSTREAM_WORDS = 3;
  /** The size of a JSON reply's pieces. */
  private static final int JSON_CHUNK = 16;

  private final Vertx vertx;
  private final String id;
  private final String model;
  private final long resetDelayMs;
  private boolean alive = true;
  private Turn current;
  private int resets;

  MockSession(Vertx vertx, String id, String model, long resetDelayMs) {
    this.vertx = vertx;
    this.id = id;
    this.model = model;
    this.resetDelayMs = resetDelayMs;
  }

  @Override
  public String id() {
    return id;
  }

  int resets() {
    return resets;
  }

  @Override
  public Future<ChatEvent.Done> run(ChatRequest request, Consumer<ChatEvent> sink) {
    Turn turn = new Turn(request, sink);
    current = turn;
    turn.start();
    return turn.promise.future();
  }

  @Override
  public void cancel() {
    if (current != null) {
      current.cancel();
    }
  }

  @Override
  public Future<Void> reset() {
    resets++;
    current = null;
    if (resetDelayMs == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    vertx.setTimer(resetDelayMs, t -> done.complete());
    return done.future();
  }

  @Override
  public boolean alive() {
    return alive;
  }

  @Override
  public Future<Void> close() {
    alive = false;
    cancel();
    return Future.succeededFuture();
  }

  /** One turn: a script of pieces emitted one by one, then the outcome. */
  private final class Turn {
    final Promise<ChatEvent.Done> promise = Promise.promise();
    final ChatRequest request;
    final Consumer<ChatEvent> sink;
    final String lastUser;
    final long slowMs;
    final int promptWords;
    /** The thinking block's or the tool calls' steps, run before the text. */
    final List<Runnable> steps = new ArrayList<>(4);
    /** The reply's text, when the turn answers with text. */
    TextSteps text;
    FinishReason finish = FinishReason.STOP;
    String stopSequence;
    int completionWords;
    int thinkingWords;
    int next;
    long timer = -1;
    boolean finished;

    Turn(ChatRequest request, Consumer<ChatEvent> sink) {
      this.request = request;
      this.sink = sink;
      this.lastUser = lastText(request.messages(), Role.USER);
      Matcher m = lastUser.contains("MOCK_SLOW") ? SLOW.matcher(lastUser) : null;
      this.slowMs = m != null && m.find() ? Long.parseLong(m.group(1)) : 0;
      this.promptWords = countPromptWords(request);
    }

    void start() {
      if (lastUser.contains("MOCK_FAIL") && !lastUser.contains("MOCK_FAIL_MIDSTREAM")) {
        fail(new AxonException(ErrorKind.UPSTREAM_ERROR, "The mock provider failed as asked (MOCK_FAIL).", null, null));
        return;
      }
      if (request.thinking() != null && request.thinking().on()) {
        planThinking();
      }
      List<ToolDefinition> calls = toolCalls();
      if (!calls.isEmpty()) {
        planToolCalls(calls);
      } else {
        planText(replyText());
      }
      advance();
    }

    void cancel() {
      if (finished) {
        return;
      }
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      fail(new AxonException(ErrorKind.CANCELLED, "The turn was cancelled."));
    }

    private void advance() {
      while (!finished) {
        if (next >= steps.size() && (text == null || text.done)) {
          finish();
          return;
        }
        if (slowMs > 0) {
          timer = vertx.setTimer(slowMs, t -> {
            timer = -1;
            if (!finished) {
              step();
              advance();
            }
          });
          return;
        }
        step();
      }
    }

    private void step() {
      if (next < steps.size()) {
        steps.get(next++).run();
      } else {
        text.run();
      }
    }

    private void planText(String reply) {
      text = new TextSteps(reply);
    }

    /** A thinking block: the thought in three fragments, then its signature. */
    private void planThinking() {
      String thought = "The user wrote: " + lastUser.strip() + ". I will answer in the mock's usual way.";
      String[] words = words(thought);
      int per = Math.max(1, (words.length + 2) / 3);
      for (int from = 0; from < words.length; from += per) {
        String piece = (from == 0 ? "" : " ") + String.join(" ", java.util.Arrays.copyOfRange(words, from, Math.min(words.length, from + per)));
        int count = Math.min(words.length, from + per) - from;
        steps.add(() -> {
          thinkingWords += count;
          sink.accept(ChatEvent.ThinkingDelta.text(piece));
        });
      }
      steps.add(() -> sink.accept(ChatEvent.ThinkingDelta.signed(signature(thought))));
    }

    private void planToolCalls(List<ToolDefinition> calls) {
      for (int i = 0; i < calls.size(); i++) {
        ToolDefinition tool = calls.get(i);
        String callId = "call_" + id.replace("-", "") + "_" + Long.toHexString(System.nanoTime()) + i;
        String args = Json.toString(JsonSchemaSampler.sample(tool.parameters(), name -> "mock " + name));
        int half = args.length() / 2;
        final int index = i;
        steps.add(() -> sink.accept(new ChatEvent.ToolCallDelta(index, callId, tool.name(), "")));
        steps.add(() -> {
          completionWords++;
          sink.accept(new ChatEvent.ToolCallDelta(index, null, null, args.substring(0, half)));
        });
        steps.add(() -> {
          completionWords++;
          sink.accept(new ChatEvent.ToolCallDelta(index, null, null, args.substring(half)));
        });
      }
      finish = FinishReason.TOOL_CALLS;
    }

    /** The tools to call now: forced by the tool choice, or named in the last user message. */
    private List<ToolDefinition> toolCalls() {
      if (!request.toolsEnabled() || request.messages().isEmpty()) {
        return List.of();
      }
      if (request.messages().get(request.messages().size() - 1).role() != Role.USER) {
        return List.of();
      }
      ToolChoice choice = request.toolChoice();
      List<ToolDefinition> tools = request.functionTools();
      if (tools.isEmpty()) {
        return List.of();
      }
      if (choice != null && choice.mode() == ToolChoice.Mode.FUNCTION) {
        return tools.stream().filter(t -> t.name().equals(choice.functionName())).limit(1).toList();
      }
      if (lastUser.contains("MOCK_PARALLEL") && !Boolean.FALSE.equals(request.parallelToolCalls())) {
        return tools;
      }
      for (ToolDefinition tool : tools) {
        if (lastUser.contains(tool.name())) {
          return List.of(tool);
        }
      }
      boolean forced = choice != null && choice.mode() == ToolChoice.Mode.REQUIRED;
      return forced || lastUser.contains("MOCK_TOOL") ? List.of(tools.get(0)) : List.of();
    }

    private String replyText() {
      List<ChatMessage> messages = request.messages();
      ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
      String firstUser = firstText(messages, Role.USER);
      String echo;
      if (last != null && last.role() == Role.TOOL) {
        echo = "The tool returned: " + last.text();
      } else {
        echo = "You said: " + lastUser;
      }
      ResponseFormat format = request.responseFormat();
      if (format.type() == ResponseFormat.Type.JSON_OBJECT) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("reply", echo);
        o.put("messages", messages.size());
        o.put("first_user_message", firstUser);
        return Json.toString(o);
      }
      if (format.type() == ResponseFormat.Type.JSON_SCHEMA) {
        JsonNode value = JsonSchemaSampler.sample(format.schema(), name -> echo);
        return Json.toString(value);
      }
      return echo + " | I received " + messages.size() + " messages. The first user message was: " + firstUser;
    }

    /**
     * The reply's text as steps: a word at a time (a 16-character chunk of a JSON reply), then what the stop filter
     * held back. The pieces are cut as they go: a script of a closure per word was a tenth of a mock turn.
     *
     * <p>Unpaced (no {@code MOCK_SLOW}), every step runs in the pass that started the turn, and the pool sends what
     * a session emits in one pass as one delta anyway: the pieces are then joined here and emitted once at the end
     * (an event per word was most of a mock turn's time). A turn that fails mid-stream still emits its words one by one.
     */
    private final class TextSteps {
      final String text;
      final boolean json;
      final Integer maxTokens = request.sampling().maxTokens();
      final StopSequenceFilter stops = new StopSequenceFilter(request.sampling().stop());
      final boolean failMidstream = lastUser.contains("MOCK_FAIL_MIDSTREAM");
      /** Whether the pieces leave as one delta at the end (else each leaves as it comes). */
      final boolean joins;
      /** The pieces so far, when they are joined; made at the first piece. */
      StringBuilder joined;
      /** Where the next piece is looked for. */
      int at;
      /** The current piece: a range of the text, and whether a space goes before it (in place of other white space). */
      int pieceFrom;
      int pieceTo;
      boolean spaceBefore;
      /** Pieces taken so far. */
      int pieces;
      boolean done;

      TextSteps(String reply) {
        this.json = request.responseFormat().isJson();
        this.text = json ? reply : reply.trim();
        this.joins = slowMs == 0 && !failMidstream;
      }

      void run() {
        if (pieces == 0 && takeWhole()) {
          return;
        }
        if (!nextPiece()) {
          flushHeld();
          end();
          return;
        }
        if (failMidstream && pieces == MIDSTREAM_WORDS) {
          fail(new AxonException(ErrorKind.UPSTREAM_ERROR, "The mock provider failed mid-stream as asked (MOCK_FAIL_MIDSTREAM).", null, null));
          return;
        }
        pieces++;
        if (maxTokens != null && completionWords >= maxTokens) {
          finish = FinishReason.LENGTH;
          // Text held back as a possible start of a stop sequence was generated: it is part of the reply.
          flushHeld();
          end();
          return;
        }
        completionWords++;
        if (joins && !stops.active()) {
          // Joined and nothing to watch for: the piece goes from the text into the reply without a string of its own.
          if (spaceBefore) {
            joined().append(' ');
          }
          joined().append(text, pieceFrom, pieceTo);
          return;
        }
        emit(stops.accept(piece()));
        if (stops.stopped()) {
          stopSequence = stops.matched();
          end();
        }
      }

      /**
       * The common case in one step: joined, nothing to watch for, and a text whose words are already single-spaced
       * and all fit in max_tokens is its own reply, word for word: one scan counts the words instead of a step per word.
       */
      private boolean takeWhole() {
        if (!joins || json || stops.active() || text.isEmpty()) {
          return false;
        }
        int words = singleSpacedWords(text);
        if (words < 0 || (maxTokens != null && completionWords + words > maxTokens)) {
          return false;
        }
        completionWords += words;
        done = true;
        sink.accept(new ChatEvent.TextDelta(text));
        return true;
      }

      private void flushHeld() {
        emit(stops.flush());
      }

      private void emit(String out) {
        if (out.isEmpty()) {
          return;
        }
        if (joins) {
          joined().append(out);
        } else {
          sink.accept(new ChatEvent.TextDelta(out));
        }
      }

      private StringBuilder joined() {
        if (joined == null) {
          joined = new StringBuilder(text.length());
        }
        return joined;
      }

      /** The last step: the joined pieces leave. */
      private void end() {
        done = true;
        if (joined != null && !joined.isEmpty()) {
          sink.accept(new ChatEvent.TextDelta(joined.toString()));
        }
      }

      /**
       * Moves to the next piece ({@link #words} of the text, a space before all but the first); false after the last.
       * A blank text is one empty word, as words() has it.
       */
      private boolean nextPiece() {
        int length = text.length();
        spaceBefore = false;
        if (json) {
          if (at >= length) {
            return false;
          }
          pieceFrom = at;
          pieceTo = at = Math.min(length, at + JSON_CHUNK);
          return true;
        }
        if (length == 0) {
          pieceFrom = pieceTo = 0;
          return at++ == 0;
        }
        int start = wordStart(text, at);
        if (start >= length) {
          return false;
        }
        at = wordEnd(text, start);
        pieceTo = at;
        pieceFrom = start;
        if (pieces > 0) {
          // Most words follow a plain space: the piece is then a slice of the text as it stands.
          if (text.charAt(start - 1) == ' ') {
            pieceFrom = start - 1;
          } else {
            spaceBefore = true;
          }
        }
        return true;
      }

      /** The current piece as a string of its own. */
      private String piece() {
        String slice = text.substring(pieceFrom, pieceTo);
        return spaceBefore ? " " + slice : slice;
      }
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      current = null;
      Usage usage = new Usage(promptWords, completionWords + thinkingWords, 0, thinkingWords);
      ChatEvent.Done done = new ChatEvent.Done(finish, usage, model, null);
      promise.tryComplete(stopSequence != null ? done.withStopSequence(stopSequence) : done);
    }

    private void fail(AxonException error) {
      if (finished) {
        return;
      }
      finished = true;
      current = null;
      promise.tryFail(error);
    }
  }

  private static String lastText(List<ChatMessage> messages, Role role) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == role) {
        return messages.get(i).text();
      }
    }
    return "";
  }

  private static String firstText(List<ChatMessage> messages, Role role) {
    for (ChatMessage m : messages) {
      if (m.role() == role) {
        return m.text();
      }
    }
    return "";
  }

  /** A stable stand-in for the upstream's signature of a thinking text. */
  static String signature(String thinking) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(thinking.getBytes(StandardCharsets.UTF_8));
      return "mock" + Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The prompt's words: what a turn reports as its prompt tokens. */
  static int countPromptWords(ChatRequest request) {
    int words = 0;
    for (ChatMessage m : request.messages()) {
      for (ContentPart part : m.content()) {
        if (part instanceof ContentPart.Text t) {
          words += countWords(t.text());
        }
      }
    }
    return words;
  }

  /**
   * The words of a text as {@code text.trim().split("\\s+")} gives them (split on runs of space, tab, line feed,
   * vertical tab, form feed and carriage return), scanned by hand: the mock splits every reply and prompt, and the
   * regex split was a tenth of a mock turn's time.
   */
  static String[] words(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return new String[] {""};
    }
    String[] out = new String[countWords(trimmed)];
    int n = 0;
    int start = wordStart(trimmed, 0);
    while (start < trimmed.length()) {
      int end = wordEnd(trimmed, start);
      out[n++] = trimmed.substring(start, end);
      start = wordStart(trimmed, end);
    }
    return out;
  }

  /** How many words {@link #words} finds in a text; 0 for a blank one. */
  static int countWords(String text) {
    // One pass over the range trim() would keep, counting where words start: no trimmed copy, no second scan of each
    // word (every prompt's words are counted, each turn).
    int from = 0;
    int to = text.length();
    while (from < to && text.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && text.charAt(to - 1) <= ' ') {
      to--;
    }
    int count = 0;
    boolean inWord = false;
    for (int i = from; i < to; i++) {
      boolean space = isSpace(text.charAt(i));
      if (!space && !inWord) {
        count++;
      }
      inWord = !space;
    }
    return count;
  }

  /**
   * The words of a trimmed, non-empty text whose only white space is single spaces between words; -1 when it has
   * any other white space (a tab, a line feed, a run of spaces).
   */
  static int singleSpacedWords(String text) {
    int words = 1;
    char previous = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > ' ') {
        previous = c;
        continue;
      }
      if (c == ' ') {
        if (previous == ' ') {
          return -1;
        }
        words++;
      } else if (isSpace(c)) {
        return -1;
      }
      previous = c;
    }
    return words;
  }

  /** Where the first word at or after {@code from} starts; the text's length when none does. */
  private static int wordStart(String text, int from) {
    while (from < text.length() && isSpace(text.charAt(from))) {
      from++;
    }
    return from;
  }

  /** Where the word that starts at {@code from} ends. */
  private static int wordEnd(String text, int from) {
    while (from < text.length() && !isSpace(text.charAt(from))) {
      from++;
    }
    return from;
  }

  /** White space as {@code \s} has it; every such character is at or below ' ', so a letter costs one comparison. */
  private static boolean isSpace(char c) {
    return c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r');
  }
}
