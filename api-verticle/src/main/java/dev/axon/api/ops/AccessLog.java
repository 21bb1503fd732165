package dev.axon.api.ops;

import dev.axon.api.chat.ExchangeSummary;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.axon.api.http.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the logger {@code axon.access} (the launcher's logback configuration writes it to
 * stdout as it is). API requests are logged at INFO, operations endpoints (health, metrics, stats, the status page)
 * at DEBUG. Fields, always present ({@code null} when not applicable):
 * {@code ts, type, request_id, method, path, route, status, latency_ms, bytes_out, remote, key, model, client_model,
 * served_model, provider, conversation_id, stream, n, tokens_in, tokens_out, ttft_ms, pool_wait_ms, overhead_ms,
 * error, trace_id}. {@code key} is the API key's configured name, never the key.
 */
public final class AccessLog {

  /** The logger's name. */
  public static final String LOGGER = "axon.access";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  /** The exchange's fields, null on a request that was not a chat exchange. */
  private static final List<String> NO_EXCHANGE = List.of("model", "client_model", "served_model", "provider",
      "conversation_id", "stream", "n", "tokens_in", "tokens_out", "ttft_ms", "pool_wait_ms", "overhead_ms", "error");

  private AccessLog() {
  }

  static void write(RequestRecord r) {
    if (r.ops() ? !log.isDebugEnabled() : !log.isInfoEnabled()) {
      return;
    }
    String line = line(r);
    if (r.ops()) {
      log.debug(line);
    } else {
      log.info(line);
    }
  }

  /** One request's line: written field by field with Jackson's generator (a line per request: no map, no tree). */
  public static String line(RequestRecord r) {
    return new String(JsonWriter.bytes(g -> fields(g, r)), StandardCharsets.UTF_8);
  }

  private static void fields(JsonGenerator g, RequestRecord r) throws IOException {
    ExchangeSummary e = r.exchange();
    g.writeStartObject();
    g.writeStringField("ts", UtcMillis.format(System.currentTimeMillis()));
    g.writeStringField("type", "access");
    JsonWriter.stringOrNull(g, "request_id", r.requestId());
    JsonWriter.stringOrNull(g, "method", r.method());
    JsonWriter.stringOrNull(g, "path", r.path());
    JsonWriter.stringOrNull(g, "route", r.route());
    g.writeNumberField("status", r.status());
    g.writeNumberField("latency_ms", round(r.latencyMs()));
    g.writeNumberField("bytes_out", r.bytesOut());
    JsonWriter.stringOrNull(g, "remote", r.remote());
    JsonWriter.stringOrNull(g, "key", e != null ? e.keyName() : r.keyName());
    if (e == null) {
      for (String absent : NO_EXCHANGE) {
        g.writeNullField(absent);
      }
    } else {
      JsonWriter.stringOrNull(g, "model", e.model());
      JsonWriter.stringOrNull(g, "client_model", e.clientModel());
      JsonWriter.stringOrNull(g, "served_model", e.servedModel());
      JsonWriter.stringOrNull(g, "provider", e.provider());
      JsonWriter.stringOrNull(g, "conversation_id", e.conversationId());
      g.writeBooleanField("stream", e.stream());
      g.writeNumberField("n", e.n());
      if (e.usage() == null) {
        g.writeNullField("tokens_in");
        g.writeNullField("tokens_out");
      } else {
        g.writeNumberField("tokens_in", e.usage().promptTokens());
        g.writeNumberField("tokens_out", e.usage().completionTokens());
      }
      millisOrNull(g, "ttft_ms", e.timeToFirstTokenMs());
      millisOrNull(g, "pool_wait_ms", e.poolWaitMs());
      g.writeNumberField("overhead_ms", round(e.overheadMs()));
      JsonWriter.stringOrNull(g, "error", e.error() == null ? null : e.error().name().toLowerCase(Locale.ROOT));
    }
    JsonWriter.stringOrNull(g, "trace_id", r.traceId());
    g.writeEndObject();
  }

  /** A duration in ms, or null when negative (not measured). */
  private static void millisOrNull(JsonGenerator g, String name, double ms) throws IOException {
    if (ms < 0) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, round(ms));
    }
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
