#!/usr/bin/env bash
# All of Axon's tests: the JUnit suites (mvn verify, against a real Valkey-compatible server the fixtures start)
# and then the end-to-end shell suite against a gateway this script starts and stops.
#   AXON_SKIP_UNIT=1   skip mvn verify (build only)
#   AXON_SKIP_E2E=1    skip the end-to-end suite (run per provider: mock; anthropic and claude-code against the
#                      mock Anthropic upstream from testkit/target/axon-testkit.jar)
#   AXON_SKIP_CLUSTER=1 skip the multi-JVM cluster test
#   AXON_SKIP_STATUS_PAGE=1 skip the status page test in headless Chromium (skipped anyway, visibly, without chromium)
#   AXON_SKIP_BENCH=1  skip the benchmark's smoke run (scripts/bench.sh --smoke: keeps the benchmark working; it
#                      checks that every part produces numbers, not the targets — those need the full run)
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
ROOT=$(axon_root)
cd "$ROOT"

command -v java >/dev/null || { log "Java 17 is required"; exit 1; }
command -v mvn >/dev/null || apt_install maven || exit 1
command -v jq >/dev/null || apt_install jq || exit 1
command -v curl >/dev/null || apt_install curl || exit 1
valkey_binary >/dev/null || { log "no Valkey-compatible server available"; exit 1; }

status=0
# The claude-code provider's tests and e2e mode run the pinned CLI (tools/claude-code, installed with npm ci).
CLAUDE_BIN=$(claude_cli "$ROOT") || { log "the pinned Claude Code CLI could not be installed"; status=1; CLAUDE_BIN=""; }
if [ "${AXON_SKIP_UNIT:-0}" = 1 ]; then
  mvn -B -q -DskipTests package || exit 1
else
  log "JUnit suites (mvn verify)"
  mvn -B verify || status=1
fi
[ -f app/target/axon.jar ] || { log "app/target/axon.jar was not built"; exit 1; }

# The e2e suite validates bodies with the official OpenAI schemas when node is there.
if command -v node >/dev/null && command -v npm >/dev/null && [ ! -d scripts/conformance/node_modules ]; then
  (cd scripts/conformance && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) || log "conformance validator not installed; e2e skips it"
fi

# The gateway runs on scripts/run.sh's locking option (asked of the JVM once).
LOCK_OPTION=$(lock_option)

# Runs the e2e suite against a gateway started with a deliberately small pool (1 warm session, at most 2, two
# waiting callers, a 2 s queue deadline), so the suite's burst really meets the 429 path. Extra arguments are
# environment assignments for the gateway (e.g. AXON_PROVIDER=...).
run_e2e() {
  local name=$1; shift
  local work=$ROOT/run/e2e-$name vport aport vpid apid rc
  [ -x scripts/e2e-test.sh ] || { log "e2e ($name): scripts/e2e-test.sh is missing"; return 1; }
  rm -rf "$work"; mkdir -p "$work"
  vport=$(free_port); aport=$(free_port)
  vpid=$(start_valkey "$vport" "$work/valkey") || return 1
  cat >"$work/axon.yaml" <<YAML
api:
  keys:
    - sk-e2e-one
    - sk-e2e-two
    - {name: e2e-limited, key: sk-e2e-limited, limits: {requestsPerMinute: 5}}
pool:
  size: 1
  max: 2
  maxWaiting: 2
  acquireTimeoutMs: 2000
reloadPeriodMs: 0
YAML
  log "e2e ($name): gateway on port $aport, Valkey on $vport"
  env AXON_CONF="$work/axon.yaml" AXON_PORT="$aport" AXON_VALKEY_URL="redis://127.0.0.1:$vport" "$@" \
      java -Xmx512m $LOCK_OPTION -jar app/target/axon.jar >"$work/axon.log" 2>&1 &
  apid=$!
  if ! wait_ready "http://127.0.0.1:$aport/health" 60; then
    log "gateway did not become ready; last log lines:"; tail -30 "$work/axon.log" >&2
    kill "$apid" "$vpid" 2>/dev/null; return 1
  fi
  AXON_TEST_PROVIDER="$name" AXON_TEST_URL="http://127.0.0.1:$aport" AXON_TEST_KEY=sk-e2e-one AXON_TEST_KEY2=sk-e2e-two \
    AXON_TEST_LIMITED_KEY=sk-e2e-limited AXON_TEST_LIMITED_RPM=5 \
    AXON_TEST_POOL_MAX=2 AXON_TEST_BURST=12 AXON_CONFORMANCE_DIR="$ROOT/scripts/conformance" \
    AXON_TEST_CLAUDE_BIN="$CLAUDE_BIN" scripts/e2e-test.sh
  rc=$?
  kill -TERM "$apid" 2>/dev/null; wait "$apid" 2>/dev/null
  kill "$vpid" 2>/dev/null; wait "$vpid" 2>/dev/null
  [ $rc -eq 0 ] || { log "e2e ($name) failed; gateway log: $work/axon.log"; tail -40 "$work/axon.log" >&2; }
  return $rc
}

# The anthropic mode: the anthropic provider over HTTP to the testkit's mock Anthropic upstream.
run_e2e_anthropic() {
  local work=$ROOT/run/e2e-anthropic-upstream mport mpid rc
  rm -rf "$work"; mkdir -p "$work"
  mport=$(free_port)
  mpid=$(start_mock_anthropic "$mport" "$work/mock.log") || return 1
  run_e2e anthropic AXON_PROVIDER=anthropic AXON_ANTHROPIC_BASE_URL="http://127.0.0.1:$mport" ANTHROPIC_API_KEY=sk-ant-e2e-upstream
  rc=$?
  kill "$mpid" 2>/dev/null; wait "$mpid" 2>/dev/null
  return $rc
}

# The claude-code mode: real claude CLI sessions pointed at the testkit's mock Anthropic upstream.
run_e2e_claude_code() {
  local work=$ROOT/run/e2e-claude-code-upstream mport mpid rc
  [ -n "$CLAUDE_BIN" ] || { log "e2e (claude-code): no Claude Code CLI"; return 1; }
  rm -rf "$work"; mkdir -p "$work"
  mport=$(free_port)
  mpid=$(start_mock_anthropic "$mport" "$work/mock.log") || return 1
  run_e2e claude-code AXON_PROVIDER=claude-code AXON_CLAUDE_BIN="$CLAUDE_BIN" \
    ANTHROPIC_BASE_URL="http://127.0.0.1:$mport" ANTHROPIC_API_KEY=sk-ant-e2e-upstream ANTHROPIC_AUTH_TOKEN= CLAUDE_CODE_OAUTH_TOKEN=
  rc=$?
  kill "$mpid" 2>/dev/null; wait "$mpid" 2>/dev/null
  return $rc
}

if [ "${AXON_SKIP_E2E:-0}" != 1 ]; then
  run_e2e mock AXON_PROVIDER=mock || status=1
  run_e2e_anthropic || status=1
  run_e2e_claude_code || status=1
fi

if [ "${AXON_SKIP_STATUS_PAGE:-0}" != 1 ]; then
  log "status page in headless Chromium (scripts/status-page-test.sh)"
  scripts/status-page-test.sh || status=1
fi

if [ "${AXON_SKIP_CLUSTER:-0}" != 1 ]; then
  log "clustered deployment test (scripts/cluster-test.sh)"
  scripts/cluster-test.sh || status=1
  # A test that leaves its JVMs behind fails: they would hold ports and memory, and keep a CI job from ending.
  sleep 2
  left=$(grep -ls "AXON_CONF=$ROOT/run/cluster/" /proc/[0-9]*/environ 2>/dev/null | wc -l)
  [ "$left" -eq 0 ] || { log "the cluster test left $left JVM(s) running"; status=1; }
fi

if [ "${AXON_SKIP_BENCH:-0}" != 1 ]; then
  log "benchmark smoke run (scripts/bench.sh --smoke)"; mkdir -p "$ROOT/run"
  scripts/bench.sh --smoke >"$ROOT/run/bench-smoke.log" 2>&1 || { status=1; log "benchmark smoke run failed:"; tail -30 "$ROOT/run/bench-smoke.log" >&2; }
fi

[ $status -eq 0 ] && log "all tests passed" || log "tests FAILED"
exit $status
