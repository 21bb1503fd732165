package dev.axon.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Streaming latency, one stream at a time: time to first byte (request sent → first content chunk) and the
 * relay delay of every chunk. The upstream stamps each chunk's text with {@code t=<epoch µs>} when it sends it
 * (the mock's {@code UPSTREAM_BENCH} script); the probe subtracts that from the time it reads the chunk. Both
 * processes read the same system clock, so the difference is the delay through whatever sits in between.
 *
 * <p>Arguments for the path measured: {@code url}, {@code body} (a file), {@code header} (optional), {@code name};
 * {@code requests} and {@code warmup} (paced streams), {@code fastBody} and {@code fastWarmup} (optional: streams of
 * an unpaced reply run first, so a path's once-per-stream code is as compiled as its per-chunk code, as in a
 * gateway that has served many streams). A second path to compare with takes the same keys prefixed {@code vs.},
 * measured right after the first by the same probe. Each path's streams run back to back: alternating them with the
 * other path's left each gateway stream after 200 ms of idleness, and on this 2-core VM that doubled the gateway's
 * p99 (1.1 → 2.5 ms in one pair of runs, slow chunks anywhere in the stream, not only the first), which says more
 * about waking idle vCPUs than about relaying. Prints one JSON line per path.
 *
 * <p>Warm-up streams go through exactly the code the measured ones do (into histograms thrown away): a branch
 * first taken at the first measured stream would make the probe's own JIT deoptimise and recompile mid-measurement.
 */
public final class StreamProbe {

  static final Pattern STAMP = Pattern.compile("t=(\\d{13,17})");

  /** One measured path and what was measured on it. */
  private static final class Path {
    final String name;
    final RequestOptions request;
    final Buffer body;
    final Buffer fastBody;
    final Stats measured = new Stats();

    Path(String name, RequestOptions request, Buffer body, Buffer fastBody) {
      this.name = name;
      this.request = request;
      this.body = body;
      this.fastBody = fastBody;
    }
  }

  private static final class Stats {
    final Histogram ttfb = new Histogram(3);
    final Histogram relay = new Histogram(3);
    long chunks;
    long errors;
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    int requests = args.integer("requests", 20);
    int warmup = args.integer("warmup", 3);
    int fastWarmup = args.integer("fastWarmup", 0);
    List<Path> paths = new ArrayList<>();
    paths.add(path(args, ""));
    if (args.string("vs.url", null) != null) {
      paths.add(path(args, "vs."));
    }

    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true));
    Stats scratch = new Stats();
    Future<Void> chain = Future.succeededFuture();
    for (Path path : paths) {
      for (int i = 0; i < fastWarmup && path.fastBody != null; i++) {
        chain = chain.compose(v -> one(client, path.request, path.fastBody, scratch));
      }
      for (int i = 0; i < warmup + requests; i++) {
        Stats into = i >= warmup ? path.measured : scratch;
        chain = chain.compose(v -> one(client, path.request, path.body, into));
      }
    }
    chain.toCompletionStage().toCompletableFuture().get();
    for (Path path : paths) {
      Stats s = path.measured;
      JsonObject result = new JsonObject().put("name", path.name).put("streams", requests).put("chunks", s.chunks).put("errors", s.errors)
          .put("ttfbP50", LoadGenerator.ms(s.ttfb.getValueAtPercentile(50))).put("ttfbP99", LoadGenerator.ms(s.ttfb.getValueAtPercentile(99)))
          .put("relayP50", LoadGenerator.ms(s.relay.getValueAtPercentile(50))).put("relayP99", LoadGenerator.ms(s.relay.getValueAtPercentile(99)))
          .put("relayMax", LoadGenerator.ms(s.relay.getMaxValue()));
      System.out.println(result.encode());
    }
    vertx.close();
    System.exit(0);
  }

  private static Path path(Args args, String prefix) throws IOException {
    java.net.URI url = java.net.URI.create(args.string(prefix + "url", "http://127.0.0.1:3000/v1/chat/completions"));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(url.getPort())
        .setURI(url.getRawPath()).putHeader("content-type", "application/json");
    String header = args.string(prefix + "header", null);
    if (header != null) {
      int colon = header.indexOf(':');
      request.putHeader(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    String fast = args.string(prefix + "fastBody", null);
    return new Path(args.string(prefix + "name", url.toString()), request, read(args.string(prefix + "body", "stream.json")),
        fast == null ? null : read(fast));
  }

  private static Buffer read(String file) throws IOException {
    return Buffer.buffer(Files.readAllBytes(java.nio.file.Path.of(file)));
  }

  private static Future<Void> one(HttpClient client, RequestOptions request, Buffer body, Stats stats) {
    Promise<Void> done = Promise.promise();
    long sent = System.nanoTime();
    boolean[] first = {true};
    client.request(request).compose(req -> req.send(body)).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        stats.errors++;
        done.complete();
        return;
      }
      SseLines lines = new SseLines(line -> {
        Matcher m = STAMP.matcher(line);
        boolean any = false;
        while (m.find()) {
          any = true;
          long delay = SseLines.epochMicros() - Long.parseLong(m.group(1));
          stats.relay.recordValue(Math.max(1, delay));
          stats.chunks++;
        }
        if (any && first[0]) {
          first[0] = false;
          stats.ttfb.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
        }
      });
      ar.result().handler(lines::accept);
      ar.result().endHandler(v -> done.complete());
      ar.result().exceptionHandler(e -> {
        stats.errors++;
        done.tryComplete();
      });
    });
    return done.future();
  }
}
