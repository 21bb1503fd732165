package dev.axon.api.ops;

import dev.axon.api.chat.ExchangeSummary;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.axon.api.http.JsonField;
import dev.axon.api.http.JsonWriter;
import dev.axon.common.log.EncodedLine;
import java.io.IOException;
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

  // The line's field names, in the order written.
  private static final JsonField TS = JsonField.of("ts");
  private static final JsonField TYPE = JsonField.of("type");
  private static final JsonField REQUEST_ID = JsonField.of("request_id");
  private static final JsonField METHOD = JsonField.of("method");
  private static final JsonField PATH = JsonField.of("path");
  private static final JsonField ROUTE = JsonField.of("route");
  private static final JsonField STATUS = JsonField.of("status");
  private static final JsonField LATENCY_MS = JsonField.of("latency_ms");
  private static final JsonField BYTES_OUT = JsonField.of("bytes_out");
  private static final JsonField REMOTE = JsonField.of("remote");
  private static final JsonField KEY = JsonField.of("key");
  private static final JsonField MODEL = JsonField.of("model");
  private static final JsonField CLIENT_MODEL = JsonField.of("client_model");
  private static final JsonField SERVED_MODEL = JsonField.of("served_model");
  private static final JsonField PROVIDER = JsonField.of("provider");
  private static final JsonField CONVERSATION_ID = JsonField.of("conversation_id");
  private static final JsonField STREAM = JsonField.of("stream");
  private static final JsonField N = JsonField.of("n");
  private static final JsonField TOKENS_IN = JsonField.of("tokens_in");
  private static final JsonField TOKENS_OUT = JsonField.of("tokens_out");
  private static final JsonField TTFT_MS = JsonField.of("ttft_ms");
  private static final JsonField POOL_WAIT_MS = JsonField.of("pool_wait_ms");
  private static final JsonField OVERHEAD_MS = JsonField.of("overhead_ms");
  private static final JsonField ERROR = JsonField.of("error");
  private static final JsonField TRACE_ID = JsonField.of("trace_id");
  /** The exchange's fields, null on a request that was not a chat exchange. */
  private static final List<JsonField> NO_EXCHANGE = List.of(MODEL, CLIENT_MODEL, SERVED_MODEL, PROVIDER, CONVERSATION_ID,
      STREAM, N, TOKENS_IN, TOKENS_OUT, TTFT_MS, POOL_WAIT_MS, OVERHEAD_MS, ERROR);

  private AccessLog() {
  }

  static void write(RequestRecord r) {
    if (r.ops() ? !log.isDebugEnabled() : !log.isInfoEnabled()) {
      return;
    }
    EncodedLine line = encoded(r);
    if (r.ops()) {
      log.debug("{}", line);
    } else {
      log.info("{}", line);
    }
  }

  /** One request's line. */
  public static String line(RequestRecord r) {
    return encoded(r).toString();
  }

  /**
   * One request's line in UTF-8, written field by field with Jackson's generator (a line per request: no map, no
   * tree, and no string: the access log's encoder writes these bytes as they are).
   */
  public static EncodedLine encoded(RequestRecord r) {
    return JsonWriter.line(g -> fields(g, r));
  }

  private static void fields(JsonGenerator g, RequestRecord r) throws IOException {
    ExchangeSummary e = r.exchange();
    g.writeStartObject();
    TS.string(g, UtcMillis.format(System.currentTimeMillis()));
    TYPE.string(g, "access");
    REQUEST_ID.stringOrNull(g, r.requestId());
    METHOD.stringOrNull(g, r.method());
    PATH.stringOrNull(g, r.path());
    ROUTE.stringOrNull(g, r.route());
    STATUS.number(g, r.status());
    LATENCY_MS.millis(g, r.latencyMs());
    BYTES_OUT.number(g, r.bytesOut());
    REMOTE.stringOrNull(g, r.remote());
    KEY.stringOrNull(g, e != null ? e.keyName() : r.keyName());
    if (e == null) {
      for (JsonField absent : NO_EXCHANGE) {
        absent.nullValue(g);
      }
    } else {
      MODEL.stringOrNull(g, e.model());
      CLIENT_MODEL.stringOrNull(g, e.clientModel());
      SERVED_MODEL.stringOrNull(g, e.servedModel());
      PROVIDER.stringOrNull(g, e.provider());
      CONVERSATION_ID.stringOrNull(g, e.conversationId());
      STREAM.bool(g, e.stream());
      N.number(g, e.n());
      if (e.usage() == null) {
        TOKENS_IN.nullValue(g);
        TOKENS_OUT.nullValue(g);
      } else {
        TOKENS_IN.number(g, e.usage().promptTokens());
        TOKENS_OUT.number(g, e.usage().completionTokens());
      }
      millisOrNull(g, TTFT_MS, e.timeToFirstTokenMs());
      millisOrNull(g, POOL_WAIT_MS, e.poolWaitMs());
      OVERHEAD_MS.millis(g, e.overheadMs());
      ERROR.stringOrNull(g, e.error() == null ? null : e.error().name().toLowerCase(Locale.ROOT));
    }
    TRACE_ID.stringOrNull(g, r.traceId());
    g.writeEndObject();
  }

  /** A duration in ms, or null when negative (not measured). */
  private static void millisOrNull(JsonGenerator g, JsonField field, double ms) throws IOException {
    if (ms < 0) {
      field.nullValue(g);
    } else {
      field.millis(g, ms);
    }
  }
}
