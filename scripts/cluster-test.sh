#!/usr/bin/env bash
# Clustered deployment test on loopback: real separate JVMs (two api, two pool, one store) joined over Hazelcast
# TCP, one Valkey. It runs the e2e suite through each api node, kills one pool JVM with SIGKILL under load and
# checks that requests keep being served, edits the configuration file and checks that an added API key works
# and a removed one fails within a few seconds on every api node, then stops everything it started.
#   AXON_CLUSTER_TEST_E2E=0   skip the e2e suite runs (the cluster-specific checks still run)
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
ROOT=$(axon_root)
cd "$ROOT"

[ -f app/target/axon.jar ] || mvn -B -q -DskipTests package || exit 1
WORK=$ROOT/run/cluster
rm -rf "$WORK"; mkdir -p "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
}
trap cleanup EXIT

PASSED=0; FAILED=0
check() {
  local name=$1; shift
  if "$@"; then PASSED=$((PASSED + 1)); echo "PASS $name"; else FAILED=$((FAILED + 1)); echo "FAIL $name"; fi
}

VPORT=$(free_port)
VPID=$(start_valkey "$VPORT" "$WORK/valkey") || exit 1
PIDS+=("$VPID")

H1=$(free_port); H2=$(free_port); H3=$(free_port); H4=$(free_port); H5=$(free_port)
API1=$(free_port); API2=$(free_port)
MEMBERS="127.0.0.1:$H1,127.0.0.1:$H2,127.0.0.1:$H3,127.0.0.1:$H4,127.0.0.1:$H5"
CONF=$WORK/axon.yaml
write_conf() {
  cat >"$CONF" <<YAML
api:
  keys: [$1]
pool:
  size: 2
  max: 6
  maxWaiting: 16
  acquireTimeoutMs: 20000
store:
  valkey:
    url: redis://127.0.0.1:$VPORT
cluster:
  enabled: true
  host: 127.0.0.1
  members: [$MEMBERS]
reloadPeriodMs: 500
YAML
}
write_conf "sk-cluster-one, sk-cluster-two"

# Starts one JVM: name roles hazelcastPort apiPort
start_node() {
  local name=$1 roles=$2 hport=$3 aport=$4
  env AXON_CONF="$CONF" AXON_ROLES="$roles" AXON_CLUSTER_PORT="$hport" AXON_PORT="$aport" AXON_API_INSTANCES=1 \
    java -Xmx256m -XX:+UseSerialGC -jar app/target/axon.jar >"$WORK/$name.log" 2>&1 &
  echo "$!"
}
STORE_PID=$(start_node store store "$H1" 0)
POOL1_PID=$(start_node pool1 pool "$H2" 0)
POOL2_PID=$(start_node pool2 pool "$H3" 0)
API1_PID=$(start_node api1 api "$H4" "$API1")
API2_PID=$(start_node api2 api "$H5" "$API2")
# start_node runs in a subshell ($(...)): its PIDS would be lost, and the nodes outlive the test.
PIDS+=("$STORE_PID" "$POOL1_PID" "$POOL2_PID" "$API1_PID" "$API2_PID")
log "cluster: store, pool1, pool2, api1 (:$API1), api2 (:$API2); Valkey :$VPORT"

stats() { curl -s --max-time 5 -H "Authorization: Bearer sk-cluster-one" "http://127.0.0.1:$1/stats"; }
# Waits until an api node sees the expected number of nodes and pools.
wait_cluster() {
  local port=$1 nodes=$2 seconds=$3 s
  for _ in $(seq 1 $((seconds * 2))); do
    s=$(stats "$port")
    if [ "$(echo "$s" | jq '.nodes | length' 2>/dev/null)" = "$nodes" ] &&
       [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health")" = 200 ]; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}
check "api1 sees all 5 nodes and is ready" wait_cluster "$API1" 5 120
check "api2 sees all 5 nodes and is ready" wait_cluster "$API2" 5 60
roles_seen() { stats "$1" | jq -r '[.nodes[].roles[]] | sort | join(",")'; }
check "/stats on api1 lists every role" test "$(roles_seen "$API1")" = "api,api,pool,pool,store"
pools_seen() { stats "$1" | jq '.pool.nodes | length'; }
check "/stats on api1 shows both pools' gauges" test "$(pools_seen "$API1")" = 2

if [ "${AXON_CLUSTER_TEST_E2E:-1}" = 1 ]; then
  for port in "$API1" "$API2"; do
    if AXON_TEST_URL="http://127.0.0.1:$port" AXON_TEST_KEY=sk-cluster-one AXON_TEST_KEY2=sk-cluster-two \
       AXON_TEST_BURST=0 scripts/e2e-test.sh >"$WORK/e2e-$port.log" 2>&1; then
      check "e2e suite through api node :$port ($(tail -1 "$WORK/e2e-$port.log"))" true
    else
      check "e2e suite through api node :$port ($(tail -1 "$WORK/e2e-$port.log"); see $WORK/e2e-$port.log)" false
    fi
  done
fi

# Streaming works across JVMs: the api node relays chunks produced on a pool node.
stream=$(curl -sN --max-time 20 -H "Authorization: Bearer sk-cluster-one" -H 'Content-Type: application/json' "http://127.0.0.1:$API2/v1/chat/completions" \
  -d '{"model":"claude-sonnet-4-6","stream":true,"messages":[{"role":"user","content":"stream across nodes"}]}')
check "streaming across nodes ends with [DONE]" test "$(echo "$stream" | grep -c '^data: \[DONE\]')" = 1
check "streaming across nodes carries the reply" grep -q "across" <<<"$stream"

# SIGKILL one pool under load: every request must still be answered 200 (turns of the dead pool that had not
# reached their client run again on the surviving pool).
: >"$WORK/load.txt"
for i in $(seq 1 10); do
  curl -s -o /dev/null -w "%{http_code}\n" --max-time 60 -H "Authorization: Bearer sk-cluster-one" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$API1/v1/chat/completions" \
    -d '{"model":"claude-sonnet-4-6","max_completion_tokens":8,"messages":[{"role":"user","content":"MOCK_SLOW 250 under load request '"$i"'"}]}' >>"$WORK/load.txt" &
done
sleep 1.5
kill -KILL "$POOL1_PID"
log "killed pool1 (pid $POOL1_PID) under load"
wait_load() { for _ in $(seq 1 120); do [ "$(wc -l <"$WORK/load.txt")" -ge 10 ] && return 0; sleep 0.5; done; return 1; }
check "every request under load was answered" wait_load
check "every request under load got 200 despite the dead pool ($(sort "$WORK/load.txt" | uniq -c | tr '\n' ' '))" \
  test "$(grep -c '^200$' "$WORK/load.txt")" = 10
one_pool() { for _ in $(seq 1 30); do [ "$(pools_seen "$API1")" = 1 ] && return 0; sleep 0.5; done; return 1; }
check "the dead pool leaves /stats within seconds" one_pool
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H "Authorization: Bearer sk-cluster-one" -H 'Content-Type: application/json' "http://127.0.0.1:$API1/v1/chat/completions" \
  -d '{"model":"claude-sonnet-4-6","messages":[{"role":"user","content":"after the kill"}]}')
check "new requests go to the surviving pool" test "$code" = 200

# Live configuration: add a key, remove one, on every api node, without restarts.
code_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $2" "http://127.0.0.1:$1/v1/models"; }
write_conf "sk-cluster-one, sk-cluster-three"
wait_code() {
  local port=$1 key=$2 want=$3
  for _ in $(seq 1 20); do [ "$(code_of "$port" "$key")" = "$want" ] && return 0; sleep 0.5; done
  return 1
}
for port in "$API1" "$API2"; do
  check "added key works on :$port within seconds" wait_code "$port" sk-cluster-three 200
  check "removed key fails on :$port within seconds" wait_code "$port" sk-cluster-two 401
  check "kept key still works on :$port" wait_code "$port" sk-cluster-one 200
done
echo "api: [broken" >>"$CONF"
sleep 2
for port in "$API1" "$API2"; do
  check "a broken edit leaves :$port on the running configuration" wait_code "$port" sk-cluster-three 200
done
grep -q "configuration change rejected" "$WORK/api1.log" "$WORK/store.log" "$WORK/pool2.log"
check "the broken edit is logged as rejected" test $? = 0

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
