package dev.axon.api.anthropic;

import dev.axon.api.chat.ChatDialect;
import dev.axon.api.chat.ExchangeRenderer;
import dev.axon.common.error.AxonException;
import io.vertx.ext.web.RoutingContext;

/** Anthropic's Messages API as a {@link ChatDialect}: its parser and its message and event-stream renderers. */
public final class AnthropicDialect implements ChatDialect<AnthropicCall> {

  private final AnthropicRequestParser parser;

  public AnthropicDialect(AnthropicRequestParser parser) {
    this.parser = parser;
  }

  @Override
  public AnthropicCall parse(RoutingContext rc) {
    return parser.parse(rc.body().buffer(), rc.request().getHeader(AnthropicRequestParser.CONVERSATION_HEADER),
        rc.request().getHeader(AnthropicRequestParser.STORE_HEADER));
  }

  @Override
  public AxonException modelNotFound(String clientModel) {
    return AnthropicRequestParser.modelNotFound(clientModel);
  }

  @Override
  public ExchangeRenderer renderer(AnthropicCall call, String conversationId) {
    return new AnthropicExchangeRenderer(call, conversationId);
  }
}
