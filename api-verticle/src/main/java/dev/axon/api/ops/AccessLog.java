package dev.axon.api.ops;

import dev.axon.api.chat.ExchangeSummary;
import dev.axon.api.http.JsonBytes;
import dev.axon.common.log.EncodedLine;
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

  // The line's field names, each with what goes before it, in the order written.
  private static final byte[] TS = JsonBytes.firstName("ts");
  private static final byte[] TYPE = JsonBytes.name("type");
  private static final byte[] REQUEST_ID = JsonBytes.name("request_id");
  private static final byte[] METHOD = JsonBytes.name("method");
  private static final byte[] PATH = JsonBytes.name("path");
  private static final byte[] ROUTE = JsonBytes.name("route");
  private static final byte[] STATUS = JsonBytes.name("status");
  private static final byte[] LATENCY_MS = JsonBytes.name("latency_ms");
  private static final byte[] BYTES_OUT = JsonBytes.name("bytes_out");
  private static final byte[] REMOTE = JsonBytes.name("remote");
  private static final byte[] KEY = JsonBytes.name("key");
  private static final byte[] MODEL = JsonBytes.name("model");
  private static final byte[] CLIENT_MODEL = JsonBytes.name("client_model");
  private static final byte[] SERVED_MODEL = JsonBytes.name("served_model");
  private static final byte[] PROVIDER = JsonBytes.name("provider");
  private static final byte[] CONVERSATION_ID = JsonBytes.name("conversation_id");
  private static final byte[] STREAM = JsonBytes.name("stream");
  private static final byte[] N = JsonBytes.name("n");
  private static final byte[] TOKENS_IN = JsonBytes.name("tokens_in");
  private static final byte[] TOKENS_OUT = JsonBytes.name("tokens_out");
  private static final byte[] TTFT_MS = JsonBytes.name("ttft_ms");
  private static final byte[] POOL_WAIT_MS = JsonBytes.name("pool_wait_ms");
  private static final byte[] OVERHEAD_MS = JsonBytes.name("overhead_ms");
  private static final byte[] ERROR = JsonBytes.name("error");
  private static final byte[] TRACE_ID = JsonBytes.name("trace_id");
  private static final byte[] END = JsonBytes.constant("}");
  /** The exchange's fields, null on a request that was not a chat exchange. */
  private static final List<byte[]> NO_EXCHANGE = List.of(MODEL, CLIENT_MODEL, SERVED_MODEL, PROVIDER, CONVERSATION_ID,
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
   * One request's line in UTF-8, written field by field into one array (no map, no tree, and no string: the access
   * log's encoder writes these bytes as they are).
   */
  public static EncodedLine encoded(RequestRecord r) {
    ExchangeSummary e = r.exchange();
    JsonBytes line = JsonBytes.pooled();
    line.raw(TS).string(UtcMillis.format(System.currentTimeMillis()));
    line.raw(TYPE).string("access");
    line.raw(REQUEST_ID).stringOrNull(r.requestId());
    line.raw(METHOD).stringOrNull(r.method());
    line.raw(PATH).stringOrNull(r.path());
    line.raw(ROUTE).stringOrNull(r.route());
    line.raw(STATUS).number(r.status());
    line.raw(LATENCY_MS).millis(r.latencyMs());
    line.raw(BYTES_OUT).number(r.bytesOut());
    line.raw(REMOTE).stringOrNull(r.remote());
    line.raw(KEY).stringOrNull(e != null ? e.keyName() : r.keyName());
    if (e == null) {
      for (byte[] absent : NO_EXCHANGE) {
        line.raw(absent).nullValue();
      }
    } else {
      line.raw(MODEL).stringOrNull(e.model());
      line.raw(CLIENT_MODEL).stringOrNull(e.clientModel());
      line.raw(SERVED_MODEL).stringOrNull(e.servedModel());
      line.raw(PROVIDER).stringOrNull(e.provider());
      line.raw(CONVERSATION_ID).stringOrNull(e.conversationId());
      line.raw(STREAM).bool(e.stream());
      line.raw(N).number(e.n());
      if (e.usage() == null) {
        line.raw(TOKENS_IN).nullValue();
        line.raw(TOKENS_OUT).nullValue();
      } else {
        line.raw(TOKENS_IN).number(e.usage().promptTokens());
        line.raw(TOKENS_OUT).number(e.usage().completionTokens());
      }
      millisOrNull(line.raw(TTFT_MS), e.timeToFirstTokenMs());
      millisOrNull(line.raw(POOL_WAIT_MS), e.poolWaitMs());
      line.raw(OVERHEAD_MS).millis(e.overheadMs());
      line.raw(ERROR).stringOrNull(e.error() == null ? null : e.error().name().toLowerCase(Locale.ROOT));
    }
    line.raw(TRACE_ID).stringOrNull(r.traceId());
    return line.raw(END).line();
  }

  /** A duration in ms, or null when negative (not measured). */
  private static void millisOrNull(JsonBytes line, double ms) {
    if (ms < 0) {
      line.nullValue();
    } else {
      line.millis(ms);
    }
  }
}
