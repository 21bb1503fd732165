#!/usr/bin/env bash
# Benchmark of the claude-code provider with the real (pinned) claude CLI and the testkit's mock Anthropic upstream:
# p50/p99 latency of a request through the gateway on a warm pooled session, of the CLI's own turn on a warm process,
# and of the same request with a fresh process spawned for it; plus the resident memory per idle session. The same
# request on a gateway with the mock provider (no CLI) shows what the gateway's own path costs.
#   BENCH_N=60 BENCH_SPAWN_N=50 BENCH_WARMUP=300 BENCH_JIT_WARMUP=20000 BENCH_MAX_TURNS=1000 scripts/bench-claude-code.sh
# (requests measured; warm-up turns first; requests that compile the gateway's shared path first, on a model routed to
# the mock provider). The gateway's maxTurns is raised so warm-up plus measured turns stay in one session's life: both
# sides are then processes of the same age, and no recycle falls inside.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
ROOT=$(axon_root)
cd "$ROOT"

if needs_build "$ROOT" || [ ! -f testkit/target/axon-testkit.jar ]; then
  log "building (mvn package)"
  mvn -B -q -DskipTests package
fi
CLAUDE_BIN=$(claude_cli "$ROOT")
work=$ROOT/run/bench-claude-code
rm -rf "$work"; mkdir -p "$work"
mport=$(free_port); gport=$(free_port); bport=$(free_port)
MOCK_PID=$(start_mock_anthropic "$mport" "$work/mock.log")
GW_PID=""; BASE_PID=""
cleanup() {
  if [ -n "$GW_PID" ]; then kill -TERM "$GW_PID" 2>/dev/null || true; wait "$GW_PID" 2>/dev/null || true; fi
  if [ -n "$BASE_PID" ]; then kill -TERM "$BASE_PID" 2>/dev/null || true; wait "$BASE_PID" 2>/dev/null || true; fi
  kill "$MOCK_PID" 2>/dev/null || true
}
trap cleanup EXIT

env AXON_PORT="$gport" AXON_STORE=memory AXON_API_KEYS=sk-bench AXON_PROVIDER=claude-code AXON_ROUTES="bench-warm*=mock" AXON_POOL_SIZE=1 AXON_POOL_MAX=1 AXON_MAX_TURNS="${BENCH_MAX_TURNS:-1000}" \
    AXON_CLAUDE_BIN="$CLAUDE_BIN" ANTHROPIC_BASE_URL="http://127.0.0.1:$mport" ANTHROPIC_API_KEY=sk-ant-bench CLAUDE_CODE_OAUTH_TOKEN= \
    java -Xms128m -Xmx512m -jar app/target/axon.jar >"$work/axon.log" 2>&1 &
GW_PID=$!
# The same gateway on the mock provider: the cost of the gateway's own path, without any CLI.
env AXON_PORT="$bport" AXON_STORE=memory AXON_API_KEYS=sk-bench AXON_PROVIDER=mock AXON_POOL_SIZE=1 AXON_POOL_MAX=1 \
    java -Xms128m -Xmx512m -jar app/target/axon.jar >"$work/axon-mock.log" 2>&1 &
BASE_PID=$!
wait_ready "http://127.0.0.1:$gport/health" 60 || { log "gateway not ready"; tail -20 "$work/axon.log" >&2; exit 1; }
wait_ready "http://127.0.0.1:$bport/health" 60 || { log "baseline gateway not ready"; tail -20 "$work/axon-mock.log" >&2; exit 1; }
sleep 1
log "benchmarking: CLI $("$CLAUDE_BIN" --version), upstream mock on $mport, gateway on $gport"
java bench/ClaudeCodeBench.java gateway="http://127.0.0.1:$gport" key=sk-bench claude="$CLAUDE_BIN" \
  upstream="http://127.0.0.1:$mport" baseline="http://127.0.0.1:$bport" n="${BENCH_N:-60}" spawnN="${BENCH_SPAWN_N:-50}" warmup="${BENCH_WARMUP:-300}" jitWarmup="${BENCH_JIT_WARMUP:-20000}" gatewayPid="$GW_PID" | tee "$work/result.txt"
