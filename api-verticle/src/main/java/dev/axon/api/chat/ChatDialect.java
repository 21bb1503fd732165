package dev.axon.api.chat;

import dev.axon.common.error.AxonException;
import io.vertx.ext.web.RoutingContext;

/**
 * A client dialect's part of the chat request chain: reading a request into a {@link ChatCall} and rendering its
 * exchange. Everything between (keys, conversations, bounds, turns, storing, metering) is the dialect-neutral
 * {@link ChatTurnHandler}'s.
 *
 * @param <C> the dialect's call
 */
public interface ChatDialect<C extends ChatCall> {

  /** Reads and validates the request; fails with a typed error ({@code INVALID_REQUEST}, {@code MODEL_NOT_FOUND}). */
  C parse(RoutingContext rc) throws AxonException;

  /** The error for a model the key may not use: the same as for a model that does not exist. */
  AxonException modelNotFound(String clientModel);

  /** A renderer for one exchange of this call. */
  ExchangeRenderer renderer(C call, String conversationId);
}
