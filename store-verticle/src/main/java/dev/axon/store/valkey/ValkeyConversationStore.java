package dev.axon.store.valkey;

import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.MessageJson;
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
import dev.axon.common.json.Json;
import dev.axon.common.stats.StoreStats;
import dev.axon.store.ConversationStore;
import dev.axon.store.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversations in Valkey: one script round trip to open (load and lock), one to commit. Every command has a
 * deadline, so a dead or hung server turns into a fast {@code UNAVAILABLE} instead of a hung request; the
 * client's connection pool reconnects by itself when the server returns.
 */
public final class ValkeyConversationStore implements ConversationStore {

  private static final Logger log = LoggerFactory.getLogger(ValkeyConversationStore.class);

  private static final LuaScript OPEN = LuaScript.load("open.lua");
  private static final LuaScript GET = LuaScript.load("get.lua");
  private static final LuaScript COMMIT = LuaScript.load("owner_index.lua", "commit.lua");
  private static final LuaScript ABORT = LuaScript.load("abort.lua");
  private static final LuaScript COUNT = LuaScript.load("count.lua");
  private static final LuaScript INDEX = LuaScript.load("owner_index.lua", "index.lua");
  private static final LuaScript LIST = LuaScript.load("list.lua");
  private static final LuaScript DELETE = LuaScript.load("delete.lua");
  private static final LuaScript UNINDEX = LuaScript.load("unindex.lua");
  /** Pages are refilled at most this often when some listed conversations turn out to be gone. */
  private static final int LIST_ROUNDS = 4;

  private volatile StoreOptions options;
  private final Redis redis;
  /** In a Valkey cluster the live set is in another slot than a conversation's keys, so it is written apart. */
  private final boolean liveSetApart;
  private final OwnerUpkeep upkeep = new OwnerUpkeep();
  private boolean reportedDown;

  public ValkeyConversationStore(Vertx vertx, StoreOptions options) {
    this(options, ValkeyClients.create(vertx, options));
  }

  /** A store on a client shared with the other store components; {@link #close()} closes it. */
  public ValkeyConversationStore(StoreOptions options, Redis redis) {
    this.options = new StoreOptions(options);
    this.liveSetApart = options.getMode().equals("cluster");
    this.redis = redis;
  }

  @Override
  public void reconfigure(StoreOptions next) {
    this.options = new StoreOptions(next);
  }

  @Override
  public Future<Void> start() {
    return guard(redis.send(Request.cmd(Command.PING)), "ping").<Void>mapEmpty()
        .onSuccess(v -> log.info("conversation store: Valkey at {}", options.redactedValkeyUrl()));
  }

  @Override
  public Future<Conversation> open(OpenConversation request) {
    String id = request.id();
    return guard(OPEN.run(redis, ConversationKeys.all(id),
        List.of(request.ownerHash(), request.lockToken(), Long.toString(request.lockTtlMs()))), "open")
        .map(response -> {
          String status = response.get(0).toString();
          if (status.equals("locked")) {
            throw new AxonException(ErrorKind.CONFLICT,
                "Another request is continuing conversation " + id + " right now; retry when it has finished.", "conversation_id", 1);
          }
          return conversation(id, response);
        });
  }

  @Override
  public Future<Conversation> get(GetConversation request) {
    String id = request.id();
    return guard(GET.run(redis, List.of(ConversationKeys.meta(id), ConversationKeys.messages(id)), List.of(request.ownerHash())), "get")
        .map(response -> conversation(id, response));
  }

  @Override
  public Future<CommitResult> commit(CommitTurn request) {
    String id = request.id();
    long nowMs = System.currentTimeMillis();
    long now = nowMs / 1000;
    long ttlSeconds = options.getConversationTtlSeconds();
    long expiryMs = nowMs + ttlSeconds * 1000;
    String owner = request.ownerHash();
    List<String> keys = new ArrayList<>(ConversationKeys.all(id));
    if (!liveSetApart) {
      keys.add(ConversationKeys.LIVE_SET);
      keys.addAll(ConversationKeys.owner(owner));
    }
    long upkeepTtl = upkeep.ttlIfDue(owner, nowMs, ttlSeconds);
    List<String> args = new ArrayList<>(10);
    args.add(owner);
    args.add(request.lockToken() == null ? "" : request.lockToken());
    args.add(request.model());
    args.add(Long.toString(now));
    args.add(Long.toString(ttlSeconds));
    args.add(id);
    args.add(Integer.toString(request.expectedCount()));
    args.add(Long.toString(nowMs));
    args.add(Long.toString(expiryMs));
    args.add(Long.toString(upkeepTtl));
    List<byte[]> messages = new ArrayList<>(request.messages().size());
    for (ChatMessage message : request.messages()) {
      messages.add(MessageJson.toBytes(message));
    }
    Future<Response> committed = guard(COMMIT.run(redis, keys, args, messages), "commit");
    if (liveSetApart) {
      // In a cluster the live set and the owner's index live in other slots: they are written alongside the script,
      // not after it, so the turn still costs one round trip of waiting.
      committed = Future.all(committed, markLive(id, now), index(owner, id, nowMs, expiryMs, upkeepTtl, ttlSeconds))
          .map(all -> all.resultAt(0));
    }
    return committed.map(response -> {
      String status = response.get(0).toString();
      switch (status) {
        case "ok":
          if (upkeepTtl > 0 && !liveSetApart) {
            upkeep.done(owner, nowMs, ttlSeconds);
          }
          return new CommitResult(response.get(1).toInteger(), response.get(2).toInteger() == 1);
        case "missing":
          throw new AxonException(ErrorKind.NOT_FOUND, "Conversation " + id + " no longer exists.", "conversation_id", null);
        default:
          throw new AxonException(ErrorKind.CONFLICT,
              "Conversation " + id + " changed during this turn; the turn was not stored.", "conversation_id", null);
      }
    });
  }

  @Override
  public Future<Void> abort(AbortTurn request) {
    return guard(ABORT.run(redis, List.of(ConversationKeys.lock(request.id())), List.of(request.lockToken())), "abort").mapEmpty();
  }

  @Override
  public Future<ConversationPage> list(ListConversations request) {
    List<String> gone = new ArrayList<>();
    return listFrom(request, request.after(), new ArrayList<>(request.limit()), gone, LIST_ROUNDS)
        .onComplete(ar -> {
          if (!gone.isEmpty()) {
            unindex(request.ownerHash(), gone);
          }
        });
  }

  /**
   * Reads a page of ids from the owner's index, then each conversation's metadata (each in its own slot, sent
   * together). Ids whose conversation is gone leave the index, and the page is refilled from further down.
   */
  private Future<ConversationPage> listFrom(ListConversations request, String after, List<Conversation> found, List<String> gone,
                                           int rounds) {
    String owner = request.ownerHash();
    int wanted = request.limit() - found.size();
    return guard(LIST.run(redis, ConversationKeys.owner(owner),
        List.of(Long.toString(System.currentTimeMillis()), Integer.toString(wanted), after == null ? "" : after)), "list")
        .compose(response -> {
          if (!response.get(0).toString().equals("ok")) {
            return Future.failedFuture(AxonException.invalid("after",
                "Invalid 'after': " + after + " is not one of your conversations (it was deleted or expired); list again from the start."));
          }
          boolean more = response.get(1).toInteger() == 1;
          List<String> ids = new ArrayList<>();
          for (Response item : response.get(2)) {
            ids.add(item.toString());
          }
          List<Future<Response>> metas = new ArrayList<>(ids.size());
          for (String id : ids) {
            metas.add(guard(redis.send(Request.cmd(Command.HMGET).arg(ConversationKeys.meta(id))
                .arg("owner").arg("model").arg("created").arg("updated").arg("count")), "list"));
          }
          return Future.all(metas).compose(all -> {
            int goneBefore = gone.size();
            for (int i = 0; i < ids.size(); i++) {
              Response meta = all.resultAt(i);
              if (meta.get(0) == null || !owner.equals(meta.get(0).toString())) {
                gone.add(ids.get(i));
                continue;
              }
              found.add(new Conversation(ids.get(i), str(meta.get(1)), num(meta.get(2)), num(meta.get(3)),
                  (int) num(meta.get(4)), List.of()));
            }
            if (gone.size() > goneBefore && more && rounds > 1 && !ids.isEmpty()) {
              return listFrom(request, ids.get(ids.size() - 1), found, gone, rounds - 1);
            }
            return Future.succeededFuture(new ConversationPage(found, more));
          });
        });
  }

  @Override
  public Future<Void> delete(DeleteConversation request) {
    String id = request.id();
    List<String> keys = new ArrayList<>(ConversationKeys.all(id));
    if (!liveSetApart) {
      keys.add(ConversationKeys.LIVE_SET);
    }
    return guard(DELETE.run(redis, keys, List.of(request.ownerHash(), id)), "delete").compose(response -> {
      switch (response.toString()) {
        case "ok":
          List<Future<?>> cleanup = new ArrayList<>();
          cleanup.add(unindex(request.ownerHash(), List.of(id)));
          if (liveSetApart) {
            cleanup.add(redis.send(Request.cmd(Command.ZREM).arg(ConversationKeys.LIVE_SET).arg(id))
                .recover(e -> Future.succeededFuture()));
          }
          return Future.all(cleanup).<Void>mapEmpty();
        case "locked":
          return Future.failedFuture(new AxonException(ErrorKind.CONFLICT,
              "A request is continuing conversation " + id + " right now; delete it when that has finished.", "conversation_id", 1));
        default:
          return Future.failedFuture(new AxonException(ErrorKind.NOT_FOUND, "No conversation found with id " + id + ".", "conversation_id", null));
      }
    });
  }

  /** In a cluster: lists the conversation in its owner's index (created now if new) and notes its new expiry. Never fails the turn. */
  private Future<Void> index(String owner, String id, long nowMs, long expiryMs, long upkeepTtl, long ttlSeconds) {
    return INDEX.run(redis, ConversationKeys.owner(owner), List.of(id, Long.toString(nowMs), Long.toString(expiryMs),
            Long.toString(nowMs), Long.toString(upkeepTtl)))
        .timeout(options.getCommandTimeoutMs(), TimeUnit.MILLISECONDS)
        .<Void>map(r -> {
          if (upkeepTtl > 0) {
            upkeep.done(owner, nowMs, ttlSeconds);
          }
          return null;
        })
        .recover(e -> {
          log.debug("could not index conversation {}: {}", id, e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> unindex(String owner, List<String> ids) {
    return UNINDEX.run(redis, ConversationKeys.owner(owner), ids)
        .timeout(options.getCommandTimeoutMs(), TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(e -> {
          log.debug("could not unindex conversations {}: {}", ids, e.getMessage());
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<StoreStats> stats() {
    String now = Long.toString(System.currentTimeMillis() / 1000);
    return guard(COUNT.run(redis, List.of(ConversationKeys.LIVE_SET), List.of(now)), "count")
        .map(response -> new StoreStats("valkey", response.toLong()));
  }

  @Override
  public Future<Void> close() {
    redis.close();
    return Future.succeededFuture();
  }

  /**
   * Counts the conversation as live, for a cluster where the live set sits in another slot. A failure here only
   * skews the count, so it never fails the turn.
   */
  private Future<Void> markLive(String id, long now) {
    return redis.send(Request.cmd(Command.ZADD).arg(ConversationKeys.LIVE_SET).arg(now + options.getConversationTtlSeconds()).arg(id))
        .<Void>mapEmpty()
        .recover(e -> {
          log.debug("could not count conversation {} as live: {}", id, e.getMessage());
          return Future.succeededFuture();
        });
  }

  private static Conversation conversation(String id, Response response) {
    if (!response.get(0).toString().equals("ok")) {
      throw new AxonException(ErrorKind.NOT_FOUND, "No conversation found with id " + id + ".", "conversation_id", null);
    }
    Response stored = response.get(5);
    List<ChatMessage> messages = new ArrayList<>(stored.size());
    long bytes = 0;
    for (Response item : stored) {
      byte[] json = item.toBytes();
      bytes += json.length;
      messages.add(Json.fromBytes(json, ChatMessage.class));
    }
    return new Conversation(id, str(response.get(1)), num(response.get(2)), num(response.get(3)), messages.size(), messages, bytes);
  }

  private static String str(Response r) {
    return r == null ? null : r.toString();
  }

  private static long num(Response r) {
    return r == null ? 0 : Long.parseLong(r.toString());
  }

  /** Bounds a command in time and turns backend trouble into {@code UNAVAILABLE}; logs the first failure of an outage. */
  private Future<Response> guard(Future<Response> command, String what) {
    return command.timeout(options.getCommandTimeoutMs(), TimeUnit.MILLISECONDS)
        .onSuccess(r -> {
          if (reportedDown) {
            reportedDown = false;
            log.info("conversation store reachable again");
          }
        })
        .recover(failure -> {
          if (failure instanceof AxonException) {
            return Future.failedFuture(failure);
          }
          if (isScriptError(failure)) {
            log.error("conversation store {} script failed: {}", what, failure.getMessage());
            return Future.failedFuture(new AxonException(ErrorKind.INTERNAL, "conversation store failed"));
          }
          if (!reportedDown) {
            reportedDown = true;
            log.warn("conversation store unavailable at {}: {}", options.redactedValkeyUrl(), failure.toString());
          }
          return Future.failedFuture(new AxonException(ErrorKind.UNAVAILABLE,
              "The conversation store is unavailable; try again shortly.", null, 1));
        });
  }

  private static boolean isScriptError(Throwable failure) {
    String message = failure.getMessage();
    return message != null && (message.startsWith("ERR") || message.startsWith("WRONGTYPE"));
  }
}
