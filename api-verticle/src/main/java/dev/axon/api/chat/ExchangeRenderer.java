package dev.axon.api.chat;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * How one chat exchange looks on the wire in a client's dialect. The {@link ChatExchange} decides what happens
 * (turns, conversation, listeners, guards, cancels); the renderer only turns it into bytes. One instance per
 * exchange, so a renderer may keep the state of its stream. Errors before a stream starts are not here: they go
 * through {@link dev.axon.api.http.Responses#error}, which knows the request's dialect.
 *
 * <p>Threading: called on the exchange's context only.
 */
public interface ExchangeRenderer {

  /** Sets the stream's headers (the response is already chunked) and returns its first bytes. */
  Buffer openStream(HttpServerResponse response);

  /** The bytes of one event of choice {@code index} in the stream, or null when it shows nothing. */
  Buffer streamEvent(int index, ChatEvent event);

  /** The last bytes of a stream whose choices all ended well; the response is ended after them. */
  Buffer closeStream(List<ChoiceAccumulator> choices, Usage usage);

  /** The last bytes of a stream that failed after it started. */
  Buffer streamError(AxonException error);

  /** What a stream sends when it has been silent for a while, or null when the dialect sends nothing. */
  default Buffer keepAlive() {
    return null;
  }

  /** Answers a plain (not streamed) request whose choices all ended well. */
  void reply(RoutingContext rc, List<ChoiceAccumulator> choices, Usage usage);
}
