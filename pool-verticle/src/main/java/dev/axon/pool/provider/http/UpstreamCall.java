package dev.axon.pool.provider.http;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.AxonException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * One turn's request in an upstream's protocol, ready to send (as often as retries need): where, with which
 * headers and body, how to read a successful response and how to read an error response.
 */
public interface UpstreamCall {

  /** The path appended to the base URL's path, e.g. {@code /v1/messages}. */
  String path();

  /** Adds the protocol's headers (credentials included) to a request. */
  void headers(MultiMap headers);

  /** The request body. */
  Buffer body();

  /**
   * Whether the upstream was asked for a stream; when not, its status line comes only once the whole reply is
   * generated, so the wait for it is bounded by {@code wholeReplyTimeoutMs} instead of {@code headersTimeoutMs}.
   */
  boolean streamed();

  /** A fresh decoder for one attempt's successful response, emitting to {@code sink}. */
  ResponseDecoder decoder(Consumer<ChatEvent> sink);

  /**
   * The typed error for an unsuccessful status. {@code body} is the error body as received (possibly empty or not
   * JSON); the error's message may quote the upstream's explanation of a client error, never credentials.
   */
  AxonException error(int status, Buffer body, MultiMap headers);
}
