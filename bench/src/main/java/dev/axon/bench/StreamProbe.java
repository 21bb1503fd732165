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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Streaming latency, one stream at a time: time to first byte (request sent → first content chunk) and the
 * relay delay of every chunk. The upstream stamps each chunk's text with {@code t=<epoch µs>} when it sends it
 * (the mock's {@code UPSTREAM_BENCH} script); the probe subtracts that from the time it reads the chunk. Both
 * processes read the same system clock, so the difference is the delay through whatever sits in between.
 *
 * <p>Arguments: {@code url}, {@code body} (a file), {@code header} (optional), {@code requests}, {@code warmup}.
 */
public final class StreamProbe {

  static final Pattern STAMP = Pattern.compile("t=(\\d{13,17})");

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    java.net.URI url = java.net.URI.create(args.string("url", "http://127.0.0.1:3000/v1/chat/completions"));
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args.string("body", "stream.json"))));
    String header = args.string("header", null);
    int requests = args.integer("requests", 20);
    int warmup = args.integer("warmup", 3);

    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(url.getPort())
        .setURI(url.getRawPath()).putHeader("content-type", "application/json");
    if (header != null) {
      int colon = header.indexOf(':');
      request.putHeader(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    Histogram ttfb = new Histogram(3);
    Histogram relay = new Histogram(3);
    long[] counts = new long[2];
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < warmup + requests; i++) {
      boolean measured = i >= warmup;
      chain = chain.compose(v -> one(client, request, body, measured ? ttfb : null, measured ? relay : null, counts));
    }
    chain.toCompletionStage().toCompletableFuture().get();
    JsonObject result = new JsonObject().put("streams", requests).put("chunks", counts[0]).put("errors", counts[1])
        .put("ttfbP50", LoadGenerator.ms(ttfb.getValueAtPercentile(50))).put("ttfbP99", LoadGenerator.ms(ttfb.getValueAtPercentile(99)))
        .put("relayP50", LoadGenerator.ms(relay.getValueAtPercentile(50))).put("relayP99", LoadGenerator.ms(relay.getValueAtPercentile(99)))
        .put("relayMax", LoadGenerator.ms(relay.getMaxValue()));
    System.out.println(result.encode());
    vertx.close();
    System.exit(0);
  }

  private static Future<Void> one(HttpClient client, RequestOptions request, Buffer body, Histogram ttfb, Histogram relay, long[] counts) {
    Promise<Void> done = Promise.promise();
    long sent = System.nanoTime();
    boolean[] first = {true};
    client.request(request).compose(req -> req.send(body)).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        counts[1]++;
        done.complete();
        return;
      }
      SseLines lines = new SseLines(line -> {
        Matcher m = STAMP.matcher(line);
        boolean any = false;
        while (m.find()) {
          any = true;
          long delay = SseLines.epochMicros() - Long.parseLong(m.group(1));
          if (relay != null) {
            relay.recordValue(Math.max(1, delay));
            counts[0]++;
          }
        }
        if (any && first[0]) {
          first[0] = false;
          if (ttfb != null) {
            ttfb.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
          }
        }
      });
      ar.result().handler(lines::accept);
      ar.result().endHandler(v -> done.complete());
      ar.result().exceptionHandler(e -> {
        counts[1]++;
        done.tryComplete();
      });
    });
    return done.future();
  }
}
