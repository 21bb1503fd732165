package dev.axon.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * HTTP load with HdrHistogram latencies. Closed loop by default: {@code connections} requests in flight, each
 * sent when the previous answer arrived (throughput at saturation). With {@code rate=R} it is open loop: requests
 * are sent on a fixed schedule and each latency is measured from its intended send time, so a stall counts for
 * every request it delayed (coordinated-omission corrected).
 *
 * <p>Arguments: {@code url}, {@code body} (a file), {@code header} (name:value, optional), {@code connections},
 * {@code seconds}, {@code warmup} (seconds), {@code rate} (requests/s, optional), {@code threads} (event loops).
 * Prints one JSON line: requests, errors, rps, p50/p90/p99/p999/max in ms.
 */
public final class LoadGenerator {

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    java.net.URI url = java.net.URI.create(args.string("url", "http://127.0.0.1:3000/v1/chat/completions"));
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args.string("body", "body.json"))));
    String header = args.string("header", null);
    int connections = args.integer("connections", 16);
    int seconds = args.integer("seconds", 10);
    int warmup = args.integer("warmup", 2);
    double rate = args.number("rate", 0);
    int threads = args.integer("threads", 1);

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setPipelining(false).setMaxInitialLineLength(8192), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(url.getPort())
        .setURI(url.getRawPath()).putHeader("content-type", "application/json");
    if (header != null) {
      int colon = header.indexOf(':');
      request.putHeader(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    Recorder recorder = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(rate > 0 ? 1 : connections);

    java.util.function.LongConsumer fire = intended -> client.request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          long now = System.nanoTime();
          if (intended >= warmupEnd && now <= end) {
            if (ar.succeeded() && ar.result() == 200) {
              ok.incrementAndGet();
              recorder.recordValue(Math.max(1, (now - intended) / 1000));
            } else {
              errors.incrementAndGet();
            }
          }
        });

    if (rate > 0) {
      long intervalNanos = (long) (1e9 / rate);
      long start = System.nanoTime();
      Thread pacer = new Thread(() -> {
        long n = 0;
        while (true) {
          long intended = start + n * intervalNanos;
          if (intended > end) {
            break;
          }
          long wait = intended - System.nanoTime();
          if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
          vertx.runOnContext(v -> fire.accept(intended));
          n++;
        }
        done.countDown();
      }, "pacer");
      pacer.start();
    } else {
      for (int i = 0; i < connections; i++) {
        loop(client, request, body, recorder, ok, errors, warmupEnd, end, done);
      }
    }
    done.await(seconds + warmup + 60, TimeUnit.SECONDS);
    Thread.sleep(rate > 0 ? 1000 : 0);
    Histogram h = recorder.getIntervalHistogram();
    JsonObject result = new JsonObject()
        .put("mode", rate > 0 ? "rate" : "closed").put("connections", connections).put("seconds", seconds)
        .put("requests", ok.get()).put("errors", errors.get())
        .put("rps", Math.round(ok.get() * 10.0 / seconds) / 10.0)
        .put("p50", ms(h.getValueAtPercentile(50))).put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99))).put("p999", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()));
    System.out.println(result.encode());
    vertx.close();
    System.exit(0);
  }

  /** One closed-loop worker: send, await the whole answer, record, repeat until the end. */
  private static void loop(HttpClient client, RequestOptions request, Buffer body, Recorder recorder, AtomicLong ok,
                           AtomicLong errors, long warmupEnd, long end, CountDownLatch done) {
    long sent = System.nanoTime();
    if (sent > end) {
      done.countDown();
      return;
    }
    client.request(request)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          long now = System.nanoTime();
          if (sent >= warmupEnd && now <= end) {
            if (ar.succeeded() && ar.result() == 200) {
              ok.incrementAndGet();
              recorder.recordValue(Math.max(1, (now - sent) / 1000));
            } else {
              errors.incrementAndGet();
            }
          }
          loop(client, request, body, recorder, ok, errors, warmupEnd, end, done);
        });
  }

  static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }
}
