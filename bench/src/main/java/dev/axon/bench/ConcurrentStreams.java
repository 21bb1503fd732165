package dev.axon.bench;

import io.vertx.core.Vertx;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds many streams open at once (each a slow upstream reply) and reports how many ended cleanly, how many
 * failed, and the peak resident memory and the CPU time of the server process over the run.
 *
 * <p>Arguments: {@code url}, {@code body} (a file with a slow streaming request), {@code header},
 * {@code streams}, {@code rampSeconds}, {@code pid} (the server's process id, for memory and CPU).
 */
public final class ConcurrentStreams {

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    java.net.URI url = java.net.URI.create(args.string("url", "http://127.0.0.1:3000/v1/chat/completions"));
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args.string("body", "slow-stream.json"))));
    String header = args.string("header", null);
    int streams = args.integer("streams", 2000);
    int rampSeconds = args.integer("rampSeconds", 5);
    long pid = Long.parseLong(args.string("pid", "0"));

    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true)
        .setIdleTimeout(120), new PoolOptions().setHttp1MaxSize(streams + 10).setMaxWaitQueueSize(-1));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(url.getPort())
        .setURI(url.getRawPath()).putHeader("content-type", "application/json");
    if (header != null) {
      int colon = header.indexOf(':');
      request.putHeader(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger open = new AtomicInteger();
    AtomicInteger peakOpen = new AtomicInteger();
    AtomicLong peakRssKb = new AtomicLong();
    CountDownLatch done = new CountDownLatch(streams);
    long cpuBefore = ProcessStats.cpuMillis(pid);
    long started = System.nanoTime();
    long sampler = vertx.setPeriodic(250, t -> peakRssKb.accumulateAndGet(ProcessStats.rssKb(pid), Math::max));
    long spacingNanos = TimeUnit.SECONDS.toNanos(rampSeconds) / Math.max(1, streams);
    for (int i = 0; i < streams; i++) {
      long delayMs = Math.max(1, i * spacingNanos / 1_000_000);
      vertx.setTimer(delayMs, t -> client.request(request).compose(req -> req.send(body)).onComplete(ar -> {
        if (ar.failed() || ar.result().statusCode() != 200) {
          failed.incrementAndGet();
          done.countDown();
          return;
        }
        peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        StringBuilder tail = new StringBuilder();
        ar.result().handler(b -> {
          tail.append(b.toString());
          if (tail.length() > 64) {
            tail.delete(0, tail.length() - 64);
          }
        });
        ar.result().endHandler(v -> {
          open.decrementAndGet();
          if (tail.toString().contains("[DONE]") && !tail.toString().contains("\"error\"")) {
            ok.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
          done.countDown();
        });
        ar.result().exceptionHandler(e -> {
          open.decrementAndGet();
          failed.incrementAndGet();
          done.countDown();
        });
      }));
    }
    boolean finished = done.await(300, TimeUnit.SECONDS);
    vertx.cancelTimer(sampler);
    double seconds = (System.nanoTime() - started) / 1e9;
    long cpu = ProcessStats.cpuMillis(pid) - cpuBefore;
    JsonObject result = new JsonObject().put("streams", streams).put("ok", ok.get()).put("failed", failed.get() + (finished ? 0 : (int) done.getCount()))
        .put("peakOpen", peakOpen.get()).put("seconds", Math.round(seconds * 10) / 10.0)
        .put("peakRssMb", peakRssKb.get() / 1024).put("cpuSeconds", cpu / 1000.0)
        .put("cpuCores", Math.round(cpu / 10.0 / seconds) / 100.0);
    System.out.println(result.encode());
    vertx.close();
    System.exit(0);
  }
}
