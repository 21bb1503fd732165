package dev.axon.api.conversation;

import dev.axon.api.auth.AuthHandler;
import dev.axon.api.http.Responses;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.common.conversation.GetConversation;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** {@code GET /v1/conversations/:id}: the conversation for its owner, 404 for anyone else. */
public final class ConversationHandler implements Handler<RoutingContext> {

  private static final Pattern ID = Pattern.compile("conv-[A-Za-z0-9_-]{1,128}");

  private final ConversationClient store;

  public ConversationHandler(ConversationClient store) {
    this.store = store;
  }

  @Override
  public void handle(RoutingContext rc) {
    String id = rc.pathParam("id");
    if (id == null || !ID.matcher(id).matches()) {
      Responses.error(rc, new AxonException(ErrorKind.INVALID_REQUEST,
          "Invalid conversation id: expected 'conv-' followed by letters, digits, '_' or '-'.", "conversation_id", null));
      return;
    }
    store.get(new GetConversation(id, AuthHandler.key(rc).ownerHash()))
        .onSuccess(c -> Responses.json(rc, 200, OpenAiRenderer.conversation(c)))
        .onFailure(e -> Responses.error(rc, e));
  }
}
