package dev.axon.pool.tests;

import static dev.axon.pool.tests.SchemaCheck.assertValid;
import static dev.axon.pool.tests.SchemaCheck.parse;
import static dev.axon.pool.tests.SchemaCheck.schema;
import static dev.axon.pool.tests.Steps.delay;
import static dev.axon.pool.tests.Steps.onContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.ResponseFormat;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.Sampling;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.chat.ToolChoice;
import dev.axon.common.chat.ToolDefinition;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.pool.provider.Provider;
import dev.axon.pool.provider.Session;
import dev.axon.pool.provider.mock.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mock provider's replies: the echo of the whole history with real word counts, and the parameters it
 * honours (max_tokens, stop, JSON formats, tools), plus its scripted failures and cancel.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class MockProviderTest {

  static final String MODEL = "claude-sonnet-4-6";
  static final Pattern WORDS = Pattern.compile("\\s+");

  static final JsonNode WEATHER = schema("""
      {"type":"object","additionalProperties":false,"required":["city","unit","days","detail"],
       "properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},
                     "days":{"type":"integer","minimum":1},
                     "detail":{"type":"object","properties":{"hourly":{"type":"boolean"}},"required":["hourly"]}}}""");
  static final JsonNode TIME = schema("""
      {"type":"object","required":["zone"],"properties":{"zone":{"type":"string"}}}""");
  static final List<ToolDefinition> TOOLS = List.of(
      new ToolDefinition("get_weather", "The weather forecast of a city", WEATHER, true),
      new ToolDefinition("get_time", "The time in a zone", TIME, false));

  /** What one turn produced. */
  record Outcome(List<ChatEvent> events, ChatEvent.Done done, Throwable failure) {

    String text() {
      StringBuilder sb = new StringBuilder();
      events.forEach(e -> {
        if (e instanceof ChatEvent.TextDelta t) {
          sb.append(t.text());
        }
      });
      return sb.toString();
    }

    List<ChatEvent.TextDelta> textDeltas() {
      return events.stream().filter(ChatEvent.TextDelta.class::isInstance).map(ChatEvent.TextDelta.class::cast).toList();
    }

    List<ChatEvent.ToolCallDelta> toolDeltas() {
      return events.stream().filter(ChatEvent.ToolCallDelta.class::isInstance).map(ChatEvent.ToolCallDelta.class::cast).toList();
    }

    /** The arguments of each call index, concatenated. */
    Map<Integer, String> toolArguments() {
      Map<Integer, String> args = new TreeMap<>();
      toolDeltas().forEach(d -> args.merge(d.index(), d.arguments() == null ? "" : d.arguments(), String::concat));
      return args;
    }
  }

  static ChatRequest request(List<ChatMessage> messages, Sampling sampling, ResponseFormat format,
                             List<ToolDefinition> tools, ToolChoice choice) {
    return new ChatRequest(MODEL, messages, sampling, tools, choice, null, format, null, null);
  }

  static ChatRequest request(ChatMessage... messages) {
    return request(List.of(messages), null, null, null, null);
  }

  static Sampling sampling(Integer maxTokens, List<String> stop) {
    return new Sampling(null, null, maxTokens, stop, null, null, null, null, null, null, null, null);
  }

  static int words(String text) {
    String t = text.trim();
    return t.isEmpty() ? 0 : WORDS.split(t).length;
  }

  static String expectedReply(String lastUser, int messages, String firstUser) {
    return "You said: " + lastUser + " | I received " + messages + " messages. The first user message was: " + firstUser;
  }

  /** Opens a mock session and runs one turn on it (call on a context). */
  static Future<Outcome> turn(Vertx vertx, ChatRequest request) {
    Provider provider = new MockProvider(vertx, new JsonObject());
    return provider.open(MODEL).compose(session -> run(session, request));
  }

  static Future<Outcome> run(Session session, ChatRequest request) {
    List<ChatEvent> events = new CopyOnWriteArrayList<>();
    return session.run(request, events::add).transform(ar -> Future.succeededFuture(
        new Outcome(events, ar.succeeded() ? ar.result() : null, ar.failed() ? ar.cause() : null)));
  }

  static void assertDone(Outcome o, FinishReason finish) {
    assertNull(o.failure(), () -> "turn failed: " + o.failure());
    assertNotNull(o.done());
    assertEquals(finish, o.done().finishReason());
    assertEquals(MODEL, o.done().servedModel());
  }

  // --- text ---------------------------------------------------------------------------------------------

  @Test
  void replyEchoesTheWholeHistoryInOneDeltaWithRealUsage(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(ChatMessage.system("Be brief."), ChatMessage.user("My name is Ada"),
        ChatMessage.assistant("Hello Ada"), ChatMessage.user("What is my name"));
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        String expected = expectedReply("What is my name", 4, "My name is Ada");
        assertEquals(List.of(expected), o.textDeltas().stream().map(ChatEvent.TextDelta::text).toList(),
            "unpaced, the words leave together");
        assertEquals(2 + 4 + 2 + 4, o.done().usage().promptTokens());
        assertEquals(words(expected), o.done().usage().completionTokens());
        assertEquals(1, o.events().size(), "no other events in a text turn");
      });
      return null;
    }));
  }

  @Test
  void pacedReplyStreamsWordByWord(Vertx vertx, VertxTestContext ctx) {
    String user = "MOCK_SLOW 1 What is my name";
    ChatRequest req = request(ChatMessage.user(user));
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        String expected = expectedReply(user, 1, user);
        assertEquals(expected, o.text());
        List<ChatEvent.TextDelta> deltas = o.textDeltas();
        assertEquals(words(expected), deltas.size(), "one delta per word");
        assertEquals("You", deltas.get(0).text());
        assertTrue(deltas.subList(1, deltas.size()).stream().allMatch(d -> d.text().startsWith(" ") && words(d.text()) == 1));
        assertEquals(words(expected), o.done().usage().completionTokens());
      });
      return null;
    }));
  }

  @Test
  void deltasAreTheReplysWordsWhateverTheWhitespaceBetweenThem(Vertx vertx, VertxTestContext ctx) {
    String text = "  tabs\tand\nnew lines,  double  spaces\r\nand a\u00a0non-breaking one \f end ";
    String pacedUser = "MOCK_SLOW 1" + text;
    onContext(vertx, ctx, () -> Future.all(turn(vertx, request(ChatMessage.user(text))), turn(vertx, request(ChatMessage.user(pacedUser))))
        .map(both -> {
          Outcome unpaced = both.resultAt(0);
          Outcome paced = both.resultAt(1);
          ctx.verify(() -> {
            assertDone(unpaced, FinishReason.STOP);
            assertDone(paced, FinishReason.STOP);
            String[] words = WORDS.split(expectedReply(text, 1, text).trim());
            assertEquals(List.of(String.join(" ", words)), unpaced.textDeltas().stream().map(ChatEvent.TextDelta::text).toList());
            assertEquals(words.length, unpaced.done().usage().completionTokens());
            String[] pacedWords = WORDS.split(expectedReply(pacedUser, 1, pacedUser).trim());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < pacedWords.length; i++) {
              expected.add(i == 0 ? pacedWords[i] : " " + pacedWords[i]);
            }
            assertEquals(expected, paced.textDeltas().stream().map(ChatEvent.TextDelta::text).toList());
            assertEquals(pacedWords.length, paced.done().usage().completionTokens());
          });
          return null;
        }));
  }

  @Test
  void maxTokensEndsWithLengthAfterExactlyThatManyWords(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(List.of(ChatMessage.user("What is my name")), sampling(4, null), null, null, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.LENGTH);
        assertEquals("You said: What is", o.text());
        assertEquals(4, words(o.text()));
        assertEquals(4, o.done().usage().completionTokens());
      });
      return null;
    }));
  }

  @Test
  void maxTokensAboveTheReplyLengthEndsNaturally(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(List.of(ChatMessage.user("hi")), sampling(1000, null), null, null, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        assertEquals(expectedReply("hi", 1, "hi"), o.text());
      });
      return null;
    }));
  }

  /** A budget of exactly the reply's words is not cut: the whole reply, ended naturally, with its whole count. */
  @Test
  void maxTokensOfExactlyTheReplysWordsEndsNaturally(Vertx vertx, VertxTestContext ctx) {
    String reply = expectedReply("hi", 1, "hi");
    int words = words(reply);
    List<Outcome> outcomes = new ArrayList<>();
    onContext(vertx, ctx, () -> turn(vertx, request(List.of(ChatMessage.user("hi")), sampling(words, null), null, null, null))
        .compose(exact -> {
          outcomes.add(exact);
          return turn(vertx, request(List.of(ChatMessage.user("hi")), sampling(words - 1, null), null, null, null));
        }).map(oneShort -> {
          ctx.verify(() -> {
            assertDone(outcomes.get(0), FinishReason.STOP);
            assertEquals(reply, outcomes.get(0).text());
            assertEquals(words, outcomes.get(0).done().usage().completionTokens());
            assertDone(oneShort, FinishReason.LENGTH);
            assertEquals(reply.substring(0, reply.lastIndexOf(' ')), oneShort.text());
            assertEquals(words - 1, oneShort.done().usage().completionTokens());
          });
          return null;
        }));
  }

  @Test
  void stopSequenceCutsTheReply(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(List.of(ChatMessage.user("Hello there")), sampling(null, List.of("messages.")), null, null, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        assertEquals("You said: Hello there | I received 1 ", o.text());
      });
      return null;
    }));
  }

  @Test
  void theStopSequenceThatEndedTheReplyIsNamed(Vertx vertx, VertxTestContext ctx) {
    ChatRequest stopped = request(List.of(ChatMessage.user("Hello there")), sampling(null, List.of("zzz", "messages.")), null, null, null);
    ChatRequest natural = request(List.of(ChatMessage.user("Hello there")), sampling(null, List.of("zzz")), null, null, null);
    onContext(vertx, ctx, () -> turn(vertx, stopped).compose(a -> turn(vertx, natural).map(b -> {
      ctx.verify(() -> {
        assertEquals("messages.", a.done().stopSequence());
        assertNull(b.done().stopSequence());
      });
      return null;
    })));
  }

  @Test
  void withThinkingOnAThinkingBlockComesFirstEndedByItsSignature(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = new ChatRequest(MODEL, List.of(ChatMessage.user("What is my name")), sampling(3, null), null, null, null,
        null, null, null, dev.axon.common.chat.ThinkingConfig.enabled(1024));
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.LENGTH);
        List<ChatEvent.ThinkingDelta> thinking = o.events().stream().filter(ChatEvent.ThinkingDelta.class::isInstance)
            .map(ChatEvent.ThinkingDelta.class::cast).toList();
        assertTrue(thinking.size() >= 3, "a few fragments and the signature: " + thinking);
        for (int i = 0; i < thinking.size(); i++) {
          assertEquals(thinking.get(i), o.events().get(i), "thinking comes before the text");
        }
        StringBuilder thought = new StringBuilder();
        thinking.subList(0, thinking.size() - 1).forEach(d -> {
          assertNull(d.signature());
          thought.append(d.thinking());
        });
        assertTrue(thought.toString().contains("What is my name"), thought.toString());
        ChatEvent.ThinkingDelta signature = thinking.get(thinking.size() - 1);
        assertEquals("", signature.thinking());
        assertNotNull(signature.signature());
        assertEquals("You said: What", o.text(), "the cap counts the text only");
        int thoughtWords = words(thought.toString());
        assertEquals(thoughtWords, o.done().usage().reasoningTokens());
        assertEquals(3 + thoughtWords, o.done().usage().completionTokens());
      });
      return null;
    }));
  }

  @Test
  void withoutThinkingThereIsNoThinkingBlock(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = new ChatRequest(MODEL, List.of(ChatMessage.user("hi")), null, null, null, null, null, null, null,
        dev.axon.common.chat.ThinkingConfig.disabled());
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> assertTrue(o.events().stream().allMatch(ChatEvent.TextDelta.class::isInstance)));
      return null;
    }));
  }

  @Test
  void rawServerToolsAreNeverCalled(Vertx vertx, VertxTestContext ctx) {
    ToolDefinition search = ToolDefinition.raw(schema("{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}"));
    ChatRequest req = request(List.of(ChatMessage.user("MOCK_TOOL web_search")), null, null, List.of(search), ToolChoice.REQUIRED);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        assertTrue(o.toolDeltas().isEmpty());
      });
      return null;
    }));
  }

  @Test
  void stopSequenceSplitAcrossWordsCutsWhereItBegins(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(List.of(ChatMessage.user("Hello there")), sampling(null, List.of("said: Hel", "zzz")), null, null, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        assertEquals("You ", o.text());
        assertFalse(o.text().contains("said"), "no part of the stop sequence leaks");
      });
      return null;
    }));
  }

  @Test
  void maxTokensKeepsTextHeldBackForAStopSequenceThatNeverCame(Vertx vertx, VertxTestContext ctx) {
    // " there" could start "there friend", so the filter holds it back; the cap must not swallow it.
    ChatRequest req = request(List.of(ChatMessage.user("Hello there")), sampling(4, List.of("there friend")), null, null, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.LENGTH);
        assertEquals("You said: Hello there", o.text());
        assertEquals(4, o.done().usage().completionTokens());
      });
      return null;
    }));
  }

  // --- JSON formats -------------------------------------------------------------------------------------

  @Test
  void jsonObjectFormatStreamsOneJsonObject(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(List.of(ChatMessage.user("first"), ChatMessage.assistant("ok"), ChatMessage.user("MOCK_SLOW 1 give me json")),
        null, ResponseFormat.JSON_OBJECT, null, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        assertTrue(o.textDeltas().size() > 1, "streamed in pieces");
        JsonNode json = parse(o.text());
        assertTrue(json.isObject());
        assertEquals("You said: MOCK_SLOW 1 give me json", json.get("reply").asText());
        assertEquals(3, json.get("messages").asInt());
        assertEquals("first", json.get("first_user_message").asText());
      });
      return null;
    }));
  }

  @Test
  void jsonSchemaFormatStreamsAValueWithEveryPropertyAndTheRightTypes(Vertx vertx, VertxTestContext ctx) {
    JsonNode schema = schema("""
        {"type":"object","additionalProperties":false,
         "required":["answer","confidence","attempts","mood","tags","author","reviewed"],
         "properties":{
           "answer":{"type":"string"},
           "confidence":{"type":"number"},
           "attempts":{"type":"integer","minimum":2},
           "mood":{"type":"string","enum":["calm","excited"]},
           "tags":{"type":"array","items":{"type":"string"}},
           "author":{"type":"object","additionalProperties":false,"required":["name","age"],
                     "properties":{"name":{"type":"string"},"age":{"type":"integer"}}},
           "reviewed":{"type":"boolean"}}}""");
    ChatRequest req = request(List.of(ChatMessage.user("answer in the schema")), null,
        new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "answer", schema, true), null, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        JsonNode v = parse(o.text());
        assertValid(schema, v);
        assertEquals(Set.of("answer", "confidence", "attempts", "mood", "tags", "author", "reviewed"),
            JsonSchemaSamplerTest.fields(v));
        assertEquals("You said: answer in the schema", v.get("answer").asText());
        assertTrue(v.get("confidence").isNumber());
        assertTrue(v.get("attempts").isIntegralNumber());
        assertEquals(2, v.get("attempts").asInt());
        assertEquals("calm", v.get("mood").asText());
        assertTrue(v.get("tags").isArray() && v.get("tags").get(0).isTextual());
        assertTrue(v.get("author").isObject());
        assertTrue(v.get("author").get("name").isTextual());
        assertTrue(v.get("author").get("age").isIntegralNumber());
        assertTrue(v.get("reviewed").isBoolean());
      });
      return null;
    }));
  }

  // --- tools --------------------------------------------------------------------------------------------

  @Test
  void forcedFunctionIsCalledWithArgumentsMatchingItsSchema(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(List.of(ChatMessage.user("I wonder about Paris")), null, null, TOOLS,
        ToolChoice.function("get_weather"));
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.TOOL_CALLS);
        assertEquals("", o.text(), "a forced call has no text");
        List<ChatEvent.ToolCallDelta> deltas = o.toolDeltas();
        assertTrue(deltas.size() >= 2);
        ChatEvent.ToolCallDelta first = deltas.get(0);
        assertEquals(0, first.index());
        assertNotNull(first.id());
        assertTrue(first.id().startsWith("call_"), first.id());
        assertEquals("get_weather", first.name());
        for (ChatEvent.ToolCallDelta later : deltas.subList(1, deltas.size())) {
          assertEquals(0, later.index());
          assertNull(later.id(), "only the first piece carries the id");
          assertNull(later.name(), "only the first piece carries the name");
          assertFalse(later.arguments().isEmpty());
        }
        String args = o.toolArguments().get(0);
        JsonNode parsed = parse(args);
        assertValid(WEATHER, parsed);
        assertEquals("celsius", parsed.get("unit").asText());
        assertEquals(1, parsed.get("days").asInt());
        assertTrue(parsed.get("detail").get("hourly").isBoolean());
      });
      return null;
    }));
  }

  @Test
  void parallelCallsGetOneIndexEach(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(List.of(ChatMessage.user("MOCK_PARALLEL both please")), null, null, TOOLS, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.TOOL_CALLS);
        Map<Integer, ChatEvent.ToolCallDelta> heads = new LinkedHashMap<>();
        for (ChatEvent.ToolCallDelta d : o.toolDeltas()) {
          if (d.id() != null) {
            assertNull(heads.put(d.index(), d), "one head per index");
          }
        }
        assertEquals(Set.of(0, 1), heads.keySet());
        assertEquals("get_weather", heads.get(0).name());
        assertEquals("get_time", heads.get(1).name());
        assertNotEquals(heads.get(0).id(), heads.get(1).id());
        Map<Integer, String> args = o.toolArguments();
        assertValid(WEATHER, parse(args.get(0)));
        assertValid(TIME, parse(args.get(1)));
        assertEquals(Set.of(0, 1), args.keySet());
      });
      return null;
    }));
  }

  @Test
  void toolChoiceNoneGivesTextEvenWhenAToolIsNamed(Vertx vertx, VertxTestContext ctx) {
    ChatRequest req = request(List.of(ChatMessage.user("MOCK_TOOL get_weather")), null, null, TOOLS, ToolChoice.NONE);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        assertTrue(o.toolDeltas().isEmpty());
        assertEquals(expectedReply("MOCK_TOOL get_weather", 1, "MOCK_TOOL get_weather"), o.text());
      });
      return null;
    }));
  }

  @Test
  void toolResultLastGivesATextReplyAboutIt(Vertx vertx, VertxTestContext ctx) {
    String question = "What is the weather in Paris";
    ChatMessage call = new ChatMessage(Role.ASSISTANT, List.of(), null,
        List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null);
    ChatMessage result = new ChatMessage(Role.TOOL, List.of(new dev.axon.common.chat.ContentPart.Text("21C and sunny")),
        null, null, "call_1");
    ChatRequest req = request(List.of(ChatMessage.user(question), call, result), null, null, TOOLS, null);
    onContext(vertx, ctx, () -> turn(vertx, req).map(o -> {
      ctx.verify(() -> {
        assertDone(o, FinishReason.STOP);
        assertTrue(o.toolDeltas().isEmpty(), "no new call after a tool result");
        assertEquals("The tool returned: 21C and sunny | I received 3 messages. The first user message was: " + question, o.text());
      });
      return null;
    }));
  }

  // --- scripted failures and cancel -----------------------------------------------------------------------

  @Test
  void mockFailFailsBeforeTheFirstWord(Vertx vertx, VertxTestContext ctx) {
    onContext(vertx, ctx, () -> turn(vertx, request(ChatMessage.user("please MOCK_FAIL now"))).map(o -> {
      ctx.verify(() -> {
        assertTrue(o.events().isEmpty());
        assertEquals(ErrorKind.UPSTREAM_ERROR, assertInstanceOf(AxonException.class, o.failure()).kind());
      });
      return null;
    }));
  }

  @Test
  void mockFailMidstreamFailsAfterAFewWords(Vertx vertx, VertxTestContext ctx) {
    onContext(vertx, ctx, () -> turn(vertx, request(ChatMessage.user("MOCK_FAIL_MIDSTREAM"))).map(o -> {
      ctx.verify(() -> {
        assertEquals("You said: MOCK_FAIL_MIDSTREAM", o.text());
        assertEquals(3, o.textDeltas().size());
        assertEquals(ErrorKind.UPSTREAM_ERROR, assertInstanceOf(AxonException.class, o.failure()).kind());
      });
      return null;
    }));
  }

  @Test
  void cancelStopsASlowTurnAndTheSessionServesTheNextOne(Vertx vertx, VertxTestContext ctx) {
    Provider provider = new MockProvider(vertx, new JsonObject());
    onContext(vertx, ctx, () -> provider.open(MODEL).compose(session -> {
      List<ChatEvent> events = new CopyOnWriteArrayList<>();
      Future<ChatEvent.Done> slow = session.run(request(ChatMessage.user("MOCK_SLOW 50 go")), events::add);
      return delay(vertx, 130).compose(v -> {
        int seen = events.size();
        session.cancel();
        ctx.verify(() -> {
          assertTrue(slow.failed(), "cancel ends the turn at once");
          assertEquals(ErrorKind.CANCELLED, assertInstanceOf(AxonException.class, slow.cause()).kind());
        });
        return delay(vertx, 150).map(seen);
      }).compose(seen -> {
        ctx.verify(() -> assertEquals(seen, events.size(), "no word after cancel"));
        return session.reset();
      }).compose(v -> {
        ctx.verify(() -> assertTrue(session.alive()));
        return run(session, request(ChatMessage.user("again")));
      }).map(o -> {
        ctx.verify(() -> {
          assertDone(o, FinishReason.STOP);
          assertEquals(expectedReply("again", 1, "again"), o.text());
        });
        return null;
      });
    }));
  }

  @Test
  void closedSessionIsNoLongerAlive(Vertx vertx, VertxTestContext ctx) {
    Provider provider = new MockProvider(vertx, new JsonObject());
    onContext(vertx, ctx, () -> provider.open(MODEL).compose(session -> {
      List<ChatEvent> events = new ArrayList<>();
      Future<ChatEvent.Done> slow = session.run(request(ChatMessage.user("MOCK_SLOW 100 go")), events::add);
      return session.close().map(v -> {
        ctx.verify(() -> {
          assertFalse(session.alive());
          assertTrue(slow.failed(), "closing ends a running turn");
        });
        return null;
      });
    }));
  }
}
