package dev.axon.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.bus.Codecs;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.conversation.AbortTurn;
import dev.axon.common.conversation.CommitResult;
import dev.axon.common.conversation.CommitTurn;
import dev.axon.common.conversation.Conversation;
import dev.axon.common.conversation.ConversationPage;
import dev.axon.common.conversation.DeleteConversation;
import dev.axon.common.conversation.ListConversations;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.conversation.OpenConversation;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.stats.StoreStats;
import dev.axon.common.tenant.KeyLimits;
import dev.axon.common.tenant.RecordUsage;
import dev.axon.common.tenant.UsageQuery;
import dev.axon.common.tenant.UsageRecord;
import dev.axon.common.tenant.UsageReport;
import dev.axon.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store's contract over the event bus, run against each backend: ownership, locks, atomic commits,
 * history order, and the live conversation count.
 */
@ExtendWith(VertxExtension.class)
abstract class ConversationStoreContract {

  static final String OWNER = "owner-a";
  static final String OTHER = "owner-b";

  abstract JsonObject storeConfig();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    Codecs.register(vertx);
    vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(storeConfig()))
        .onComplete(ctx.succeedingThenComplete());
  }

  static String newId() {
    return "conv-" + UUID.randomUUID().toString().replace("-", "");
  }

  static <T> Future<T> ask(Vertx vertx, String address, Object body) {
    return vertx.eventBus().<T>request(address, body).map(Message::body);
  }

  static Future<CommitResult> create(Vertx vertx, String id, String owner, String... texts) {
    List<ChatMessage> msgs = new java.util.ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      msgs.add(i % 2 == 0 ? ChatMessage.user(texts[i]) : ChatMessage.assistant(texts[i]));
    }
    return ask(vertx, Addresses.STORE_COMMIT, new CommitTurn(id, owner, "claude-sonnet-4-6", msgs, null, 0));
  }

  static ErrorKind kindOf(Throwable t) {
    return t instanceof AxonException e ? e.kind() : null;
  }

  @Test
  void newConversationIsStoredAndReadBackInOrder(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "hello, I am Ada", "hi Ada")
        .compose(result -> {
          ctx.verify(() -> {
            assertTrue(result.created());
            assertEquals(2, result.messageCount());
          });
          return ask(vertx, Addresses.STORE_GET, new GetConversation(id, OWNER));
        })
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          Conversation c = (Conversation) body;
          assertEquals(id, c.id());
          assertEquals("claude-sonnet-4-6", c.model());
          assertEquals(2, c.messageCount());
          assertEquals("hello, I am Ada", c.messages().get(0).text());
          assertEquals("hi Ada", c.messages().get(1).text());
          assertTrue(c.createdAt() > 1_600_000_000L && c.createdAt() < 10_000_000_000L, "created is in seconds");
          ctx.completeNow();
        })));
  }

  /** A client may start a conversation with a long history: all of it is kept, in order (the script appends in batches). */
  @Test
  void aLongFirstTurnIsStoredWhole(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    String[] texts = new String[2_501];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = "message " + i;
    }
    create(vertx, id, OWNER, texts)
        .compose(result -> {
          ctx.verify(() -> assertEquals(texts.length, result.messageCount()));
          return ask(vertx, Addresses.STORE_GET, new GetConversation(id, OWNER));
        })
        .compose(body -> {
          Conversation c = (Conversation) body;
          ctx.verify(() -> {
            assertEquals(texts.length, c.messageCount());
            for (int i = 0; i < texts.length; i++) {
              assertEquals("message " + i, c.messages().get(i).text());
            }
          });
          return ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "t1", 60_000));
        })
        .compose(opened -> ask(vertx, Addresses.STORE_COMMIT, new CommitTurn(id, OWNER, "claude-sonnet-4-6",
            List.of(ChatMessage.user("one more"), ChatMessage.assistant("and its answer")), "t1", texts.length)))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertEquals(texts.length + 2, ((CommitResult) result).messageCount());
          assertFalse(((CommitResult) result).created());
          ctx.completeNow();
        })));
  }

  @Test
  void anotherOwnerSeesNothing(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "secret")
        .compose(r -> ask(vertx, Addresses.STORE_GET, new GetConversation(id, OTHER)))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(ErrorKind.NOT_FOUND, kindOf(failure));
          ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OTHER, "t1", 60_000))
              .onComplete(ctx.failing(f2 -> ctx.verify(() -> {
                assertEquals(ErrorKind.NOT_FOUND, kindOf(f2));
                ctx.completeNow();
              })));
        })));
  }

  @Test
  void unknownConversationIsNotFound(Vertx vertx, VertxTestContext ctx) {
    ask(vertx, Addresses.STORE_OPEN, new OpenConversation(newId(), OWNER, "t", 60_000))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(ErrorKind.NOT_FOUND, kindOf(failure));
          ctx.completeNow();
        })));
  }

  @Test
  void secondTurnOnALockedConversationConflictsUntilTheFirstEnds(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "one", "two")
        .compose(r -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "first", 60_000)))
        .compose(first -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "second", 60_000))
            .map(x -> false).recover(f -> {
              ctx.verify(() -> assertEquals(ErrorKind.CONFLICT, kindOf(f)));
              return Future.succeededFuture(true);
            }))
        .compose(conflicted -> {
          ctx.verify(() -> assertTrue(conflicted, "the second open must conflict"));
          return ask(vertx, Addresses.STORE_COMMIT, new CommitTurn(id, OWNER, "claude-haiku-4-5",
              List.of(ChatMessage.user("three"), ChatMessage.assistant("four")), "first", 2));
        })
        .compose(r -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "third", 60_000)))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          Conversation c = (Conversation) body;
          assertEquals(4, c.messageCount());
          assertEquals("claude-haiku-4-5", c.model());
          assertEquals(List.of("one", "two", "three", "four"), c.messages().stream().map(ChatMessage::text).toList());
          ctx.completeNow();
        })));
  }

  @Test
  void abortedTurnLeavesTheConversationAsItWasAndUnlocks(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "one", "two")
        .compose(r -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "tok", 60_000)))
        .compose(c -> ask(vertx, Addresses.STORE_ABORT, new AbortTurn(id, "tok")))
        .compose(x -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "tok2", 60_000)))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          Conversation c = (Conversation) body;
          assertEquals(2, c.messageCount());
          ctx.completeNow();
        })));
  }

  @Test
  void commitWithAStolenLockIsRejectedAndChangesNothing(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "one", "two")
        .compose(r -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "holder", 60_000)))
        .compose(c -> ask(vertx, Addresses.STORE_COMMIT, new CommitTurn(id, OWNER, "m",
            List.of(ChatMessage.user("intruder")), "not-the-holder", 2)))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(ErrorKind.CONFLICT, kindOf(failure));
          ask(vertx, Addresses.STORE_GET, new GetConversation(id, OWNER)).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
            assertEquals(2, ((Conversation) body).messageCount());
            ctx.completeNow();
          })));
        })));
  }

  /** A commit of {@code texts} that carries the usage of its exchange for {@code subject}. */
  static Future<CommitResult> createMetered(Vertx vertx, String id, String subject, int prompt, int completion, String lockToken) {
    return ask(vertx, Addresses.STORE_COMMIT, new CommitTurn(id, OWNER, "claude-sonnet-4-6", List.of(ChatMessage.user("metered")),
        lockToken, 0, new RecordUsage(subject, "claude-haiku-4-5", KeyLimits.NONE, prompt, completion, 0)));
  }

  /** The usage of {@code subject} today, once it shows {@code requests} requests (metering follows the commit). */
  static Future<UsageRecord> usageOnce(Vertx vertx, String subject, long requests) {
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    Future<UsageRecord> attempt = ask(vertx, Addresses.STORE_USAGE_QUERY, new UsageQuery(subject, today, today))
        .map(r -> ((UsageReport) r).records().stream().findFirst().orElse(null));
    return attempt.compose(record -> record != null && record.requests() >= requests
        ? Future.succeededFuture(record)
        : pause(vertx, 20).compose(v -> usageOnce(vertx, subject, requests)));
  }

  @Test
  void aStoredTurnMetersTheUsageItCarriesAndARefusedOneMetersNothing(Vertx vertx, VertxTestContext ctx) {
    String subject = "meter-" + UUID.randomUUID();
    String id = newId();
    createMetered(vertx, id, subject, 11, 7, null)
        .compose(r -> usageOnce(vertx, subject, 1))
        .compose(record -> {
          ctx.verify(() -> {
            assertEquals("claude-haiku-4-5", record.model());
            assertEquals(List.of(1L, 11L, 7L), List.of(record.requests(), record.promptTokens(), record.completionTokens()));
          });
          // The same id again: refused (it exists), so nothing is metered.
          return createMetered(vertx, id, subject, 100, 100, null).map(r -> (Object) r).recover(e -> {
            ctx.verify(() -> assertEquals(ErrorKind.CONFLICT, kindOf(e)));
            return Future.succeededFuture();
          });
        })
        .compose(v -> createMetered(vertx, newId(), subject, 1, 2, null))
        .compose(r -> usageOnce(vertx, subject, 2))
        .onComplete(ctx.succeeding(record -> ctx.verify(() -> {
          assertEquals(List.of(2L, 12L, 9L), List.of(record.requests(), record.promptTokens(), record.completionTokens()),
              "the refused commit added nothing");
          ctx.completeNow();
        })));
  }

  @Test
  void creatingAnExistingIdConflicts(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "one")
        .compose(r -> create(vertx, id, OTHER, "hijack"))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertEquals(ErrorKind.CONFLICT, kindOf(failure));
          ctx.completeNow();
        })));
  }

  @Test
  void liveCountGrowsWithNewConversations(Vertx vertx, VertxTestContext ctx) {
    ask(vertx, Addresses.STORE_STATS, null)
        .compose(before -> create(vertx, newId(), OWNER, "a").compose(r -> create(vertx, newId(), OWNER, "b"))
            .compose(r -> ask(vertx, Addresses.STORE_STATS, null))
            .map(after -> ((StoreStats) after).conversations() - ((StoreStats) before).conversations()))
        .onComplete(ctx.succeeding(delta -> ctx.verify(() -> {
          assertEquals(2L, (long) (Long) delta);
          ctx.completeNow();
        })));
  }

  @Test
  void continuingDoesNotCountTwice(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "a", "b")
        .compose(r -> ask(vertx, Addresses.STORE_STATS, null))
        .compose(before -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "t", 60_000))
            .compose(c -> ask(vertx, Addresses.STORE_COMMIT, new CommitTurn(id, OWNER, "m", List.of(ChatMessage.user("c")), "t", 2)))
            .compose(r -> ask(vertx, Addresses.STORE_STATS, null))
            .map(after -> ((StoreStats) after).conversations() - ((StoreStats) before).conversations()))
        .onComplete(ctx.succeeding(delta -> ctx.verify(() -> {
          assertEquals(0L, (long) (Long) delta);
          ctx.completeNow();
        })));
  }

  static Future<Void> pause(Vertx vertx, long ms) {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }

  /** Creates conversations one after another, a few ms apart, so their creation times order them. */
  static Future<List<String>> createSeveral(Vertx vertx, String owner, int count) {
    List<String> ids = new java.util.ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      String id = newId();
      ids.add(id);
      chain = chain.compose(v -> create(vertx, id, owner, "hello " + id, "hi")).compose(r -> pause(vertx, 3));
    }
    return chain.map(v -> ids);
  }

  static Future<ConversationPage> list(Vertx vertx, String owner, int limit, String after) {
    return ask(vertx, Addresses.STORE_LIST, new ListConversations(owner, limit, after));
  }

  @Test
  void listingIsNewestFirstWithCursorPagesAndOnlyTheOwners(Vertx vertx, VertxTestContext ctx) {
    String owner = "owner-list-" + UUID.randomUUID();
    List<String> seen = new java.util.ArrayList<>();
    createSeveral(vertx, owner, 5)
        .compose(ids -> create(vertx, newId(), owner + "-other", "not mine").map(ids))
        .compose(ids -> list(vertx, owner, 2, null).compose(p1 -> {
          ctx.verify(() -> {
            assertEquals(List.of(ids.get(4), ids.get(3)), p1.data().stream().map(Conversation::id).toList());
            assertTrue(p1.hasMore());
            Conversation first = p1.data().get(0);
            assertEquals("claude-sonnet-4-6", first.model());
            assertEquals(2, first.messageCount());
            assertTrue(first.messages().isEmpty(), "a listing carries no messages");
            assertTrue(first.createdAt() > 1_600_000_000L && first.createdAt() < 10_000_000_000L);
          });
          p1.data().forEach(c -> seen.add(c.id()));
          return list(vertx, owner, 2, seen.get(seen.size() - 1));
        }).compose(p2 -> {
          ctx.verify(() -> assertTrue(p2.hasMore()));
          p2.data().forEach(c -> seen.add(c.id()));
          return list(vertx, owner, 2, seen.get(seen.size() - 1));
        }).compose(p3 -> {
          ctx.verify(() -> assertFalse(p3.hasMore()));
          p3.data().forEach(c -> seen.add(c.id()));
          return Future.succeededFuture(ids);
        }))
        .onComplete(ctx.succeeding(ids -> ctx.verify(() -> {
          List<String> newestFirst = new java.util.ArrayList<>(ids);
          java.util.Collections.reverse(newestFirst);
          assertEquals(newestFirst, seen);
          ctx.completeNow();
        })));
  }

  @Test
  void continuingKeepsTheListingOrder(Vertx vertx, VertxTestContext ctx) {
    String owner = "owner-order-" + UUID.randomUUID();
    createSeveral(vertx, owner, 3)
        .compose(ids -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(ids.get(0), owner, "t", 60_000))
            .compose(c -> ask(vertx, Addresses.STORE_COMMIT, new CommitTurn(ids.get(0), owner, "m", List.of(ChatMessage.user("more")), "t", 2)))
            .compose(r -> list(vertx, owner, 10, null))
            .map(page -> {
              ctx.verify(() -> assertEquals(List.of(ids.get(2), ids.get(1), ids.get(0)), page.data().stream().map(Conversation::id).toList(),
                  "ordered by creation, so a cursor never shifts"));
              return page;
            }))
        .onComplete(ctx.succeeding(page -> ctx.completeNow()));
  }

  @Test
  void deleteRemovesTheConversationForItsOwnerOnly(Vertx vertx, VertxTestContext ctx) {
    String owner = "owner-del-" + UUID.randomUUID();
    String id = newId();
    create(vertx, id, owner, "delete me", "ok")
        .compose(r -> ask(vertx, Addresses.STORE_STATS, null))
        .compose(before -> ask(vertx, Addresses.STORE_DELETE, new DeleteConversation(id, OTHER))
            .map(x -> (ErrorKind) null).recover(f -> Future.succeededFuture(kindOf(f)))
            .compose(strangerKind -> {
              ctx.verify(() -> assertEquals(ErrorKind.NOT_FOUND, strangerKind, "a stranger cannot delete it"));
              return ask(vertx, Addresses.STORE_GET, new GetConversation(id, owner));
            })
            .compose(still -> ask(vertx, Addresses.STORE_DELETE, new DeleteConversation(id, owner)))
            .compose(x -> ask(vertx, Addresses.STORE_STATS, null))
            .map(after -> ((StoreStats) before).conversations() - ((StoreStats) after).conversations()))
        .compose(dropped -> {
          ctx.verify(() -> assertEquals(1L, (long) dropped, "the live count drops"));
          return list(vertx, owner, 10, null);
        })
        .compose(page -> {
          ctx.verify(() -> assertTrue(page.data().isEmpty(), "gone from the listing"));
          return ask(vertx, Addresses.STORE_GET, new GetConversation(id, owner));
        })
        .onComplete(ctx.failing(f -> ctx.verify(() -> {
          assertEquals(ErrorKind.NOT_FOUND, kindOf(f));
          ask(vertx, Addresses.STORE_DELETE, new DeleteConversation(id, owner)).onComplete(ctx.failing(f2 -> ctx.verify(() -> {
            assertEquals(ErrorKind.NOT_FOUND, kindOf(f2), "deleting twice is a 404");
            ctx.completeNow();
          })));
        })));
  }

  @Test
  void aConversationWithARunningTurnIsNotDeleted(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "busy")
        .compose(r -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "holder", 60_000)))
        .compose(c -> ask(vertx, Addresses.STORE_DELETE, new DeleteConversation(id, OWNER)))
        .onComplete(ctx.failing(f -> ctx.verify(() -> {
          assertEquals(ErrorKind.CONFLICT, kindOf(f));
          ask(vertx, Addresses.STORE_ABORT, new AbortTurn(id, "holder"))
              .compose(x -> ask(vertx, Addresses.STORE_DELETE, new DeleteConversation(id, OWNER)))
              .onComplete(ctx.succeedingThenComplete());
        })));
  }

  @Test
  void aCursorThatIsNoLongerListedIsABadRequest(Vertx vertx, VertxTestContext ctx) {
    String owner = "owner-cursor-" + UUID.randomUUID();
    createSeveral(vertx, owner, 2)
        .compose(ids -> ask(vertx, Addresses.STORE_DELETE, new DeleteConversation(ids.get(1), owner)).map(ids))
        .compose(ids -> list(vertx, owner, 10, ids.get(1)))
        .onComplete(ctx.failing(f -> ctx.verify(() -> {
          assertEquals(ErrorKind.INVALID_REQUEST, kindOf(f));
          assertEquals("after", ((AxonException) f).param());
          ctx.completeNow();
        })));
  }

  @Test
  void aConversationKnowsItsStoredSize(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "one", "two")
        .compose(r -> ask(vertx, Addresses.STORE_GET, new GetConversation(id, OWNER)))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          Conversation c = (Conversation) body;
          long expected = dev.axon.common.json.Json.toBytes(ChatMessage.user("one")).length
              + dev.axon.common.json.Json.toBytes(ChatMessage.assistant("two")).length;
          assertEquals(expected, c.bytes());
          ctx.completeNow();
        })));
  }

  @Test
  void lapsedLockStillCommitsWhenNothingChanged(Vertx vertx, VertxTestContext ctx) {
    String id = newId();
    create(vertx, id, OWNER, "a", "b")
        .compose(r -> ask(vertx, Addresses.STORE_OPEN, new OpenConversation(id, OWNER, "slow", 50)))
        .compose(c -> {
          io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
          vertx.setTimer(200, t -> p.complete());
          return p.future();
        })
        .compose(x -> ask(vertx, Addresses.STORE_COMMIT, new CommitTurn(id, OWNER, "m", List.of(ChatMessage.user("c")), "slow", 2)))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          CommitResult r = (CommitResult) body;
          assertEquals(3, r.messageCount());
          assertFalse(r.created());
          ctx.completeNow();
        })));
  }
}
