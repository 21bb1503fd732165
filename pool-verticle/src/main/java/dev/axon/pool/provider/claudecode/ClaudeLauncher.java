package dev.axon.pool.provider.claudecode;

import dev.axon.common.config.ConfigException;
import dev.axon.common.error.AxonException;
import dev.axon.common.error.ErrorKind;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a session's {@code claude} process is started: the command line (stream-json in and out, partial messages,
 * the session's model, no tools, permission checks that refuse everything, Axon's neutral system prompt, no
 * session persistence, no thinking, one model request per turn), the cleaned environment (only the credentials,
 * endpoint and proxy settings it needs, plus switches that turn off telemetry, auto-update, compaction, retries
 * and the non-streaming fallback), and a private directory per session (an empty working directory,
 * {@code HOME}, {@code CLAUDE_CONFIG_DIR} and {@code TMPDIR}, deleted when the session closes).
 *
 * <p>With {@code setpriv} present, the process runs under {@code setpriv --pdeathsig KILL}: the kernel kills it
 * when the thread that started it dies, and {@link ClaudeProcess} starts every process from one thread that lives
 * as long as the JVM, so no process outlives the gateway, even one killed with SIGKILL.
 *
 * <p>Thread-safe: immutable after construction except the directory bookkeeping, which is file-system only.
 */
final class ClaudeLauncher {

  private static final Logger log = LoggerFactory.getLogger(ClaudeLauncher.class);

  /** Variables of the gateway's own environment a session may see, when they are set. */
  static final List<String> PASSED_THROUGH = List.of(
      "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_BASE_URL",
      "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy",
      "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR");

  /** Switches every session gets: no side traffic, no telemetry, no compaction, errors surfaced at once. */
  static final Map<String, String> FIXED_ENV = fixedEnv();

  /** Flags {@code extraArgs} may not carry: they would re-enable tools or relax permission checks. */
  private static final Set<String> FORBIDDEN_ARGS = Set.of("--tools", "--allowedtools", "--allowed-tools",
      "--disallowedtools", "--disallowed-tools", "--permission-mode", "--dangerously-skip-permissions",
      "--allow-dangerously-skip-permissions", "--permission-prompt-tool", "--permission-prompts", "--mcp-config",
      "--add-dir", "--plugin-dir", "--plugin-url", "--agents", "--agent", "--settings", "--setting-sources",
      "--system-prompt", "--system-prompt-file", "--append-system-prompt", "--input-format", "--output-format",
      "--model", "--resume", "-r", "--continue", "-c", "--session-id", "--max-turns", "--chrome", "--ide");

  /** How the CLI will authenticate, from the variables it sees. */
  enum AuthMode {
    /** {@code ANTHROPIC_API_KEY} (or a bearer {@code ANTHROPIC_AUTH_TOKEN}): runs with {@code --bare}. */
    API_KEY,
    /**
     * {@code CLAUDE_CODE_OAUTH_TOKEN} alone: {@code --bare} would ignore it, so the process runs without it
     * (a constant ~1.2 KB of environment reminders then rides along with each upstream request).
     */
    OAUTH
  }

  private final ClaudeCodeOptions options;
  private final Path bin;
  private final Path setpriv;
  private final Map<String, String> environment;
  private final AuthMode authMode;
  private final Path baseDir;
  private final boolean ownsBaseDir;

  /**
   * @param gatewayEnv the gateway's environment (a lookup, so tests can pass their own)
   */
  ClaudeLauncher(ClaudeCodeOptions options, Function<String, String> gatewayEnv) {
    this.options = options;
    checkExtraArgs(options.extraArgs());
    this.bin = resolveBinary(options.bin(), gatewayEnv.apply("PATH"));
    this.setpriv = options.parentDeathSignal() ? resolveBinary("setpriv", "/usr/bin:/bin:/usr/sbin:/sbin") : null;
    if (options.parentDeathSignal() && setpriv == null) {
      log.warn("setpriv was not found: claude processes fall back to exiting on stdin EOF when the gateway dies");
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : PASSED_THROUGH) {
      String value = gatewayEnv.apply(name);
      if (value != null && !value.isEmpty()) {
        env.put(name, value);
      }
    }
    env.putAll(FIXED_ENV);
    env.put("CLAUDE_CODE_MAX_RETRIES", Integer.toString(options.maxRetries()));
    options.env().forEach((name, value) -> {
      if (value == null || value.isEmpty()) {
        env.remove(name);
      } else {
        env.put(name, value);
      }
    });
    this.environment = Map.copyOf(env);
    this.authMode = notBlank(env.get("ANTHROPIC_API_KEY")) || notBlank(env.get("ANTHROPIC_AUTH_TOKEN"))
        ? AuthMode.API_KEY : notBlank(env.get("CLAUDE_CODE_OAUTH_TOKEN")) ? AuthMode.OAUTH : null;
    try {
      if (options.workDir() != null) {
        this.baseDir = Files.createDirectories(Path.of(options.workDir()).toAbsolutePath());
        this.ownsBaseDir = false;
      } else {
        this.baseDir = Files.createTempDirectory("axon-claude-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        this.ownsBaseDir = true;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the claude-code work directory", e);
    }
  }

  /** Null when the binary cannot be found: sessions then fail to start with a clear error (and back off). */
  Path bin() {
    return bin;
  }

  /** Null when no credential is configured. */
  AuthMode authMode() {
    return authMode;
  }

  boolean usesParentDeathSignal() {
    return setpriv != null;
  }

  Path baseDir() {
    return baseDir;
  }

  /** Why no session can start, or null when one can. */
  AxonException cannotStart() {
    if (bin == null) {
      return new AxonException(ErrorKind.UNAVAILABLE, "the claude CLI '" + options.bin()
          + "' was not found (install it with npm in tools/claude-code, or set AXON_CLAUDE_BIN)");
    }
    if (authMode == null) {
      return new AxonException(ErrorKind.UPSTREAM_AUTH,
          "no upstream credentials for the claude CLI: set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN");
    }
    return null;
  }

  /** The private directories of one session. */
  record SessionDirs(Path root, Path home, Path config, Path work, Path tmp) {
  }

  SessionDirs createDirs(String sessionId) throws IOException {
    Path root = baseDir.resolve(sessionId);
    Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    SessionDirs dirs = new SessionDirs(root, root.resolve("home"), root.resolve("config"), root.resolve("work"), root.resolve("tmp"));
    Files.createDirectories(dirs.home());
    Files.createDirectories(dirs.config());
    Files.createDirectories(dirs.work());
    Files.createDirectories(dirs.tmp());
    return dirs;
  }

  /** The full command line for a session of {@code model}. */
  List<String> command(String model) {
    List<String> cmd = new ArrayList<>();
    if (setpriv != null) {
      cmd.add(setpriv.toString());
      cmd.add("--pdeathsig");
      cmd.add("KILL");
      cmd.add("--");
    }
    cmd.add(bin.toString());
    cmd.addAll(List.of("-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose",
        "--include-partial-messages", "--model", model, "--system-prompt", options.systemPrompt(),
        "--no-session-persistence", "--thinking", "disabled", "--max-turns", "1",
        "--strict-mcp-config", "--setting-sources", ""));
    if (authMode == AuthMode.API_KEY) {
      cmd.add("--bare");
    }
    cmd.addAll(options.extraArgs());
    // Safety last: no tool at all, and anything that would need a permission is refused without asking.
    cmd.addAll(List.of("--tools", "", "--permission-mode", "dontAsk", "--permission-prompts", "none"));
    return cmd;
  }

  /** The environment of a session: nothing inherited beyond {@link #PASSED_THROUGH}. */
  Map<String, String> environment(SessionDirs dirs) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "C.UTF-8");
    env.put("HOME", dirs.home().toString());
    env.put("CLAUDE_CONFIG_DIR", dirs.config().toString());
    env.put("TMPDIR", dirs.tmp().toString());
    return env;
  }

  /** Removes a session's directory; never throws. */
  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: a file the CLI still writes goes with the base directory
        }
      });
    } catch (IOException | UncheckedIOException e) {
      log.debug("could not delete {}: {}", dir, e.getMessage());
    }
  }

  /** Removes the base directory when Axon created it. */
  void close() {
    if (ownsBaseDir) {
      deleteQuietly(baseDir);
    }
  }

  private static Map<String, String> fixedEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("DISABLE_TELEMETRY", "1");
    env.put("DISABLE_ERROR_REPORTING", "1");
    env.put("DISABLE_AUTOUPDATER", "1");
    env.put("CLAUDE_CODE_ATTRIBUTION_HEADER", "0");
    env.put("CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS", "1");
    env.put("CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK", "1");
    env.put("DISABLE_COMPACT", "1");
    env.put("DISABLE_AUTO_COMPACT", "1");
    return Map.copyOf(env);
  }

  private static void checkExtraArgs(List<String> args) {
    for (String arg : args) {
      String flag = arg.toLowerCase(Locale.ROOT);
      int eq = flag.indexOf('=');
      if (eq > 0) {
        flag = flag.substring(0, eq);
      }
      if (FORBIDDEN_ARGS.contains(flag)) {
        throw new ConfigException("pool." + ClaudeCodeProvider.NAME + ".extraArgs",
            arg + " is set by Axon itself (tools stay disabled, permissions refused, the protocol fixed)");
      }
    }
  }

  /** A path as given (made absolute), or the first match on {@code path}; null when there is none. */
  static Path resolveBinary(String name, String path) {
    if (name.contains(File.separator)) {
      Path p = Path.of(name).toAbsolutePath();
      return Files.isExecutable(p) ? p : null;
    }
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p.toAbsolutePath();
      }
    }
    return null;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
