import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency of the claude-code provider (run by scripts/bench-claude-code.sh; JDK only, no build step):
 * <ol>
 *   <li><b>cli</b>: the CLI's own turn time on a warm process (write the turn line, read until its result), the same
 *       content the gateway sends, the process driven directly;</li>
 *   <li><b>pooled</b>: the same request through the gateway (HTTP, non-streaming) on its warm pooled session;</li>
 *   <li><b>spawn</b>: the same request when a fresh process is spawned for it (spawn, write, read until the result),
 *       as the public wrappers do.</li>
 * </ol>
 * plus the resident memory of each idle pooled session. Arguments: key=value pairs (gateway, key, claude, upstream,
 * n, spawnN, warmup, jitWarmup, gatewayPid, model).
 *
 * <p>What keeps the comparison fair:
 * <ul>
 *   <li>the HTTP probe is one keep-alive HTTP/1.1 connection written and read by hand on the calling thread, as the
 *       CLI is driven through its pipes: a client library's own thread hand-offs (about 5 ms per request for the JDK
 *       client on this 2-core machine) would be charged to the gateway;</li>
 *   <li>each gateway first serves {@code jitWarmup} requests on a model routed to the mock provider, so the shared
 *       HTTP, API, event-bus and rendering path runs compiled, as in a gateway that has served traffic; a few hundred
 *       CLI turns alone leave it interpreted (measured: 6.1–6.8 ms pooled overhead without this, 1.3–3.7 ms with it);</li>
 *   <li>each measured step starts after a quiet gap, so none shares the two cores with the previous step's
 *       background work (the pooled session's reset after release runs in the CLI right after each request);</li>
 *   <li>300 warm-up turns: with 100, the gateway's JIT was still compiling the claude-code path during the
 *       measurement, on the cores the CLI needs (17.8 ms of gateway CPU per turn, about half of it C2; 9.8–14.8 ms
 *       after 300); the script raises the gateway's {@code maxTurns} so warm-up plus measured turns stay within one
 *       session's life, and both sides are processes of the same age.</li>
 * </ul>
 */
public final class ClaudeCodeBench {

  static final String SYSTEM_PROMPT = "You are a helpful assistant, answering through an API.";
  static final String TEXT = "Hello, how are you today?";
  static String expect = "Hello from the mock upstream";
  static int WARMUP = 30;
  /** Pause before each measured step, so the previous step's background work is over. */
  static final long QUIET_MS = 40;
  static long gatewayPid = -1;
  static long steadyCpuStart;
  static String baselineUrl;

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    int n = Integer.parseInt(a.getOrDefault("n", "60"));
    int spawnN = Integer.parseInt(a.getOrDefault("spawnN", "50"));
    String model = a.getOrDefault("model", "claude-sonnet-4-6");
    Path scratch = Files.createTempDirectory("axon-bench-");

    String phases = a.getOrDefault("phases", "cli,pooled,spawn");
    expect = a.getOrDefault("expect", expect);
    // cli and pooled alternate request by request, so both see the same machine load
    List<Double> cli = new ArrayList<>();
    List<Double> pooled = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    baselineUrl = a.get("baseline");
    gatewayPid = Long.parseLong(a.getOrDefault("gatewayPid", "-1"));
    WARMUP = Integer.parseInt(a.getOrDefault("warmup", "30"));
    int jitWarmup = Integer.parseInt(a.getOrDefault("jitWarmup", "20000"));
    if (a.get("gateway") != null && phases.contains("pooled")) {
      jitWarmup(a.get("gateway"), a.get("key"), a.getOrDefault("warmModel", "bench-warm"), jitWarmup);
    }
    if (baselineUrl != null) {
      jitWarmup(baselineUrl, a.get("key"), model, jitWarmup);
    }
    interleaved(phases.contains("cli") ? a.get("claude") : null, a.get("upstream"), phases.contains("pooled") ? a.get("gateway") : null,
        a.get("key"), model, n, scratch, cli, pooled, baseline);
    long gatewayCpu = cpuMillis(gatewayPid) - steadyCpuStart;
    List<Double> spawn = phases.contains("spawn") ? spawnPerRequest(a.get("claude"), a.get("upstream"), model, spawnN, scratch) : List.of(0.0);
    cli = cli.isEmpty() ? List.of(0.0) : cli;
    pooled = pooled.isEmpty() ? List.of(1.0) : pooled;
    List<Long> rss = rssKb(gatewayPid);

    System.out.println();
    System.out.printf("%-34s %6s %9s %9s %9s%n", "measure", "n", "p50 ms", "p99 ms", "mean ms");
    row("cli: warm CLI turn, driven directly", cli);
    row("pooled: gateway, warm session", pooled);
    row("spawn: fresh process per request", spawn);
    if (!baseline.isEmpty()) {
      row("core: gateway, mock provider", baseline);
    }
    double overhead = pct(pooled, 50) - pct(cli, 50);
    System.out.printf("%npooled overhead over the CLI's own turn (p50): %.1f ms%n", overhead);
    if (!baseline.isEmpty()) {
      System.out.printf("of which the gateway core (HTTP, API, event bus; the same request on the mock provider, p50): %.1f ms%n", pct(baseline, 50));
    }
    System.out.printf("spawn-per-request / pooled (p50): %.1fx faster pooled%n", pct(spawn, 50) / pct(pooled, 50));
    if (gatewayPid > 0 && !pooled.isEmpty()) {
      System.out.printf("gateway JVM CPU per pooled request after warm-up (user+system, all threads): %.1f ms%n", gatewayCpu / (double) pooled.size());
    }
    if (!rss.isEmpty()) {
      System.out.printf("RSS per idle pooled session: %s MB (%d sessions)%n",
          rss.stream().map(kb -> String.format("%.0f", kb / 1024.0)).toList(), rss.size());
    }
    deleteTree(scratch);
  }

  // --- the gateway -----------------------------------------------------------------------------------------------

  static void interleaved(String claude, String upstream, String gatewayUrl, String key, String model, int n, Path scratch,
                          List<Double> cliOut, List<Double> pooledOut, List<Double> baselineOut) throws Exception {
    String body = chatBody(model);
    Probe request = gatewayUrl == null ? null : new Probe(gatewayUrl, key, body);
    Probe base = baselineUrl == null ? null : new Probe(baselineUrl, key, body);
    Cli cli = claude == null ? null : new Cli(Launch.of(gatewayPid, claude, upstream, model), scratch);
    try {
      if (cli != null) {
        cli.write("{\"type\":\"control_request\",\"request_id\":\"init\",\"request\":{\"subtype\":\"initialize\"}}");
        cli.until("\"request_id\":\"init\"");
      }
      for (int i = 0; i < n + WARMUP; i++) { // the first WARMUP of each warm the JIT, the connection and the process
        if (i == WARMUP) {
          steadyCpuStart = cpuMillis(gatewayPid);
        }
        if (cli != null) {
          Thread.sleep(QUIET_MS);
          long t0 = System.nanoTime();
          String uuid = cli.turn();
          double ms = (System.nanoTime() - t0) / 1e6;
          if (i >= WARMUP) {
            cliOut.add(ms);
          }
          cli.rewind(uuid);
        }
        if (request != null) {
          Thread.sleep(QUIET_MS);
          long t0 = System.nanoTime();
          String r = request.call();
          double ms = (System.nanoTime() - t0) / 1e6;
          if (i >= WARMUP) {
            pooledOut.add(ms);
          }
          if (!r.startsWith("HTTP/1.1 200") || !r.contains(expect)) {
            throw new IllegalStateException("gateway answered " + r);
          }
        }
        if (base != null) {
          Thread.sleep(QUIET_MS);
          long t0 = System.nanoTime();
          String r = base.call();
          double ms = (System.nanoTime() - t0) / 1e6;
          if (i >= WARMUP) {
            baselineOut.add(ms);
          }
          if (!r.startsWith("HTTP/1.1 200")) {
            throw new IllegalStateException("baseline gateway answered " + r);
          }
        }
      }
    } finally {
      for (AutoCloseable c : new AutoCloseable[] {cli, request, base}) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  static String chatBody(String model) {
    return "{\"model\":\"" + model + "\",\"store\":false,\"messages\":[{\"role\":\"user\",\"content\":\"" + TEXT + "\"}]}";
  }

  /** {@code count} requests on {@code model}, one after another: the gateway's shared path gets compiled. */
  static void jitWarmup(String url, String key, String model, int count) throws IOException {
    if (count <= 0) {
      return;
    }
    long t0 = System.nanoTime();
    try (Probe p = new Probe(url, key, chatBody(model))) {
      for (int i = 0; i < count; i++) {
        String r = p.call();
        if (!r.startsWith("HTTP/1.1 200")) {
          throw new IllegalStateException("JIT warm-up request on " + model + " answered " + r);
        }
      }
    }
    System.err.printf("JIT warm-up of %s: %d requests on %s in %.1f s%n", url, count, model, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * One keep-alive HTTP/1.1 connection, written and read by hand on the calling thread: the probe adds no thread
   * hand-off of its own to what it measures. Responses must carry a Content-Length (non-streaming completions do).
   */
  static final class Probe implements AutoCloseable {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] request;
    private final byte[] buf = new byte[1 << 16];

    Probe(String baseUrl, String key, String body) throws IOException {
      URI u = URI.create(baseUrl);
      socket = new Socket(u.getHost(), u.getPort());
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(60_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
          + "\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
      byte[] h = head.getBytes(StandardCharsets.US_ASCII);
      request = Arrays.copyOf(h, h.length + b.length);
      System.arraycopy(b, 0, request, h.length, b.length);
    }

    /** Sends the request and reads its whole response: status line, headers and body, as text. */
    String call() throws IOException {
      out.write(request);
      out.flush();
      int n = 0;
      int end = -1;
      while (end < 0 || n < end) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          throw new IOException("the gateway closed the connection");
        }
        n += r;
        if (end < 0) {
          String seen = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
          int headEnd = seen.indexOf("\r\n\r\n");
          if (headEnd >= 0) {
            Matcher m = CONTENT_LENGTH.matcher(seen.substring(0, headEnd + 2));
            if (!m.find()) {
              throw new IOException("a response without Content-Length: " + seen);
            }
            end = headEnd + 4 + Integer.parseInt(m.group(1));
          }
        }
      }
      return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  // --- the CLI directly ------------------------------------------------------------------------------------------

  /**
   * How a directly driven claude process starts: with the gateway session's own command line and environment, read
   * from {@code /proc} (so the system prompt, flags and switches are the ones the gateway uses), else with a copy of
   * the launcher's flags. Either way the process gets its own private directories.
   */
  record Launch(List<String> command, Map<String, String> env) {

    static Launch of(long gatewayPid, String bin, String upstream, String model) throws IOException {
      Launch fromGateway = gatewaySession(gatewayPid);
      if (fromGateway != null) {
        return fromGateway;
      }
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.put("ANTHROPIC_BASE_URL", upstream);
      env.put("ANTHROPIC_API_KEY", "sk-ant-bench");
      for (String k : List.of("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "DISABLE_TELEMETRY", "DISABLE_ERROR_REPORTING",
          "DISABLE_AUTOUPDATER", "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS", "CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK",
          "DISABLE_COMPACT", "DISABLE_AUTO_COMPACT")) {
        env.put(k, "1");
      }
      env.put("CLAUDE_CODE_ATTRIBUTION_HEADER", "0");
      env.put("CLAUDE_CODE_MAX_RETRIES", "0");
      return new Launch(List.of(bin, "-p", "--input-format", "stream-json", "--output-format", "stream-json",
          "--verbose", "--include-partial-messages", "--model", model, "--system-prompt", SYSTEM_PROMPT,
          "--no-session-persistence", "--thinking", "disabled", "--max-turns", "1", "--strict-mcp-config",
          "--setting-sources", "", "--bare", "--tools", "", "--permission-mode", "dontAsk", "--permission-prompts", "none"), env);
    }

    /** The command line and environment of the gateway's (first) claude child process, or null. */
    static Launch gatewaySession(long gatewayPid) throws IOException {
      if (gatewayPid <= 0) {
        return null;
      }
      for (ProcessHandle child : ProcessHandle.of(gatewayPid).map(p -> p.children().toList()).orElse(List.of())) {
        Path proc = Path.of("/proc", Long.toString(child.pid()));
        List<String> command = nulSeparated(Files.readAllBytes(proc.resolve("cmdline")));
        if (command.isEmpty() || !command.get(0).contains("claude")) {
          continue;
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : nulSeparated(Files.readAllBytes(proc.resolve("environ")))) {
          int eq = entry.indexOf('=');
          if (eq > 0) {
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
          }
        }
        return new Launch(command, env);
      }
      return null;
    }

    private static List<String> nulSeparated(byte[] bytes) {
      List<String> out = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == 0) {
          out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      return out;
    }
  }

  /** A claude process driven directly: lines written to its stdin, its stdout read until a marker. */
  static final class Cli implements AutoCloseable {
    final Process process;
    final OutputStream in;
    final BufferedReader out;
    int seq;

    Cli(Launch launch, Path scratch) throws IOException {
      Path dir = Files.createTempDirectory(scratch, "s");
      Path work = Files.createDirectories(dir.resolve("work"));
      Path config = Files.createDirectories(dir.resolve("config"));
      Path tmp = Files.createDirectories(dir.resolve("tmp"));
      ProcessBuilder b = new ProcessBuilder(launch.command()).directory(work.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
      Map<String, String> env = b.environment();
      env.clear();
      env.putAll(launch.env());
      env.put("HOME", dir.toString());
      env.put("CLAUDE_CONFIG_DIR", config.toString());
      env.put("TMPDIR", tmp.toString());
      process = b.start();
      in = process.getOutputStream();
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    void write(String line) throws IOException {
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    /** Reads until a line containing {@code marker}. */
    void until(String marker) throws IOException {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.contains(marker)) {
          return;
        }
      }
      throw new IOException("the claude process ended before " + marker);
    }

    String turn() throws IOException {
      String uuid = UUID.randomUUID().toString();
      String text = "<conversation>\\n<turn role=\\\"user\\\">" + TEXT + "</turn>\\n</conversation>";
      write("{\"type\":\"user\",\"uuid\":\"" + uuid + "\",\"session_id\":\"\",\"parent_tool_use_id\":null,"
          + "\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}}");
      until("\"type\":\"result\"");
      return uuid;
    }

    void rewind(String uuid) throws IOException {
      String id = "rw-" + (++seq);
      write("{\"type\":\"control_request\",\"request_id\":\"" + id + "\",\"request\":{\"subtype\":\"rewind_conversation\","
          + "\"target_message_uuid\":\"" + uuid + "\",\"last_seen_user_message_uuid\":\"" + uuid + "\"}}");
      until("\"request_id\":\"" + id + "\"");
    }

    @Override
    public void close() throws Exception {
      in.close();
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  static List<Double> spawnPerRequest(String bin, String upstream, String model, int n, Path scratch) throws Exception {
    Launch launch = Launch.of(gatewayPid, bin, upstream, model);
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Cli cli = new Cli(launch, scratch);
      cli.turn();
      out.add((System.nanoTime() - t0) / 1e6);
      cli.close();
    }
    return out;
  }

  /** User plus system CPU time of a process (its own threads, not its children), in ms; 0 when unknown. */
  static long cpuMillis(long pid) throws IOException {
    if (pid <= 0) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields after the command: state is f[0], so utime (field 14) is f[11] and stime (field 15) f[12]; 100 ticks a second
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  // --- memory ----------------------------------------------------------------------------------------------------

  static List<Long> rssKb(long gatewayPid) throws IOException {
    List<Long> out = new ArrayList<>();
    if (gatewayPid <= 0) {
      return out;
    }
    for (ProcessHandle child : ProcessHandle.of(gatewayPid).map(p -> p.children().toList()).orElse(List.of())) {
      if (!child.info().command().map(c -> c.contains("claude")).orElse(false)) {
        continue;
      }
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(child.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          out.add(Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    }
    return out;
  }

  // --- statistics ------------------------------------------------------------------------------------------------

  static void row(String name, List<Double> samples) {
    double mean = samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    System.out.printf("%-34s %6d %9.1f %9.1f %9.1f%n", name, samples.size(), pct(samples, 50), pct(samples, 99), mean);
  }

  static double pct(List<Double> samples, double p) {
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
