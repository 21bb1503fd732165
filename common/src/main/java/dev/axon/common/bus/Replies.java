package dev.axon.common.bus;

import dev.axon.common.error.AxonException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;

/** Answers an event-bus request with the outcome of a future: the value, or the failure as a typed error. */
public final class Replies {

  private Replies() {
  }

  /**
   * Replies with the value, or fails the request with an {@link AxonException}. A failure that is not already
   * typed is logged here (it is a bug or an unexpected condition) and sent as {@code INTERNAL} without details.
   */
  public static <T> void reply(Message<?> message, Future<T> outcome, Logger log, String what) {
    outcome.onComplete(value -> message.reply(value), failure -> {
      if (!(failure instanceof AxonException)) {
        log.error("{} failed", what, failure);
      }
      message.reply(AxonException.from(failure, what));
    });
  }
}
