package dev.axon.pool.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import dev.axon.common.json.Json;
import dev.axon.pool.emulation.JsonObjectFilter;
import dev.axon.pool.emulation.StopSequenceFilter;
import dev.axon.pool.provider.http.ResponseDecoder;
import dev.axon.pool.provider.http.UpstreamCall;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One turn's {@code POST /v1/messages}: the translated body and headers, and the reading of its response into
 * canonical events with the gateway's share of the work — whitespace stop sequences, the forced JSON tool's input
 * relayed as content, the JSON-object filter, finish {@code tool_calls} whenever tools were called, the refusal
 * text, and thinking passed on only when the client asked for it.
 */
final class AnthropicCall implements UpstreamCall {

  static final String DEFAULT_REFUSAL = "The model declined to answer this request.";

  private final AnthropicOptions options;
  private final String model;
  private final AnthropicRequestTranslator.Translation translation;
  private final Buffer body;
  private final boolean stream;

  AnthropicCall(AnthropicOptions options, String model, AnthropicRequestTranslator.Translation translation, boolean stream) {
    this.options = options;
    this.model = model;
    this.translation = translation;
    this.stream = stream;
    translation.body().put("stream", stream);
    this.body = Buffer.buffer(Json.toBytes(translation.body()));
  }

  @Override
  public String path() {
    return "/v1/messages";
  }

  @Override
  public void headers(MultiMap headers) {
    if (options.http().apiKey() != null) {
      headers.set("x-api-key", options.http().apiKey());
    }
    headers.set("anthropic-version", options.version());
    if (!translation.betas().isEmpty()) {
      headers.set("anthropic-beta", String.join(",", translation.betas()));
    }
    headers.set("accept", stream ? "text/event-stream" : "application/json");
  }

  @Override
  public Buffer body() {
    return body;
  }

  @Override
  public boolean streamed() {
    return stream;
  }

  @Override
  public ResponseDecoder decoder(Consumer<ChatEvent> sink) {
    return new Decoder(sink);
  }

  @Override
  public AxonException error(int status, Buffer errorBody, MultiMap headers) {
    return AnthropicErrors.fromResponse(status, errorBody, headers);
  }

  /** Reads one attempt's response. */
  private final class Decoder implements ResponseDecoder {
    private final Consumer<ChatEvent> sink;
    private final AnthropicRequestTranslator.TurnPlan plan = translation.plan();
    private final AnthropicEventDecoder events = new AnthropicEventDecoder(this::fromUpstream);
    private final StopSequenceFilter stops;
    private final JsonObjectFilter jsonObject;
    private final StringBuilder text = new StringBuilder();
    private int jsonToolIndex = -1;
    private boolean toolCalls;
    private boolean cut;
    private AxonException unreadable;

    Decoder(Consumer<ChatEvent> sink) {
      this.sink = sink;
      this.stops = new StopSequenceFilter(plan.gatewayStops());
      this.jsonObject = plan.jsonObjectFilter() ? new JsonObjectFilter() : null;
    }

    @Override
    public void onEvent(String event, String data) {
      if ("ping".equals(event) || "content_block_delta".equals(event) && events.acceptTextDelta(data)) {
        return;
      }
      try {
        events.accept(Json.MAPPER.readTree(data));
      } catch (IOException e) {
        unreadable = new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream sent an event that is not JSON.", null, null);
      }
    }

    @Override
    public void onBody(Buffer whole) {
      try {
        JsonNode message = Json.MAPPER.readTree(whole.getBytes());
        if (message != null && "error".equals(message.path("type").asText())) {
          events.accept(message);
        } else if (message != null && message.isObject()) {
          events.acceptMessage(message);
        } else {
          unreadable = new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream's reply is not a message.", null, null);
        }
      } catch (IOException e) {
        unreadable = new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream's reply is not JSON.", null, null);
      }
    }

    @Override
    public Outcome outcome() {
      if (unreadable != null) {
        return Outcome.failed(unreadable);
      }
      if (events.error() != null) {
        return Outcome.failed(events.error());
      }
      if (cut) {
        return Outcome.cut(done());
      }
      if (events.stopped()) {
        return finished();
      }
      return null;
    }

    @Override
    public Outcome end() {
      Outcome outcome = outcome();
      if (outcome != null) {
        return outcome;
      }
      if (events.started() && events.stopReason() != null) {
        // message_delta came but not message_stop: the reply itself is complete.
        return finished();
      }
      return Outcome.failed(new AxonException(ErrorKind.UPSTREAM_ERROR, "The upstream ended the reply before it was complete.", null, null));
    }

    private Outcome finished() {
      String rest = stops.flush();
      if (!rest.isEmpty()) {
        emitText(rest);
      }
      ChatEvent.Done done = done();
      if (jsonObject != null && !jsonObject.found() && done.finishReason() == FinishReason.STOP && !toolCalls) {
        return Outcome.failed(new AxonException(ErrorKind.UPSTREAM_ERROR, "The model did not answer with a JSON object.", null, null));
      }
      return Outcome.done(done);
    }

    private ChatEvent.Done done() {
      FinishReason upstream = AnthropicEventDecoder.finishReason(events.stopReason());
      FinishReason finish = upstream;
      if (cut) {
        finish = FinishReason.STOP;
      } else if (plan.jsonTool() != null && finish == FinishReason.TOOL_CALLS) {
        finish = FinishReason.STOP;
      } else if (toolCalls && finish == FinishReason.STOP) {
        finish = FinishReason.TOOL_CALLS;
      } else if (!toolCalls && finish == FinishReason.TOOL_CALLS) {
        finish = FinishReason.STOP;
      }
      String refusal = null;
      if (finish == FinishReason.CONTENT_FILTER) {
        String explanation = events.refusalExplanation();
        refusal = text.length() > 0 ? text.toString() : explanation != null ? explanation : DEFAULT_REFUSAL;
      }
      Usage usage = events.usage();
      if (cut) {
        // The gateway stopped the reply: the upstream's final count never came, so estimate what it generated.
        int estimated = (int) Math.ceil(text.length() / 4.0);
        usage = new Usage(usage.promptTokens(), Math.max(usage.completionTokens(), estimated), usage.cachedTokens(),
            usage.reasoningTokens(), usage.cacheWriteTokens());
      }
      ChatEvent.Done done = new ChatEvent.Done(finish, usage, events.model() != null ? events.model() : model, refusal);
      if (cut) {
        // The gateway enforced a stop sequence the upstream could not take.
        return done.withStopSequence(stops.matched()).withStopReason(stops.matched() != null ? "stop_sequence" : null);
      }
      if (finish != upstream || plan.jsonTool() != null) {
        // The gateway's reading differs from the upstream's: its stop reason would contradict the finish reason.
        return done;
      }
      return done.withStopReason(events.stopReason())
          .withStopSequence("stop_sequence".equals(events.stopReason()) ? events.stopSequence() : null);
    }

    /** Canonical events as the shared decoder reads them from the upstream. */
    private void fromUpstream(ChatEvent event) {
      if (cut) {
        return;
      }
      if (event instanceof ChatEvent.TextDelta t) {
        if (plan.jsonTool() == null) {
          text(t.text());
        }
      } else if (event instanceof ChatEvent.ThinkingDelta || event instanceof ChatEvent.RedactedThinking) {
        if (plan.relayThinking()) {
          sink.accept(event);
        }
      } else if (event instanceof ChatEvent.OpaqueBlock) {
        sink.accept(event);
      } else if (event instanceof ChatEvent.ToolCallDelta d) {
        if (plan.jsonTool() != null) {
          if (d.name() != null) {
            jsonToolIndex = plan.jsonTool().equals(d.name()) ? d.index() : jsonToolIndex;
          } else if (d.index() == jsonToolIndex) {
            text(d.arguments());
          }
          return;
        }
        toolCalls = true;
        sink.accept(d);
      }
    }

    private void text(String piece) {
      String out = jsonObject != null ? jsonObject.accept(piece) : piece;
      if (stops.active()) {
        out = stops.accept(out);
      }
      if (!out.isEmpty()) {
        emitText(out);
      }
      if (stops.stopped()) {
        cut = true;
      }
    }

    private void emitText(String out) {
      text.append(out);
      sink.accept(new ChatEvent.TextDelta(out));
    }
  }
}
