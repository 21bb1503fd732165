package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.api.ApiOptions;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ContentPart;
import dev.axon.common.chat.Role;
import dev.axon.common.chat.ToolCall;
import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.testkit.OpenAiSchemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conversations at the edge: history is loaded and its lock taken before the turn, prepended to the new
 * messages, and the turn committed with the lock; store refusals map to 404 and 409; reads render OpenAI messages.
 */
class ConversationTest extends ApiTestBase {

  static final String CONV = "conv-ada_Lovelace-1";
  static final List<ChatMessage> HISTORY = List.of(ChatMessage.system("Be brief."), ChatMessage.user("My name is Ada."),
      ChatMessage.assistant("Hello Ada."));

  @Test
  void continuationPrependsHistoryAndCommitsTheNewMessagesWithTheLock(VertxTestContext ctx) {
    store.put(ownerHash(KEY_A), CONV, HISTORY);
    pool.script(FakePool.text("Your name"), FakePool.text(" is Ada."), FakePool.done());
    JsonObject body = request("What is my name?").put("conversation_id", CONV);
    chat(body).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      OpenAiSchemas.assertValidResponse(r.bodyAsJsonObject());
      assertEquals(CONV, r.bodyAsJsonObject().getString("conversation_id"));

      OpenConversation open = store.opens.get(0);
      assertEquals(CONV, open.id());
      assertEquals(ownerHash(KEY_A), open.ownerHash());
      assertEquals(ApiOptions.DEFAULT_CONVERSATION_LOCK_MS, open.lockTtlMs());
      assertNotNull(open.lockToken());

      List<ChatMessage> expected = new ArrayList<>(HISTORY);
      expected.add(ChatMessage.user("What is my name?"));
      assertEquals(expected, pool.requests.get(0).request().messages(), "history first, then the new messages");

      CommitTurn commit = store.commits.get(0);
      JsonObject usage = r.bodyAsJsonObject().getJsonObject("usage");
      assertEquals(new CommitTurn(CONV, ownerHash(KEY_A), "gpt-4o",
          List.of(ChatMessage.user("What is my name?"), ChatMessage.assistant("Your name is Ada.")), open.lockToken(), HISTORY.size(),
          new RecordUsage("key-1", "claude-sonnet-4-6", KeyLimits.NONE, usage.getInteger("prompt_tokens"),
              usage.getInteger("completion_tokens"), 0)), commit, "the turn's usage rides with its commit");
      assertEquals(0, store.aborts.size(), "the commit releases the lock");
      ctx.completeNow();
    })));
  }

  @Test
  void streamedContinuationCarriesTheConversationIdOnEveryChunk(VertxTestContext ctx) {
    store.put(ownerHash(KEY_A), CONV, HISTORY);
    chat(streaming("again").put("conversation_id", CONV)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      OpenAiSchemas.SseStream stream = OpenAiSchemas.assertValidSse(r.bodyAsString(), false);
      stream.chunks().forEach(c -> assertEquals(CONV, c.getString("conversation_id")));
      assertEquals(HISTORY.size(), store.commits.get(0).expectedCount());
      ctx.completeNow();
    })));
  }

  @Test
  void continuationWithStoreFalseReleasesTheLockAndStoresNothing(VertxTestContext ctx) {
    store.put(ownerHash(KEY_A), CONV, HISTORY);
    chat(request("off the record").put("conversation_id", CONV).put("store", false))
        .compose(r -> store.aborts.first().map(abort -> {
          ctx.verify(() -> {
            assertEquals(200, r.statusCode());
            assertEquals(4, pool.requests.get(0).request().messages().size(), "the history is still used");
            assertEquals(new AbortTurn(CONV, store.opens.get(0).lockToken()), abort);
            assertEquals(0, store.commits.size());
          });
          return abort;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aTurnNotStoredSendsItsUsageToTheMeterWithoutWaitingForAnAnswer(VertxTestContext ctx) {
    chat(request("off the record").put("store", false))
        .compose(r -> store.usage.first().map(sent -> {
          ctx.verify(() -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            JsonObject usage = r.bodyAsJsonObject().getJsonObject("usage");
            assertEquals(new RecordUsage("key-1", "claude-sonnet-4-6", KeyLimits.NONE, usage.getInteger("prompt_tokens"),
                usage.getInteger("completion_tokens"), 0), sent.usage());
            assertFalse(sent.replyWanted(), "a reply would cost a message, a handler and a timer per request");
            assertEquals(0, store.commits.size());
          });
          return sent;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void conversationHeldByAnotherTurnIs409(VertxTestContext ctx) {
    store.openFailure = new AxonException(ErrorKind.CONFLICT,
        "Another request is continuing conversation " + CONV + " right now; retry when it has finished.", "conversation_id", 1);
    chat(request("hi").put("conversation_id", CONV)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject error = assertError(r, 409, "conversation_busy", "conversation_id");
      assertTrue(error.getString("message").contains(CONV));
      assertEquals("1", r.getHeader("Retry-After"));
      assertEquals(0, pool.requests.size(), "no turn is run without the lock");
      ctx.completeNow();
    })));
  }

  @Test
  void unknownConversationAndAnotherKeysConversationAre404(VertxTestContext ctx) {
    store.put(ownerHash(KEY_A), CONV, HISTORY);
    chat(request("hi").put("conversation_id", "conv-doesnotexist"))
        .compose(unknown -> chat(KEY_B, request("hi").put("conversation_id", CONV)).map(foreign -> List.of(unknown, foreign)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertError(rs.get(0), 404, "not_found", "conversation_id");
          assertError(rs.get(1), 404, "not_found", "conversation_id");
          assertEquals(ownerHash(KEY_B), store.opens.get(1).ownerHash(), "the store judges ownership by the caller's key");
          assertEquals(0, pool.requests.size());
          ctx.completeNow();
        })));
  }

  @Test
  void storeDownIs503(VertxTestContext ctx) {
    store.openFailure = new AxonException(ErrorKind.UNAVAILABLE, "The conversation store is unavailable; try again shortly.", null, 1);
    chat(request("hi").put("conversation_id", CONV)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertError(r, 503, "service_unavailable", null);
      assertEquals("1", r.getHeader("Retry-After"));
      ctx.completeNow();
    })));
  }

  @Test
  void commitConflictAfterTheTurnIs409AndTheReplyIsNotDelivered(VertxTestContext ctx) {
    store.put(ownerHash(KEY_A), CONV, HISTORY);
    store.commitFailure = new AxonException(ErrorKind.CONFLICT,
        "Conversation " + CONV + " changed during this turn; the turn was not stored.", "conversation_id", null);
    chat(request("hi").put("conversation_id", CONV)).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertError(r, 409, "conversation_busy", "conversation_id");
      ctx.completeNow();
    })));
  }

  @Test
  void getRendersStoredMessagesInOpenAiShape(VertxTestContext ctx) {
    String image = "https://example.com/cat.png";
    List<ChatMessage> messages = List.of(
        ChatMessage.system("Be brief."),
        new ChatMessage(Role.USER, List.of(new ContentPart.Text("What is this?"), new ContentPart.Image(image, "low")), null, null, null),
        new ChatMessage(Role.ASSISTANT, List.of(), null, List.of(new ToolCall("call_1", "lookup", "{\"q\":\"cat\"}")), null),
        new ChatMessage(Role.TOOL, List.of(new ContentPart.Text("a cat")), null, null, "call_1"),
        ChatMessage.assistant("It is a cat."));
    store.put(ownerHash(KEY_A), CONV, messages);
    get("/v1/conversations/" + CONV, KEY_A).send().onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonObject body = r.bodyAsJsonObject();
      assertEquals(CONV, body.getString("id"));
      assertEquals("conversation", body.getString("object"));
      assertEquals(5, body.getInteger("message_count"));
      assertEquals(1_767_225_600L, body.getLong("created"));
      JsonArray rendered = body.getJsonArray("messages");
      assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."), rendered.getJsonObject(0));
      assertEquals(new JsonObject().put("role", "user").put("content", new JsonArray()
          .add(new JsonObject().put("type", "text").put("text", "What is this?"))
          .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", image).put("detail", "low")))),
          rendered.getJsonObject(1));
      assertEquals(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
          .add(new JsonObject().put("id", "call_1").put("type", "function")
              .put("function", new JsonObject().put("name", "lookup").put("arguments", "{\"q\":\"cat\"}")))), rendered.getJsonObject(2));
      assertEquals(new JsonObject().put("role", "tool").put("content", "a cat").put("tool_call_id", "call_1"), rendered.getJsonObject(3));
      assertEquals(new JsonObject().put("role", "assistant").put("content", "It is a cat."), rendered.getJsonObject(4));
      // The rendered history can be sent back as the messages of a request.
      OpenAiSchemas.assertValidRequest(new JsonObject().put("model", "gpt-4o").put("messages", rendered));
      assertEquals(new GetConversation(CONV, ownerHash(KEY_A)), store.gets.get(0));
      ctx.completeNow();
    })));
  }

  @Test
  void getIs404ForAnotherKeyAnd400ForABadId(VertxTestContext ctx) {
    store.put(ownerHash(KEY_A), CONV, HISTORY);
    get("/v1/conversations/" + CONV, KEY_B).send()
        .compose(foreign -> get("/v1/conversations/not-a-conversation", KEY_A).send().map(bad -> List.of(foreign, bad)))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertError(rs.get(0), 404, "not_found", "conversation_id");
          assertError(rs.get(1), 400, null, "conversation_id");
          ctx.completeNow();
        })));
  }
}
