package dev.axon.api.conversation;

import dev.axon.api.auth.AuthHandler;
import dev.axon.api.http.Responses;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.common.conversation.DeleteConversation;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.conversation.ListConversations;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The caller's conversations: {@code GET /v1/conversations/:id} (this handler), {@link #list} and {@link #delete}.
 * Only the owning key sees a conversation; anyone else gets 404, exactly as for one that does not exist.
 */
public final class ConversationHandler implements Handler<RoutingContext> {

  /** A conversation id: {@code conv-} and letters, digits, {@code _} or {@code -}; nothing that could reach a key. */
  public static final Pattern ID = Pattern.compile("conv-[A-Za-z0-9_-]{1,128}");
  public static final int DEFAULT_PAGE = 20;
  public static final int MAX_PAGE = 100;

  private final ConversationClient store;

  public ConversationHandler(ConversationClient store) {
    this.store = store;
  }

  @Override
  public void handle(RoutingContext rc) {
    String id = id(rc);
    if (id == null) {
      return;
    }
    store.get(new GetConversation(id, AuthHandler.key(rc).ownerHash()))
        .onSuccess(c -> Responses.json(rc, 200, OpenAiRenderer.conversation(c)))
        .onFailure(e -> Responses.error(rc, e));
  }

  /** {@code GET /v1/conversations?limit=&after=}: the caller's conversations, newest first. */
  public void list(RoutingContext rc) {
    int limit = DEFAULT_PAGE;
    List<String> limits = rc.queryParam("limit");
    if (!limits.isEmpty()) {
      String given = limits.get(0);
      try {
        limit = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_PAGE) {
        Responses.error(rc, AxonException.invalid("limit", "Invalid 'limit': expected an integer between 1 and " + MAX_PAGE + "."));
        return;
      }
    }
    List<String> afters = rc.queryParam("after");
    String after = afters.isEmpty() || afters.get(0).isEmpty() ? null : afters.get(0);
    if (after != null && !ID.matcher(after).matches()) {
      Responses.error(rc, AxonException.invalid("after", "Invalid 'after': expected a conversation id ('conv-' followed by letters, digits, '_' or '-')."));
      return;
    }
    store.list(new ListConversations(AuthHandler.key(rc).ownerHash(), limit, after))
        .onSuccess(page -> Responses.json(rc, 200, OpenAiRenderer.conversationList(page)))
        .onFailure(e -> Responses.error(rc, e));
  }

  /** {@code DELETE /v1/conversations/:id}: deletes the caller's conversation; 409 while a turn runs on it. */
  public void delete(RoutingContext rc) {
    String id = id(rc);
    if (id == null) {
      return;
    }
    store.delete(new DeleteConversation(id, AuthHandler.key(rc).ownerHash()))
        .onSuccess(v -> Responses.json(rc, 200, OpenAiRenderer.conversationDeleted(id)))
        .onFailure(e -> Responses.error(rc, e));
  }

  /** The path's conversation id, or null after answering 400 for a malformed one. */
  private static String id(RoutingContext rc) {
    String id = rc.pathParam("id");
    if (id == null || !ID.matcher(id).matches()) {
      Responses.error(rc, new AxonException(ErrorKind.INVALID_REQUEST,
          "Invalid conversation id: expected 'conv-' followed by letters, digits, '_' or '-'.", "conversation_id", null));
      return null;
    }
    return id;
  }
}
