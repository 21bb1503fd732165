package dev.axon.api.openai;

import dev.axon.api.chat.ChoiceAccumulator;
import dev.axon.api.chat.ExchangeRenderer;
import dev.axon.api.http.RequestIds;
import dev.axon.api.http.Responses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One chat completion in OpenAI's dialect: {@code chat.completion} bodies and {@code chat.completion.chunk} SSE
 * ending with {@code data: [DONE]}; every chunk and body carries the {@code conversation_id}.
 */
final class OpenAiExchangeRenderer implements ExchangeRenderer {

  private final OpenAiChatCall call;
  private final String fingerprint;
  private final String conversationId;
  private final String completionId = RequestIds.random("chatcmpl-", 29);
  private final long created = System.currentTimeMillis() / 1000;
  private OpenAiChunkWriter chunks;

  OpenAiExchangeRenderer(OpenAiChatCall call, String fingerprint, String conversationId) {
    this.call = call;
    this.fingerprint = fingerprint;
    this.conversationId = conversationId;
  }

  @Override
  public Buffer openStream(HttpServerResponse response) {
    chunks = new OpenAiChunkWriter(completionId, created, call.clientModel(), fingerprint, call.includeUsage(), conversationId);
    Responses.eventStream(response);
    Buffer first = Buffer.buffer();
    for (int i = 0; i < call.n(); i++) {
      first.appendBuffer(chunks.role(i));
    }
    return first;
  }

  @Override
  public Buffer streamEvent(int index, ChatEvent event) {
    if (event instanceof ChatEvent.TextDelta t) {
      return chunks.content(index, t.text());
    }
    if (event instanceof ChatEvent.ToolCallDelta d) {
      return chunks.toolCall(index, d.index(), d.id(), d.name(), d.arguments());
    }
    return null;
  }

  @Override
  public Buffer closeStream(List<ChoiceAccumulator> choices, Usage usage) {
    Buffer tail = Buffer.buffer();
    for (ChoiceAccumulator c : choices) {
      tail.appendBuffer(chunks.finish(c.index(), c.outcome().finishReason(), c.outcome().refusal(), servedBy(c)));
    }
    if (call.includeUsage()) {
      tail.appendBuffer(chunks.usage(usage));
    }
    return tail.appendBuffer(OpenAiChunkWriter.done());
  }

  @Override
  public Buffer streamError(AxonException error) {
    return OpenAiChunkWriter.error(error);
  }

  @Override
  public void reply(RoutingContext rc, List<ChoiceAccumulator> choices, Usage usage) {
    List<ChoiceResult> results = new ArrayList<>(choices.size());
    for (ChoiceAccumulator c : choices) {
      results.add(c.result());
    }
    ServedBy servedBy = servedBy(choices.get(0));
    HttpServerResponse response = rc.response();
    Responses.servedBy(response, servedBy.provider(), servedBy.model());
    Responses.json(rc, 200, OpenAiRenderer.completion(completionId, created, call.clientModel(), fingerprint, results, usage,
        conversationId, servedBy));
  }

  static ServedBy servedBy(ChoiceAccumulator choice) {
    ChatEvent.Done done = choice.outcome();
    return new ServedBy(done.provider(), done.servedModel());
  }
}
