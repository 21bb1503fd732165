# Shared helpers for Axon's scripts. Source it; it defines functions only.

axon_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

log() { printf '[axon] %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through sudo when there is one.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root for: $*"; return 1; fi
}

apt_install() {
  log "installing $* (Debian packages)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The Valkey-compatible server binary: valkey-server, else redis-server (installed from Debian when neither exists).
valkey_binary() {
  if command -v valkey-server >/dev/null 2>&1; then echo valkey-server; return; fi
  if command -v redis-server >/dev/null 2>&1; then echo redis-server; return; fi
  apt_install redis-server >&2 || return 1
  command -v redis-server >/dev/null 2>&1 && echo redis-server
}

# True when a Redis-protocol server answers PING at host:port.
valkey_ping() {
  local host=$1 port=$2 reply=""
  { exec 9<>"/dev/tcp/$host/$port"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&9
  IFS= read -r -t 2 reply <&9 || true
  exec 9>&- 9<&-
  case "$reply" in +PONG*|-NOAUTH*) return 0 ;; *) return 1 ;; esac
}

# Host and port out of a redis:// URL (user, password and database dropped).
url_host() { local u=${1#*://}; u=${u##*@}; u=${u%%/*}; echo "${u%%:*}"; }
url_port() { local u=${1#*://}; u=${u##*@}; u=${u%%/*}; case "$u" in *:*) echo "${u##*:}" ;; *) echo 6379 ;; esac; }

# A free TCP port on loopback.
# A free port below the kernel's ephemeral range (32768 up): a port from that range can be taken as the source port
# of an outgoing connection before the server binds it.
free_port() {
  python3 - 2>/dev/null <<'PY' || echo $((20000 + RANDOM % 12000))
import random, socket
for _ in range(200):
    port = random.randrange(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("0.0.0.0", port)); print(port); break
    except OSError:
        pass
    finally:
        s.close()
PY
}

# Starts a throwaway Valkey on loopback; prints its PID. Args: port dir.
start_valkey() {
  local port=$1 dir=$2 bin
  bin=$(valkey_binary) || { log "no valkey-server or redis-server and none could be installed"; return 1; }
  mkdir -p "$dir"
  "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >"$dir/valkey.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do valkey_ping 127.0.0.1 "$port" && { echo "$pid"; return 0; }; sleep 0.1; done
  log "$bin did not start on port $port (see $dir/valkey.log)"; return 1
}

# Whether the jar is missing or older than any source or build file.
needs_build() {
  local root=$1 jar=$1/app/target/axon.jar
  [ -f "$jar" ] || return 0
  [ -n "$(find "$root" -path "$root/*/target" -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]
}

# Waits until url answers 200, up to seconds; fails otherwise.
wait_ready() {
  local url=$1 seconds=$2
  for _ in $(seq 1 $((seconds * 10))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

# Prints -XX:+UseBiasedLocking when this JVM still has biased locking (Java 17 has it, off by default since 15; 19 and
# later refuse the option), else nothing. Netty and Vert.x lock each connection's objects many times a request, always
# from the connection's own event loop: biased to that thread, the locks cost no atomic instruction. Measured on the
# mock-provider gateway at 64 connections: 7 to 19 % more requests a second in three sets of eight paired rounds.
# The JVM's deprecation warning goes to stderr; stdout keeps only the gateway's JSON lines.
lock_option() {
  java -XX:+UseBiasedLocking -version >/dev/null 2>&1 && echo "-XX:+UseBiasedLocking"
  return 0
}

# Prints the JVM option that starts the gateway from a class-data-sharing archive of app/target/axon.jar, after
# building the archive when it is missing or older than the jar: a training start of the gateway (mock provider,
# in-memory store, one chat completion to load the request path) that dumps the classes it loaded when it exits.
# Start-up then maps the archived classes instead of loading and verifying them from the jar: about half the time.
# Prints nothing (and the gateway starts normally) when the archive cannot be built. Args: the repository root.
cds_option() {
  local root=$1 jar=$1/app/target/axon.jar jsa=$1/app/target/axon.jsa work port pid
  if [ ! -f "$jsa" ] || [ "$jar" -nt "$jsa" ]; then
    work=$(mktemp -d); port=$(free_port)
    printf 'api: {keys: [sk-cds-training]}\npool: {provider: mock, size: 1}\nstore: {backend: memory}\nreloadPeriodMs: 0\n' >"$work/axon.yaml"
    # A clean environment: the caller's AXON_* variables would override the training configuration.
    env -i PATH="$PATH" HOME="$HOME" AXON_CONF="$work/axon.yaml" AXON_PORT="$port" AXON_DRAIN_GRACE_MS=0 \
      java -XX:ArchiveClassesAtExit="$work/axon.jsa" -Xmx256m -jar "$jar" >"$work/training.log" 2>&1 &
    pid=$!
    if wait_ready "http://127.0.0.1:$port/health" 60; then
      curl -s -o /dev/null -H 'Authorization: Bearer sk-cds-training' -H 'Content-Type: application/json' \
        -d '{"model":"claude-sonnet-4-6","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$port/v1/chat/completions"
    fi
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    [ -s "$work/axon.jsa" ] && mv "$work/axon.jsa" "$jsa"
    rm -rf "$work"
  fi
  [ -f "$jsa" ] && echo "-XX:SharedArchiveFile=$jsa"
  return 0
}

# The pinned Claude Code CLI of tools/claude-code (the claude-code provider's default binary): installs it with
# `npm ci` when it is missing, then prints the path of a binary that runs. Args: the repository root.
claude_cli() {
  local dir=$1/tools/claude-code alt
  local bin=$dir/node_modules/.bin/claude
  if ! "$bin" --version >/dev/null 2>&1; then
    command -v npm >/dev/null 2>&1 || { log "npm is needed to install the Claude Code CLI (tools/claude-code)"; return 1; }
    log "installing the pinned Claude Code CLI (npm ci in tools/claude-code)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) || { log "npm ci failed in tools/claude-code"; return 1; }
  fi
  if "$bin" --version >/dev/null 2>&1; then echo "$bin"; return 0; fi
  # The package's postinstall links its platform binary; when it did not run, use that binary directly.
  for alt in "$dir"/node_modules/@anthropic-ai/claude-code-linux-*/claude; do
    if "$alt" --version >/dev/null 2>&1; then echo "$alt"; return 0; fi
  done
  log "the Claude Code CLI in tools/claude-code does not run"; return 1
}

# Starts the testkit's mock Anthropic Messages API on loopback; prints its PID. Args: port log-file [JVM options...]
# (default -Xmx256m).
start_mock_anthropic() {
  local port=$1 logfile=$2 root
  shift 2
  root=$(axon_root)
  java "${@:--Xmx256m}" -cp "$root/testkit/target/axon-testkit.jar" dev.axon.testkit.anthropic.MockAnthropicServer "$port" >"$logfile" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    grep -q "listening on" "$logfile" 2>/dev/null && { echo "$pid"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  log "the mock Anthropic upstream did not start (see $logfile)"; kill "$pid" 2>/dev/null; return 1
}
