package dev.axon.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmark jar; {@code scripts/bench.sh} drives it.
 *
 * <pre>
 * baseline [port]                       a minimal Vert.x server answering a canned chat completion
 * load     key=value...                 closed- or fixed-rate HTTP load; prints one JSON result line
 * stream   key=value...                 streaming probe: time to first byte, per-chunk relay delay
 * streams  key=value...                 many concurrent open streams: errors, the server's memory and CPU
 * micro    [JMH options]                the JMH micro-benchmarks
 * </pre>
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: baseline|load|stream|streams|micro ...");
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "baseline":
        BaselineServer.main(rest);
        break;
      case "load":
        LoadGenerator.main(rest);
        break;
      case "stream":
        StreamProbe.main(rest);
        break;
      case "streams":
        ConcurrentStreams.main(rest);
        break;
      case "micro":
        org.openjdk.jmh.Main.main(rest);
        break;
      default:
        System.err.println("unknown command " + args[0]);
        System.exit(2);
    }
  }
}
