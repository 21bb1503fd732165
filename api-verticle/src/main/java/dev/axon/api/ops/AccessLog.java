package dev.axon.api.ops;

import dev.axon.api.chat.ExchangeSummary;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

  private AccessLog() {
  }

  static void write(RequestRecord r) {
    if (r.ops() ? !log.isDebugEnabled() : !log.isInfoEnabled()) {
      return;
    }
    String line = line(r).encode();
    if (r.ops()) {
      log.debug(line);
    } else {
      log.info(line);
    }
  }

  /** The JSON object of one request's line. */
  public static JsonObject line(RequestRecord r) {
    ExchangeSummary e = r.exchange();
    JsonObject o = new JsonObject()
        .put("ts", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
        .put("type", "access")
        .put("request_id", r.requestId())
        .put("method", r.method())
        .put("path", r.path())
        .put("route", r.route())
        .put("status", r.status())
        .put("latency_ms", round(r.latencyMs()))
        .put("bytes_out", r.bytesOut())
        .put("remote", r.remote())
        .put("key", e != null ? e.keyName() : r.keyName());
    if (e == null) {
      return o.putNull("model").putNull("client_model").putNull("served_model").putNull("provider").putNull("conversation_id")
          .putNull("stream").putNull("n").putNull("tokens_in").putNull("tokens_out").putNull("ttft_ms").putNull("pool_wait_ms")
          .putNull("overhead_ms").putNull("error").put("trace_id", r.traceId());
    }
    return o.put("model", e.model())
        .put("client_model", e.clientModel())
        .put("served_model", e.servedModel())
        .put("provider", e.provider())
        .put("conversation_id", e.conversationId())
        .put("stream", e.stream())
        .put("n", e.n())
        .put("tokens_in", e.usage() == null ? null : e.usage().promptTokens())
        .put("tokens_out", e.usage() == null ? null : e.usage().completionTokens())
        .put("ttft_ms", e.timeToFirstTokenMs() < 0 ? null : round(e.timeToFirstTokenMs()))
        .put("pool_wait_ms", e.poolWaitMs() < 0 ? null : round(e.poolWaitMs()))
        .put("overhead_ms", round(e.overheadMs()))
        .put("error", e.error() == null ? null : e.error().name().toLowerCase(java.util.Locale.ROOT))
        .put("trace_id", r.traceId());
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
