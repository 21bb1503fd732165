package dev.axon.api.openai;

import dev.axon.api.chat.ChatDialect;
import dev.axon.api.chat.ExchangeRenderer;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** OpenAI's chat completions as a {@link ChatDialect}: its parser, its completion and chunk renderers. */
public final class OpenAiDialect implements ChatDialect<OpenAiChatCall> {

  private final OpenAiRequestParser parser;
  private final String fingerprint;

  public OpenAiDialect(OpenAiRequestParser parser, String fingerprint) {
    this.parser = parser;
    this.fingerprint = fingerprint;
  }

  @Override
  public OpenAiChatCall parse(RoutingContext rc) {
    Buffer body = rc.body().buffer();
    return parser.parse(body == null ? Buffer.buffer() : body);
  }

  @Override
  public AxonException modelNotFound(String clientModel) {
    return OpenAiRequestParser.modelNotFound(clientModel);
  }

  @Override
  public ExchangeRenderer renderer(OpenAiChatCall call, String conversationId) {
    return new OpenAiExchangeRenderer(call, fingerprint, conversationId);
  }
}
