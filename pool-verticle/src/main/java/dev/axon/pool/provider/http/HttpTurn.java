package dev.axon.pool.provider.http;

import dev.axon.common.chat.ChatEvent;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn against an HTTP upstream: sends the call, relays the decoded events as they arrive, and ends with the
 * {@link ChatEvent.Done} or a typed failure.
 *
 * <ul>
 *   <li><b>Retries</b>: after a connect error, a 429 or an overload (529, 503, an {@code overloaded_error} event), but
 *   only while nothing has been passed on to the caller (so the client never sees a reply twice), at most
 *   {@code retry.maxRetries} times, waiting the upstream's {@code retry-after} (when it is at most
 *   {@code retry.maxDelayMs}, else the error goes to the client with it) or an exponential back-off with jitter
 *   ({@code baseDelayMs · 2^(n-1)}, uniformly drawn from its upper half, capped at {@code maxDelayMs}), and never
 *   starting one later than {@code retry.budgetMs} after the turn began.</li>
 *   <li><b>Timeouts</b>: connect + {@code headersTimeoutMs} until the status line, then {@code idleTimeoutMs} of
 *   silence at most within the body; either ends the attempt with {@code TIMEOUT} (504).</li>
 *   <li><b>Cancel</b>: resets the upstream request at once (the connection is closed, or the HTTP/2 stream reset),
 *   so the upstream stops generating, and fails the turn with {@code CANCELLED} immediately.</li>
 *   <li>Every attempt runs through the upstream's circuit breaker; an open breaker fails the turn at once.</li>
 * </ul>
 *
 * <p>Threading: created and driven on the pool verticle's context.
 */
public final class HttpTurn {

  private static final Logger log = LoggerFactory.getLogger(HttpTurn.class);

  private final Vertx vertx;
  private final Upstream upstream;
  private final UpstreamCall call;
  private final Consumer<ChatEvent> sink;
  private final String label;
  private final Promise<ChatEvent.Done> result = Promise.promise();
  private final long startedNanos = System.nanoTime();
  private int attempts;
  private boolean emitted;
  private boolean finished;
  private Attempt current;
  private long backoffTimer = -1;

  public HttpTurn(Vertx vertx, Upstream upstream, UpstreamCall call, Consumer<ChatEvent> sink, String label) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.call = call;
    this.sink = sink;
    this.label = label;
  }

  /** Starts the first attempt; the future completes with the outcome on this context. */
  public Future<ChatEvent.Done> start() {
    attempt();
    return result.future();
  }

  /** Stops the turn now: the upstream request is reset and the turn fails with {@code CANCELLED}. */
  public void cancel() {
    if (finished) {
      return;
    }
    if (backoffTimer >= 0) {
      vertx.cancelTimer(backoffTimer);
      backoffTimer = -1;
    }
    if (current != null) {
      current.abort(AttemptFailure.cancelled());
    }
    finish(null, new AxonException(ErrorKind.CANCELLED, "The turn was cancelled."));
  }

  /** Attempts made so far. */
  public int attempts() {
    return attempts;
  }

  private void attempt() {
    attempts++;
    upstream.execute(op -> {
      current = new Attempt(op);
      current.start();
    }, attempts > 1).onComplete(ar -> {
      if (finished) {
        return;
      }
      if (ar.succeeded()) {
        finish(ar.result(), null);
        return;
      }
      if (ar.cause() instanceof OpenCircuitException) {
        finish(null, upstream.rejected());
        return;
      }
      AttemptFailure failure = ar.cause() instanceof AttemptFailure f ? f
          : AttemptFailure.stream(AxonException.from(ar.cause(), "The upstream"));
      long delay = retryDelay(failure);
      if (delay < 0) {
        finish(null, failure.error());
        return;
      }
      log.debug("{}: attempt {} failed ({}); retrying in {} ms", label, attempts, failure.getMessage(), delay);
      backoffTimer = vertx.setTimer(Math.max(1, delay), t -> {
        backoffTimer = -1;
        if (!finished) {
          attempt();
        }
      });
    });
  }

  /** The wait before the next attempt, or -1 when there is none. */
  private long retryDelay(AttemptFailure failure) {
    HttpUpstreamOptions o = upstream.options();
    if (emitted || !failure.retryable() || attempts > o.maxRetries()) {
      return -1;
    }
    long delay;
    Long hinted = failure.retryAfterMs();
    if (hinted != null) {
      if (hinted > o.retryMaxDelayMs()) {
        return -1;
      }
      delay = hinted;
    } else {
      long ceiling = Math.min(o.retryMaxDelayMs(), o.retryBaseDelayMs() << Math.min(attempts - 1, 20));
      delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
    long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
    return elapsedMs + delay > o.retryBudgetMs() ? -1 : delay;
  }

  private void emit(ChatEvent event) {
    if (finished) {
      return;
    }
    emitted = true;
    sink.accept(event);
  }

  private void finish(ChatEvent.Done done, AxonException failure) {
    if (finished) {
      return;
    }
    finished = true;
    if (failure != null) {
      if (failure.kind() != ErrorKind.CANCELLED) {
        log.debug("{}: failed after {} attempt(s): {}", label, attempts, failure.getMessage());
      }
      result.tryFail(failure);
    } else {
      result.tryComplete(done);
    }
  }

  /** One HTTP exchange with the upstream. */
  private final class Attempt {
    private final Promise<ChatEvent.Done> op;
    private HttpClientRequest request;
    private boolean responseEnded;
    private boolean over;
    private boolean draining;
    private long timer = -1;
    /** When the running timer fires (System.nanoTime()). */
    private long timerFiresAt;
    private long timeoutMs;
    private long lastActivityNanos;
    private String waitingFor;

    Attempt(Promise<ChatEvent.Done> op) {
      this.op = op;
    }

    void start() {
      HttpUpstreamOptions o = upstream.options();
      // Until a connection is had (a wait for a free one included), then again from the moment the request is sent.
      arm(o.connectTimeoutMs() + o.headersTimeoutMs(), "no response");
      MultiMap headers = HttpHeaders.headers();
      headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
      call.headers(headers);
      upstream.request(call.path(), headers).onComplete(ar -> {
        if (over) {
          if (ar.succeeded()) {
            ar.result().reset();
          }
          return;
        }
        if (ar.failed()) {
          log.debug("{}: connecting to the upstream failed: {}", label, ar.cause().toString());
          fail(AttemptFailure.connect(describe(ar.cause())));
          return;
        }
        request = ar.result();
        HttpUpstreamOptions sentOptions = upstream.options();
        arm(call.streamed() ? sentOptions.headersTimeoutMs() : sentOptions.wholeReplyTimeoutMs(), "no response");
        request.send(call.body()).onComplete(sent -> {
          if (over) {
            return;
          }
          if (sent.failed()) {
            // The connection broke before any response: most often a kept-alive connection the upstream had closed.
            log.debug("{}: the request could not be sent: {}", label, sent.cause().toString());
            fail(AttemptFailure.connect(describe(sent.cause())));
            return;
          }
          onResponse(sent.result());
        });
      });
    }

    private void onResponse(HttpClientResponse response) {
      int status = response.statusCode();
      arm(upstream.options().idleTimeoutMs(), "no data");
      response.exceptionHandler(e -> {
        if (!over) {
          fail(AttemptFailure.stream(new AxonException(ErrorKind.UPSTREAM_ERROR,
              "The upstream connection broke in the middle of the reply (" + describe(e) + ").", null, null)));
        }
      });
      if (status < 200 || status >= 300) {
        response.body().onComplete(body -> {
          responseEnded = true;
          if (!over) {
            fail(AttemptFailure.status(call.error(status, body.succeeded() ? body.result() : Buffer.buffer(), response.headers()),
                response.headers()));
          }
        });
        return;
      }
      ResponseDecoder decoder = call.decoder(HttpTurn.this::emit);
      String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
      if (type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
        SseParser parser = new SseParser((event, data) -> {
          if (!over) {
            decoder.onEvent(event, data);
            ResponseDecoder.Outcome outcome = decoder.outcome();
            if (outcome != null) {
              settle(outcome);
            }
          }
        });
        response.handler(buffer -> {
          lastActivityNanos = System.nanoTime();
          if (!over) {
            parser.feed(buffer);
          }
        });
        response.endHandler(v -> {
          responseEnded = true;
          if (draining) {
            draining = false;
            cancelTimer();
          }
          if (!over) {
            parser.end();
            settle(decoder.end());
          }
        });
      } else {
        response.body().onComplete(body -> {
          responseEnded = true;
          if (over) {
            return;
          }
          if (body.failed()) {
            fail(AttemptFailure.stream(new AxonException(ErrorKind.UPSTREAM_ERROR,
                "The upstream connection broke before the reply was complete (" + describe(body.cause()) + ").", null, null)));
            return;
          }
          decoder.onBody(body.result());
          ResponseDecoder.Outcome outcome = decoder.outcome();
          settle(outcome != null ? outcome : decoder.end());
        });
      }
    }

    /** The decoder knows the outcome: complete the attempt, and stop reading what the turn no longer needs. */
    private void settle(ResponseDecoder.Outcome outcome) {
      if (outcome.failure() != null) {
        fail(AttemptFailure.stream(outcome.failure()));
        return;
      }
      over = true;
      if (!responseEnded) {
        if (outcome.upstreamFinished()) {
          // Only the end of the body is left: let it come so the connection stays reusable, within the idle timeout.
          draining = true;
        } else {
          cancelTimer();
          request.reset();
        }
      } else {
        cancelTimer();
      }
      op.tryComplete(outcome.done());
    }

    void abort(AttemptFailure why) {
      fail(why);
    }

    private void fail(AttemptFailure failure) {
      boolean wasOver = over;
      over = true;
      cancelTimer();
      if (request != null && !responseEnded && (!wasOver || draining)) {
        request.reset();
      }
      op.tryFail(failure);
    }

    /**
     * Times out the attempt after {@code ms} without activity. A running timer that fires no later than that is kept
     * (when it fires, the rest is waited out): an attempt arms three times (connecting, sent, answered), and
     * cancelling and scheduling each time cost more than the one timer.
     */
    private void arm(long ms, String what) {
      timeoutMs = ms;
      waitingFor = what;
      long now = System.nanoTime();
      lastActivityNanos = now;
      if (timer >= 0 && timerFiresAt - (now + TimeUnit.MILLISECONDS.toNanos(ms)) <= 0) {
        return;
      }
      cancelTimer();
      schedule(ms, now);
    }

    private void schedule(long ms, long now) {
      timerFiresAt = now + TimeUnit.MILLISECONDS.toNanos(ms);
      timer = vertx.setTimer(ms, this::onTimer);
    }

    private void onTimer(long id) {
      timer = -1;
      if (over) {
        if (draining && !responseEnded) {
          request.reset();
        }
        return;
      }
      long now = System.nanoTime();
      long silentMs = (now - lastActivityNanos) / 1_000_000;
      if (silentMs >= timeoutMs) {
        log.debug("{}: {} from the upstream for {} ms", label, waitingFor, silentMs);
        fail(AttemptFailure.timeout(waitingFor, timeoutMs));
      } else {
        schedule(Math.max(1, timeoutMs - silentMs), now);
      }
    }

    private void cancelTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  /** A short, client-safe description of a network failure: no addresses, no internals. */
  static String describe(Throwable t) {
    String text = (t.getClass().getName() + " " + t.getMessage()).toLowerCase(Locale.ROOT);
    if (text.contains("refused")) {
      return "connection refused";
    }
    if (text.contains("timeout") || text.contains("timed out")) {
      return "connection timed out";
    }
    if (text.contains("unresolved") || text.contains("unknownhost") || text.contains("nodename") || text.contains("name or service")) {
      return "host not found";
    }
    if (text.contains("ssl") || text.contains("tls") || text.contains("handshake") || text.contains("certificate")) {
      return "TLS handshake failed";
    }
    if (text.contains("closed") || text.contains("reset")) {
      return "connection closed by the upstream";
    }
    return "connection failed";
  }
}
