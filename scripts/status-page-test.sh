#!/usr/bin/env bash
# The status page in headless Chromium: starts a gateway (memory store, mock provider, a status token) from
# app/target/axon.jar and runs scripts/status-page-test/status-page.mjs against it (Debian's chromium driven by
# playwright-core, installed with npm ci). Skips with a visible message when chromium or Node.js is missing, unless
# AXON_REQUIRE_CHROMIUM=1.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
ROOT=$(axon_root)
cd "$ROOT"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
skip() {
  if [ "${AXON_REQUIRE_CHROMIUM:-0}" = 1 ]; then log "status page test: $1"; exit 1; fi
  log "status page test SKIPPED: $1"
  exit 0
}
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || skip "chromium is not installed (apt-get install chromium)"
command -v node >/dev/null && command -v npm >/dev/null || skip "Node.js and npm are not installed"
[ -f app/target/axon.jar ] || { log "status page test: app/target/axon.jar is missing (build first)"; exit 1; }
if [ ! -d scripts/status-page-test/node_modules/playwright-core ]; then
  (cd scripts/status-page-test && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) \
    || { log "status page test: npm ci failed in scripts/status-page-test"; exit 1; }
fi

work=$ROOT/run/status-page
rm -rf "$work"; mkdir -p "$work"
port=$(free_port)
key=sk-status-page-test-key
token=status-page-test-token
cat >"$work/axon.yaml" <<YAML
api:
  keys: [$key]
  instances: 2
store:
  backend: memory
pool:
  size: 2
ops:
  status:
    token: $token
  drain:
    graceMs: 0
    timeoutMs: 5000
reloadPeriodMs: 0
YAML
log "status page test: gateway on port $port"
AXON_CONF="$work/axon.yaml" AXON_PORT="$port" java -Xmx384m -jar app/target/axon.jar >"$work/axon.log" 2>&1 &
pid=$!
if ! wait_ready "http://127.0.0.1:$port/health" 60; then
  log "status page test: the gateway did not become ready"; tail -30 "$work/axon.log" >&2
  kill "$pid" 2>/dev/null; exit 1
fi
AXON_TEST_URL="http://127.0.0.1:$port" AXON_TEST_KEY=$key AXON_STATUS_TOKEN=$token CHROMIUM="$CHROMIUM" \
  node scripts/status-page-test/status-page.mjs
rc=$?
kill -TERM "$pid" 2>/dev/null; wait "$pid"; stop=$?
[ $stop -eq 0 ] || { log "status page test: the gateway exited with $stop after SIGTERM (expected 0)"; rc=1; }
[ $rc -eq 0 ] || { log "status page test failed; gateway log: $work/axon.log"; tail -20 "$work/axon.log" >&2; }
exit $rc
