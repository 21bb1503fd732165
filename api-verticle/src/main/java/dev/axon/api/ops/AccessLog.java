package dev.axon.api.ops;

import dev.axon.api.chat.ExchangeSummary;
import dev.axon.api.http.JsonLine;
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

  /** One request's line: written field by field straight into its string (a line per request: no map, no tree). */
  public static String line(RequestRecord r) {
    ExchangeSummary e = r.exchange();
    JsonLine line = new JsonLine(512)
        .string("ts", UtcMillis.format(System.currentTimeMillis()))
        .string("type", "access")
        .string("request_id", r.requestId())
        .string("method", r.method())
        .string("path", r.path())
        .string("route", r.route())
        .number("status", r.status())
        .number("latency_ms", round(r.latencyMs()))
        .number("bytes_out", r.bytesOut())
        .string("remote", r.remote())
        .string("key", e != null ? e.keyName() : r.keyName());
    if (e == null) {
      for (String absent : NO_EXCHANGE) {
        line.nullValue(absent);
      }
    } else {
      line.string("model", e.model())
          .string("client_model", e.clientModel())
          .string("served_model", e.servedModel())
          .string("provider", e.provider())
          .string("conversation_id", e.conversationId())
          .bool("stream", e.stream())
          .number("n", e.n());
      if (e.usage() == null) {
        line.nullValue("tokens_in").nullValue("tokens_out");
      } else {
        line.number("tokens_in", e.usage().promptTokens()).number("tokens_out", e.usage().completionTokens());
      }
      millisOrNull(line, "ttft_ms", e.timeToFirstTokenMs());
      millisOrNull(line, "pool_wait_ms", e.poolWaitMs());
      line.number("overhead_ms", round(e.overheadMs()))
          .string("error", e.error() == null ? null : e.error().name().toLowerCase(Locale.ROOT));
    }
    return line.string("trace_id", r.traceId()).end();
  }

  /** A duration in ms, or null when negative (not measured). */
  private static void millisOrNull(JsonLine line, String field, double ms) {
    if (ms < 0) {
      line.nullValue(field);
    } else {
      line.number(field, round(ms));
    }
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
