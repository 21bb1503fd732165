package dev.axon.api.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axon.common.bus.Addresses;
import dev.axon.common.chat.ChatEvent;
import dev.axon.common.tenant.RateLimitAcquire;
import dev.axon.common.tenant.RateLimitDecision;
import dev.axon.common.tenant.RateLimitRelease;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Slow clients are cut without holding anything: a connection that never finishes its request headers (slowloris),
 * a request whose body trickles, and a stream whose client stopped reading (its turn is cancelled, so the session
 * goes back to the pool, and what piles up for it is bounded).
 */
class SlowClientTest extends ApiTestBase {

  static final long HEADERS_TIMEOUT_MS = 400;
  static final long BODY_TIMEOUT_MS = 400;
  static final long STALL_MS = 300;
  static final long BUFFER_LIMIT = 8L * 1024 * 1024;

  static final String LIMITED = "sk-axon-test-limited-5555";

  @Override
  JsonObject config() {
    JsonObject config = super.config();
    config.getJsonArray("keys").add(new JsonObject().put("name", "limited").put("key", LIMITED)
        .put("limits", new JsonObject().put("concurrentRequests", 1)));
    return config.put("headersTimeoutMs", HEADERS_TIMEOUT_MS).put("bodyTimeoutMs", BODY_TIMEOUT_MS)
        .put("streamStallTimeoutMs", STALL_MS).put("streamBufferLimitBytes", BUFFER_LIMIT);
  }

  private io.vertx.core.Future<NetSocket> connect(Vertx vertx) {
    return vertx.createNetClient(new NetClientOptions().setReceiveBufferSize(4096)).connect(port, HOST);
  }

  @Test
  void aConnectionThatNeverFinishesItsHeadersIsClosed(Vertx vertx, VertxTestContext ctx) {
    long started = System.nanoTime();
    connect(vertx).onComplete(ctx.succeeding(socket -> {
      socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");
      long trickle = vertx.setPeriodic(100, t -> socket.write("X-Slow: 1\r\n"));
      socket.closeHandler(v -> ctx.verify(() -> {
        vertx.cancelTimer(trickle);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs >= HEADERS_TIMEOUT_MS - 50 && tookMs < HEADERS_TIMEOUT_MS + 2_000, "closed after " + tookMs + " ms");
        ctx.completeNow();
      }));
    }));
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedToo(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).onComplete(ctx.succeeding(socket -> {
      StringBuilder got = new StringBuilder();
      socket.handler(b -> got.append(b.toString()));
      socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      long started = System.nanoTime();
      socket.closeHandler(v -> ctx.verify(() -> {
        assertTrue(got.toString().startsWith("HTTP/1.1 200"), got.toString());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs >= HEADERS_TIMEOUT_MS - 50, "closed after " + tookMs + " ms");
        ctx.completeNow();
      }));
    }));
  }

  /** The idle timeout counts from a connection's last request, not from its first. */
  @Test
  void aBusyKeepAliveConnectionOutlivesTheTimeoutAndClosesOnceIdle(Vertx vertx, VertxTestContext ctx) {
    // 1.2 s of requests, 100 ms apart: three times the timeout, with room for a slow machine between requests.
    int requests = 12;
    long everyMs = HEADERS_TIMEOUT_MS / 4;
    connect(vertx).onComplete(ctx.succeeding(socket -> {
      StringBuilder got = new StringBuilder();
      AtomicLong sent = new AtomicLong();
      long[] lastSentAt = new long[1];
      socket.handler(b -> got.append(b.toString()));
      long ticker = vertx.setPeriodic(1, everyMs, t -> {
        if (sent.get() < requests) {
          sent.incrementAndGet();
          lastSentAt[0] = System.nanoTime();
          socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        }
      });
      socket.closeHandler(v -> ctx.verify(() -> {
        vertx.cancelTimer(ticker);
        int answered = got.toString().split("HTTP/1.1 200", -1).length - 1;
        assertTrue(answered == requests, "answered " + answered + " of " + requests + " before the close");
        long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastSentAt[0]);
        assertTrue(idleMs >= HEADERS_TIMEOUT_MS - 50 && idleMs < HEADERS_TIMEOUT_MS + 2_000, "closed " + idleMs + " ms after the last request");
        ctx.completeNow();
      }));
    }));
  }

  @Test
  void aBodyThatTricklesHasItsConnectionClosed(Vertx vertx, VertxTestContext ctx) {
    long started = System.nanoTime();
    connect(vertx).onComplete(ctx.succeeding(socket -> {
      socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
          + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model\":");
      long trickle = vertx.setPeriodic(100, t -> socket.write(" "));
      socket.closeHandler(v -> ctx.verify(() -> {
        vertx.cancelTimer(trickle);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs >= BODY_TIMEOUT_MS - 50 && tookMs < BODY_TIMEOUT_MS + 2_000, "closed after " + tookMs + " ms");
        assertTrue(pool.requests.size() == 0, "no turn was started");
        ctx.completeNow();
      }));
    }));
  }

  /** A body that takes a while but arrives within the timeout is served, and each request's body is timed afresh. */
  @Test
  void aSlowBodyThatArrivesInTimeIsServedOnAKeptConnection(Vertx vertx, VertxTestContext ctx) {
    String body = request("hi").put("store", false).encode();
    String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY_A
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n";
    long lateMs = BODY_TIMEOUT_MS * 5 / 8;
    connect(vertx).onComplete(ctx.succeeding(socket -> {
      StringBuilder got = new StringBuilder();
      AtomicLong answered = new AtomicLong();
      socket.handler(b -> {
        got.append(b.toString());
        long now = got.toString().split("HTTP/1.1 200", -1).length - 1;
        if (now > answered.get()) {
          answered.set(now);
          if (now == 1) {
            // The second request on the same connection, its body as late as the first's.
            socket.write(head);
            vertx.setTimer(lateMs, t -> socket.write(body));
          } else {
            ctx.completeNow();
          }
        }
      });
      socket.closeHandler(v -> ctx.failNow("closed after " + answered.get() + " answers: " + got));
      socket.write(head);
      vertx.setTimer(lateMs, t -> socket.write(body));
    }));
  }

  /**
   * Sends a streaming request from a client that reads its first bytes and then stops reading until {@code resume}
   * completes (a paused socket does not see its connection close, so the test resumes it to watch for the close).
   */
  private Promise<Void> stalledClient(Vertx vertx, VertxTestContext ctx, AtomicLong received, io.vertx.core.Future<?> resume) {
    return stalledClient(vertx, ctx, received, resume, KEY_A);
  }

  private Promise<Void> stalledClient(Vertx vertx, VertxTestContext ctx, AtomicLong received, io.vertx.core.Future<?> resume, String key) {
    String body = streaming("tell me everything").encode();
    Promise<Void> closed = Promise.promise();
    connect(vertx).onComplete(ctx.succeeding(socket -> {
      resume.onComplete(ar -> {
        socket.handler(b -> received.addAndGet(b.length()));
        socket.resume();
      });
      socket.handler(b -> {
        received.addAndGet(b.length());
        socket.pause();
      });
      socket.closeHandler(v -> {
        closed.tryComplete();
      });
      socket.write(Buffer.buffer("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
    }));
    return closed;
  }

  @Test
  void aStreamWhoseClientStopsReadingIsCutAndItsTurnCancelled(Vertx vertx, VertxTestContext ctx) {
    String chunk = "y".repeat(8 * 1024);
    // A producer that keeps going (8 KiB every 5 ms) until it is told to stop.
    pool.behave(m -> {
      pool.accept(m);
      int[] seq = {0};
      long[] timer = new long[1];
      timer[0] = vertx.setPeriodic(5, t -> {
        if (!pool.cancels.all().isEmpty() || seq[0] > 6_000) {
          vertx.cancelTimer(timer[0]);
          return;
        }
        pool.send(m.body(), seq[0]++, new ChatEvent.TextDelta(chunk));
      });
    });
    AtomicLong received = new AtomicLong();
    long started = System.nanoTime();
    Promise<Void> closed = stalledClient(vertx, ctx, received, pool.cancels.first());
    pool.cancels.first()
        .compose(cancel -> closed.future())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          assertTrue(tookMs < 10_000, "cut after " + tookMs + " ms");
          assertTrue(received.get() < 16L * 1024 * 1024, "the rest was dropped with the connection: " + received.get());
          ctx.completeNow();
        })));
  }

  @Test
  void aCutStreamReleasesItsConcurrencySlot(Vertx vertx, VertxTestContext ctx) {
    // The store's limiter, as far as this test needs it: every turn allowed, releases recorded.
    Recorder<RateLimitRelease> releases = new Recorder<>();
    vertx.eventBus().<RateLimitAcquire>consumer(Addresses.STORE_RATE_ACQUIRE, m -> m.reply(new RateLimitDecision(true, null, null, 0, null, null)));
    vertx.eventBus().<RateLimitRelease>consumer(Addresses.STORE_RATE_RELEASE, m -> {
      releases.record(m.body());
      m.reply(null);
    });
    vertx.eventBus().consumer(Addresses.STORE_RATE_RENEW, m -> m.reply(null));
    String chunk = "w".repeat(8 * 1024);
    pool.behave(m -> {
      pool.accept(m);
      int[] seq = {0};
      long[] timer = new long[1];
      timer[0] = vertx.setPeriodic(5, t -> {
        if (!pool.cancels.all().isEmpty() || seq[0] > 6_000) {
          vertx.cancelTimer(timer[0]);
          return;
        }
        pool.send(m.body(), seq[0]++, new ChatEvent.TextDelta(chunk));
      });
    });
    stalledClient(vertx, ctx, new AtomicLong(), pool.cancels.first(), LIMITED);
    pool.cancels.first()
        .compose(cancel -> releases.first())
        .onComplete(ctx.succeeding(release -> ctx.verify(() -> {
          assertTrue(release.subject().equals("limited"));
          ctx.completeNow();
        })));
  }

  @Test
  void aFloodForAStalledClientIsCutAtTheBufferLimit(Vertx vertx, VertxTestContext ctx) {
    String chunk = "z".repeat(16 * 1024);
    int events = 4_000; // 64 MiB at once, far past the 8 MiB the stream may pile up
    pool.behave(m -> {
      pool.accept(m);
      for (int i = 0; i < events; i++) {
        pool.send(m.body(), i, new ChatEvent.TextDelta(chunk));
      }
      pool.send(m.body(), events, FakePool.done());
    });
    AtomicLong received = new AtomicLong();
    long started = System.nanoTime();
    Promise<Void> later = Promise.promise();
    vertx.setTimer(2_000, t -> later.complete());
    stalledClient(vertx, ctx, received, later.future()).future()
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          assertTrue(tookMs < 10_000, "cut after " + tookMs + " ms");
          assertTrue(received.get() < 32L * 1024 * 1024, "most of the 64 MiB was never queued for the client: " + received.get());
          ctx.completeNow();
        })));
  }
}
