package dev.axon.pool.provider.http;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.AxonException;
import io.vertx.core.buffer.Buffer;

/**
 * Reads one successful (2xx) upstream response of one attempt into canonical events, passed to the sink it was
 * made with as they arrive. The attempt asks for the {@link #outcome()} after every event and ends the exchange as
 * soon as there is one (the rest of the body, if any, is not needed: e.g. the gateway enforced a stop sequence).
 *
 * <p>One decoder per attempt; used on the provider's context only.
 */
public interface ResponseDecoder {

  /**
   * How the turn ended: a {@link ChatEvent.Done} or a typed failure (exactly one is set). {@code upstreamFinished}
   * says the upstream itself finished the reply (only the end of the body can follow, so the connection is kept);
   * otherwise the rest of the response is abandoned and the request reset.
   */
  record Outcome(ChatEvent.Done done, AxonException failure, boolean upstreamFinished) {

    /** The upstream finished the reply. */
    public static Outcome done(ChatEvent.Done done) {
      return new Outcome(done, null, true);
    }

    /** The gateway ends the reply early (e.g. it enforced a stop sequence): the upstream request is abandoned. */
    public static Outcome cut(ChatEvent.Done done) {
      return new Outcome(done, null, false);
    }

    public static Outcome failed(AxonException failure) {
      return new Outcome(null, failure, false);
    }
  }

  /** One server-sent event ({@code event} is null when the event had no name). */
  void onEvent(String event, String data);

  /** A whole body: the upstream answered without streaming. */
  void onBody(Buffer body);

  /** The outcome once the response has told it, else null (more of the body is needed). */
  Outcome outcome();

  /** The outcome when the body ended: a body that ended early is a failure. */
  Outcome end();
}
