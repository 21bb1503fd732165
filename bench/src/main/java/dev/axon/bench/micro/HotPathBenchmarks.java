package dev.axon.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import dev.axon.api.chat.ExchangeSummary;
import dev.axon.api.openai.ChoiceResult;
import dev.axon.api.openai.OpenAiChatCall;
import dev.axon.api.openai.OpenAiChunkWriter;
import dev.axon.api.openai.OpenAiRenderer;
import dev.axon.api.openai.OpenAiRequestParser;
import dev.axon.api.openai.ServedBy;
import dev.axon.api.ops.AccessLog;
import dev.axon.api.ops.RequestRecord;
import dev.axon.common.bus.JsonCodec;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.chat.ChatMessage;
import dev.axon.common.chat.ChatRequest;
import dev.axon.common.chat.FinishReason;
import dev.axon.common.chat.Usage;
import dev.axon.common.config.ModelCatalog;
import dev.axon.common.json.Json;
import dev.axon.common.log.EncodedLine;
import dev.axon.common.turn.TurnEvent;
import dev.axon.common.turn.TurnRequest;
import dev.axon.pool.provider.anthropic.AnthropicEventDecoder;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-request and per-chunk hot paths: OpenAI request parsing into the canonical model, SSE chunk rendering,
 * the event-bus codecs (as used across JVMs; within one JVM records pass without copying) and Anthropic stream
 * event decoding.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmarks {

  static final String REQUEST = "{\"model\":\"gpt-4o\",\"temperature\":0.7,\"max_tokens\":256,\"stream\":true,"
      + "\"stream_options\":{\"include_usage\":true},\"user\":\"bench\",\"messages\":["
      + "{\"role\":\"system\",\"content\":\"You are a helpful assistant that answers briefly.\"},"
      + "{\"role\":\"user\",\"content\":\"Hello there! Can you tell me what the capital of France is, and why it matters?\"},"
      + "{\"role\":\"assistant\",\"content\":\"The capital of France is Paris. It matters for its history, culture and politics.\"},"
      + "{\"role\":\"user\",\"content\":\"And what about Germany? Please answer in one sentence.\"}]}";
  static final String DELTA = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" Berlin\"}}";

  OpenAiRequestParser parser;
  Buffer request;
  OpenAiChunkWriter chunks;
  JsonCodec<TurnEvent> eventCodec;
  JsonCodec<TurnRequest> requestCodec;
  TurnEvent event;
  TurnRequest turnRequest;
  Buffer encodedEvent;
  byte[] delta;
  List<ChoiceResult> choices;
  Usage usage;
  ServedBy servedBy;
  RequestRecord access;

  @Setup
  public void setup() {
    parser = new OpenAiRequestParser(ModelCatalog.defaults(), 8);
    request = Buffer.buffer(REQUEST);
    chunks = new OpenAiChunkWriter("chatcmpl-0123456789abcdefghijklmnopqrs", 1767225600L, "gpt-4o", "fp_axon_0100", true,
        "conv-0123456789abcdefghijklmn");
    eventCodec = new JsonCodec<>(TurnEvent.class);
    requestCodec = new JsonCodec<>(TurnRequest.class);
    event = new TurnEvent("0123456789abc-42", 7, new ChatEvent.TextDelta(" Berlin is the capital"), "axon.turn.control.abc");
    OpenAiChatCall call = parser.parse(request);
    ChatRequest chat = call.request().withMessages(List.of(ChatMessage.user("Hello there"), ChatMessage.assistant("Hi"),
        ChatMessage.user("What is the capital of Germany?")));
    turnRequest = new TurnRequest("0123456789abc-42", "axon.turn.events.abc", "req_0123456789", chat);
    encodedEvent = Buffer.buffer();
    eventCodec.encodeToWire(encodedEvent, event);
    delta = DELTA.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    usage = new Usage(18, 48, 0, 0, 0);
    choices = List.of(new ChoiceResult(0, "The capital of Germany is Berlin, which has been the seat of its government since "
        + "reunification in 1990 and is also its largest city, with about 3.7 million people.", List.of(), FinishReason.STOP,
        null, usage));
    servedBy = new ServedBy("anthropic", "claude-sonnet-4-6");
    long t = System.nanoTime();
    access = new RequestRecord("req_0123456789abcdefghij", "POST", "/v1/chat/completions", "/v1/chat/completions", false,
        200, 0.412, 1013, "bench", "127.0.0.1", null, new ExchangeSummary("req_0123456789abcdefghij", "bench", "owner",
        "gpt-4o", "claude-sonnet-4-6", "claude-sonnet-4-6", "anthropic", "conv-0123456789abcdefghijklmn", false, 1, 200,
        null, usage, t, t + 20_000, t + 250_000, t + 400_000, t + 30_000, t + 390_000, true));
  }

  @Benchmark
  public OpenAiChatCall parseChatRequest() {
    return parser.parse(request);
  }

  /** A whole non-streamed chat completion body. */
  @Benchmark
  public Buffer renderCompletion() {
    return OpenAiRenderer.completion("chatcmpl-0123456789abcdefghijklmnopqrs", 1767225600L, "gpt-4o", "fp_axon_0100",
        choices, usage, "conv-0123456789abcdefghijklmn", servedBy);
  }

  /** A chat completion's access-log line. */
  @Benchmark
  public EncodedLine accessLine() {
    return AccessLog.encoded(access);
  }

  @Benchmark
  public Buffer renderContentChunk() {
    return chunks.content(0, " Berlin is the capital");
  }

  @Benchmark
  public Buffer encodeTurnEvent() {
    Buffer out = Buffer.buffer(128);
    eventCodec.encodeToWire(out, event);
    return out;
  }

  @Benchmark
  public TurnEvent decodeTurnEvent() {
    return eventCodec.decodeFromWire(0, encodedEvent);
  }

  @Benchmark
  public Buffer encodeTurnRequest() {
    Buffer out = Buffer.buffer(512);
    requestCodec.encodeToWire(out, turnRequest);
    return out;
  }

  /** A text delta read into a tree, as every other event is. */
  @Benchmark
  public void decodeAnthropicDelta(Blackhole bh) throws Exception {
    JsonNode node = Json.MAPPER.readTree(delta);
    AnthropicEventDecoder decoder = new AnthropicEventDecoder(bh::consume);
    decoder.accept(node);
  }

  /** The same text delta on the streaming path the anthropic provider takes for text deltas. */
  @Benchmark
  public void decodeAnthropicDeltaStreaming(Blackhole bh) {
    AnthropicEventDecoder decoder = new AnthropicEventDecoder(bh::consume);
    bh.consume(decoder.acceptTextDelta(DELTA));
  }
}
