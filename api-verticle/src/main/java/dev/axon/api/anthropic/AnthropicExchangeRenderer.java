package dev.axon.api.anthropic;

import dev.axon.api.chat.ChoiceAccumulator;
import dev.axon.api.chat.ExchangeRenderer;
import dev.axon.api.http.Responses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * One message exchange in Anthropic's dialect: a {@code message} body, or its event stream (see
 * {@link AnthropicSseWriter}) with {@code ping} keep-alives. A stored turn's responses carry its conversation in the
 * {@code x-axon-conversation-id} header; which provider and model served it are in {@code x-axon-provider} and
 * {@code x-axon-served-model} (plain responses).
 */
final class AnthropicExchangeRenderer implements ExchangeRenderer {

  private final AnthropicCall call;
  private final String conversationId;
  private final String messageId = AnthropicRenderer.messageId();
  private final AnthropicSseWriter events;

  AnthropicExchangeRenderer(AnthropicCall call, String conversationId) {
    this.call = call;
    this.conversationId = conversationId;
    this.events = new AnthropicSseWriter(messageId, call.clientModel());
  }

  @Override
  public Buffer openStream(HttpServerResponse response) {
    conversationHeader(response);
    Responses.eventStream(response);
    return events.start();
  }

  @Override
  public Buffer streamEvent(int index, ChatEvent event) {
    return events.add(event);
  }

  @Override
  public Buffer closeStream(List<ChoiceAccumulator> choices, Usage usage) {
    return events.finish(choices.get(0).outcome(), usage);
  }

  @Override
  public Buffer streamError(AxonException error) {
    return AnthropicSseWriter.error(error);
  }

  @Override
  public Buffer keepAlive() {
    return AnthropicSseWriter.ping();
  }

  @Override
  public void reply(RoutingContext rc, List<ChoiceAccumulator> choices, Usage usage) {
    ChoiceAccumulator choice = choices.get(0);
    HttpServerResponse response = rc.response();
    conversationHeader(response);
    ChatEvent.Done done = choice.outcome();
    Responses.servedBy(response, done.provider(), done.servedModel());
    Responses.json(rc, 200, AnthropicRenderer.message(messageId, call.clientModel(), choice, usage));
  }

  private void conversationHeader(HttpServerResponse response) {
    if (conversationId != null) {
      response.putHeader(AnthropicRequestParser.CONVERSATION_HEADER, conversationId);
    }
  }
}
