#!/usr/bin/env bash
# Runs Axon in the foreground: builds when needed, makes sure a Valkey answers at AXON_VALKEY_URL (starting a
# local valkey-server or redis-server when nothing does, installing Debian's redis-server if neither exists),
# then starts the gateway with the configuration in conf/axon.yaml (AXON_CONF) and the AXON_* variables.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
ROOT=$(axon_root)
cd "$ROOT"

if needs_build "$ROOT"; then
  log "building (mvn package)"
  mvn -B -q -DskipTests package
fi

VALKEY_PID=""
cleanup() { [ -n "$VALKEY_PID" ] && kill "$VALKEY_PID" 2>/dev/null || true; }
trap cleanup EXIT

if [ "${AXON_STORE:-valkey}" = valkey ]; then
  url=${AXON_VALKEY_URL:-redis://localhost:6379}
  host=$(url_host "$url"); port=$(url_port "$url")
  if valkey_ping "$host" "$port"; then
    log "Valkey answers at $host:$port"
  elif [ "$host" = localhost ] || [ "$host" = 127.0.0.1 ]; then
    VALKEY_PID=$(start_valkey "$port" "$ROOT/run/valkey") || exit 1
    log "started a local Valkey on port $port (stopped when Axon exits)"
  else
    log "nothing answers at $host:$port and it is not local; Axon will report 503 until it does"
  fi
fi

# A fresh checkout has `keys: []`: give it a development key so the two-command start works.
if [ -z "${AXON_API_KEYS:-}" ] && grep -Eq '^\s*keys:\s*\[\s*\]' "${AXON_CONF:-conf/axon.yaml}" 2>/dev/null; then
  export AXON_API_KEYS=sk-axon-dev
  log "no API keys configured: using the development key sk-axon-dev (set AXON_API_KEYS or api.keys)"
fi

# The claude-code provider runs the pinned CLI of tools/claude-code unless AXON_CLAUDE_BIN names another.
if [ "${AXON_PROVIDER:-}" = claude-code ] && [ -z "${AXON_CLAUDE_BIN:-}" ]; then
  AXON_CLAUDE_BIN=$(claude_cli "$ROOT") || exit 1
  export AXON_CLAUDE_BIN
  log "claude-code provider: using $AXON_CLAUDE_BIN"
fi

CDS=$(cds_option "$ROOT")
java $CDS ${AXON_JAVA_OPTS:--XX:+UseParallelGC -Xms128m -Xmx512m $(lock_option)} -jar app/target/axon.jar &
AXON_PID=$!
trap 'kill -TERM $AXON_PID 2>/dev/null; wait $AXON_PID; cleanup' INT TERM
wait $AXON_PID
