#!/usr/bin/env bash
# End-to-end suite for an already running Axon gateway: bash + curl + jq, nothing else.
#
#   AXON_TEST_URL=http://localhost:3000 AXON_TEST_KEY=sk-... scripts/e2e-test.sh
#
# Configuration (environment):
#   AXON_TEST_URL          gateway base URL                       (default http://localhost:3000)
#   AXON_TEST_KEY          a valid API key                        (default sk-axon-dev)
#   AXON_TEST_KEY2         a second valid key, for ownership checks (skipped when unset)
#   AXON_TEST_MODEL        model for the chat requests            (default claude-sonnet-4-6)
#   AXON_TEST_BURST        concurrent requests in the bounded-growth burst (default 24; 0 skips it)
#   AXON_TEST_POOL_MAX     the gateway's per-model pool max; when set, the burst checks that no model's
#                          idle+busy+pending ever exceeded it
#   AXON_TEST_PROVIDER     the gateway's provider (mock, claude-code, anthropic): picks how history is checked
#   AXON_TEST_TIMEOUT      per-request curl --max-time in seconds (default 15)
#   AXON_TEST_LIMITED_KEY  a key limited to AXON_TEST_LIMITED_RPM requests per minute and used by nothing else;
#                          the suite bursts past the limit and checks the 429 and the x-ratelimit-* headers
#                          (skipped when unset)
#   AXON_TEST_LIMITED_RPM  that key's requestsPerMinute (default 5)
#   AXON_CONFORMANCE_DIR   folder with validate.mjs and node_modules (e.g. shared/conformance after
#                          `npm ci`); when set and node is installed, payloads are schema-validated
#   AXON_TEST_CLAUDE_BIN   the claude CLI the Anthropic section drives as a client (default: the repository's
#                          tools/claude-code/node_modules/.bin/claude; skipped, visibly, when it does not run)
#
# Every check prints "PASS name" or "FAIL name (details)"; the last line is "N passed, M failed" and
# the exit code is 1 when M > 0 (2 when curl or jq is missing).
set -u

BASE=${AXON_TEST_URL:-http://localhost:3000}
BASE=${BASE%/}
KEY=${AXON_TEST_KEY:-sk-axon-dev}
KEY2=${AXON_TEST_KEY2:-}
MODEL=${AXON_TEST_MODEL:-claude-sonnet-4-6}
BURST=${AXON_TEST_BURST:-24}
POOL_MAX=${AXON_TEST_POOL_MAX:-}
TIMEOUT=${AXON_TEST_TIMEOUT:-15}
CONFORMANCE_DIR=${AXON_CONFORMANCE_DIR:-}
PROVIDER=${AXON_TEST_PROVIDER:-}
LIMITED_KEY=${AXON_TEST_LIMITED_KEY:-}
LIMITED_RPM=${AXON_TEST_LIMITED_RPM:-5}

for tool in curl jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "e2e-test.sh: $tool is required" >&2
    exit 2
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/axon-e2e.XXXXXX") || exit 2
# On exit, stop this shell's own background requests that are still running (by pid), then clean up.
cleanup() {
  local pid
  for pid in $(jobs -rp); do
    kill "$pid" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

STARTED=$(date +%s)
PASSED=0
FAILED=0
SKIPPED=0
STATUS=000   # HTTP status of the last request made with http()
BODY=$WORK/body
HEADERS=$WORK/headers

# ----------------------------------------------------------------------------------------------- helpers

# check NAME COMMAND...: runs the command quietly; exit 0 is a pass. Details on failure name the
# condition and the last HTTP exchange (or $DETAIL when a check sets it).
check() {
  local name=$1
  shift
  if "$@" >/dev/null 2>&1; then
    PASSED=$((PASSED + 1))
    echo "PASS $name"
  else
    FAILED=$((FAILED + 1))
    if [ -n "$DETAIL" ]; then
      echo "FAIL $name ($DETAIL)"
    else
      echo "FAIL $name (expected: $*; last HTTP $STATUS: $(snippet "$BODY"))"
    fi
  fi
  DETAIL=
}
DETAIL=

skip() {
  SKIPPED=$((SKIPPED + 1))
  echo "SKIP $1"
}

section() {
  echo "--- $1"
}

# The first 300 characters of a file on one line.
snippet() {
  if [ -s "$1" ]; then
    tr '\n' ' ' <"$1" | cut -c1-300
  else
    echo "<empty>"
  fi
}

# ids_of FILE: the conversation ids of a /v1/conversations page, one per line.
ids_of() { jq -r '.data[]?.id' "$1" 2>/dev/null; }

# usage_total FIELD [KEY]: today's (UTC) total of FIELD in GET /v1/usage for the key, or "none".
usage_total() {
  local today
  today=$(date -u +%F)
  http GET "/v1/usage?from=$today&to=$today" "" "${2-$KEY}"
  if [ "$STATUS" = 200 ]; then jq -r --arg f "$1" '.total[$f]' "$BODY"; else echo none; fi
}

# http METHOD PATH [JSON_BODY] [KEY]: one request; the body lands in $BODY, headers in $HEADERS, the
# status in $STATUS (000 when the gateway did not answer). Pass KEY='' to send no Authorization header.
http() {
  local method=$1 path=$2 data=${3-} key=${4-$KEY}
  local args=(-sS --max-time "$TIMEOUT" -X "$method" -o "$BODY" -D "$HEADERS" -w '%{http_code}')
  [ -n "$key" ] && args+=(-H "Authorization: Bearer $key")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
  : >"$BODY"
  : >"$HEADERS"
  STATUS=$(curl "${args[@]}" "$BASE$path" 2>"$WORK/curl.err")
  [ -n "$STATUS" ] || STATUS=000
}

# stream JSON_BODY OUT [KEY]: a streamed chat completion; the raw SSE body lands in OUT, the JSON chunks
# (every data: payload but [DONE]) one per line in OUT.chunks, the last data: payload in OUT.last.
stream() {
  local data=$1 out=$2 key=${3-$KEY}
  : >"$HEADERS"
  STATUS=$(curl -sS -N --max-time "$TIMEOUT" -X POST -o "$out" -D "$HEADERS" -w '%{http_code}' \
    -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -H 'Accept: text/event-stream' \
    --data-binary "$data" "$BASE/v1/chat/completions" 2>"$WORK/curl.err")
  [ -n "$STATUS" ] || STATUS=000
  cp "$out" "$BODY"
  sed -n -E 's/^data: ?//p' "$out" | tr -d '\r' >"$out.data"
  grep -v -x '\[DONE\]' "$out.data" >"$out.chunks"
  tail -n 1 "$out.data" >"$out.last"
}

# Conditions for check.
status_is() { [ "$STATUS" = "$1" ]; }
is() { [ "$1" = "$2" ]; }
starts_with() { case "$1" in "$2"*) return 0 ;; *) return 1 ;; esac; }
contains() { case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac; }
jqb() { jq -e "$@" "$BODY"; }                       # filter over the last body
jqf() { local f=$1; shift; jq -e "$@" "$f"; }         # filter over a file
jqs() { local f=$1; shift; jq -e -s "$@" "$f"; }      # filter over a file of JSON lines, slurped
header() { tr -d '\r' <"$HEADERS" | grep -i "^$1:" | tail -n 1 | cut -d: -f2- | sed 's/^ *//'; }
has_header() { [ -n "$(header "$1")" ]; }
is_openai_error() {
  jq -e '(.error | type == "object") and (.error.message | type == "string") and (.error.message != "")
         and (.error.type | type == "string") and (.error | has("param")) and (.error | has("code"))' "${1:-$BODY}"
}

# chat_body TEXT [EXTRA_JSON]: a one-user-message request for $MODEL, merged with EXTRA_JSON.
chat_body() {
  jq -nc --arg m "$MODEL" --arg c "$1" --argjson x "${2:-"{}"}" '{model: $m, messages: [{role: "user", content: $c}]} + $x'
}

# continue_body CONVERSATION_ID TEXT [EXTRA_JSON]: the next user message of a stored conversation.
continue_body() {
  chat_body "$2" "$(jq -nc --arg id "$1" --argjson x "${3:-"{}"}" '{conversation_id: $id} + $x')"
}

# message_count ID [KEY]: the stored conversation's message_count, or "none".
message_count() {
  http GET "/v1/conversations/$1" "" "${2-$KEY}"
  if [ "$STATUS" = 200 ]; then jq -r '.message_count' "$BODY"; else echo none; fi
}

# stats_snapshot: one /stats body on stdout (empty when the gateway does not answer 200).
stats_snapshot() {
  curl -sS --max-time 5 -H "Authorization: Bearer $KEY" "$BASE/stats" 2>/dev/null
}

# wait_idle: until /stats shows no busy, pending or waiting session (at most ~5 s), so pool counters settle.
wait_idle() {
  local i snap
  for i in $(seq 50); do
    snap=$(stats_snapshot)
    echo "$snap" | jq -e '.sessions | type == "object"' >/dev/null 2>&1 || return 1   # no stats to wait on
    echo "$snap" | jq -e '.sessions.busy == 0 and .sessions.pending == 0 and .sessions.waiting == 0' \
      >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

save() { cp "$BODY" "$WORK/$1"; }

# plus N VALUE: VALUE + N when VALUE is a number, "n/a" otherwise (never trips set -u arithmetic).
plus() {
  case $2 in
    '' | *[!0-9]*) echo "n/a" ;;
    *) echo $(($2 + $1)) ;;
  esac
}

echo "Axon e2e against $BASE (model $MODEL)"

# ----------------------------------------------------------------------------------------------- ops
section "health and stats"
http GET /healthz "" ""
check "GET /healthz answers 200" status_is 200
if [ "$STATUS" = 000 ]; then
  echo "  the gateway at $BASE does not answer ($(snippet "$WORK/curl.err")); stopping"
  echo "$PASSED passed, $FAILED failed"
  exit 1
fi
http GET /health "" ""
check "GET /health answers 200" status_is 200
check "GET /health status is ok" jqb '.status == "ok"'

http GET /stats
check "GET /stats answers 200" status_is 200
check "GET /stats has sessions" jqb '.sessions | type == "object" and (.idle | type == "number") and (.busy | type == "number")'
check "GET /stats has conversations" jqb '.conversations | type == "number"'
check "GET /stats has pool counters" jqb '.pool.counters | has("acquire") and has("release") and has("discard")'
CONVERSATIONS_BEFORE=$(jq -r '.conversations // 0' "$BODY" 2>/dev/null)

http GET /stats "" ""
check "GET /stats without a key answers 401" status_is 401

section "models"
http GET /v1/models
check "GET /v1/models answers 200" status_is 200
check "models: object is list" jqb '.object == "list"'
for m in claude-opus-4-6 claude-sonnet-4-6 claude-haiku-4-5; do
  check "models: lists $m" jqb --arg m "$m" 'any(.data[]; .id == $m and .object == "model")'
done
save models.json

# ----------------------------------------------------------------------------------------------- auth and validation
section "auth and validation"
http POST /v1/chat/completions "$(chat_body hello)" ""
check "missing key answers 401" status_is 401
check "missing key: OpenAI error body" is_openai_error
save error-401.json
http POST /v1/chat/completions "$(chat_body hello)" "sk-e2e-definitely-not-a-key"
check "wrong key answers 401" status_is 401
check "wrong key: OpenAI error body" is_openai_error

http POST /v1/chat/completions "$(jq -nc --arg m "$MODEL" '{model: $m, messages: []}')"
check "empty messages answers 400" status_is 400
check "empty messages: OpenAI error body" is_openai_error

http POST /v1/chat/completions "$(continue_body conv-e2e-does-not-exist hello)"
check "unknown conversation_id on POST answers 404" status_is 404
http GET /v1/conversations/conv-e2e-does-not-exist
check "unknown conversation on GET answers 404" status_is 404
check "unknown conversation: OpenAI error body" is_openai_error

# ----------------------------------------------------------------------------------------------- response shape
section "response shape"
NOW=$(date +%s)
http POST /v1/chat/completions "$(chat_body 'Say hello to the e2e suite')"
check "plain completion answers 200" status_is 200
save plain.json
check "shape: id starts with chatcmpl-" jqb '.id | type == "string" and startswith("chatcmpl-")'
check "shape: object is chat.completion" jqb '.object == "chat.completion"'
check "shape: created is an integer in seconds" jqb '.created | type == "number" and . == floor and . > 1000000000 and . < 100000000000'
check "shape: created is close to now" jqb --argjson now "$NOW" '(.created - $now) | fabs < 86400'
check "shape: model equals the requested name" jqb --arg m "$MODEL" '.model == $m'
check "shape: system_fingerprint present" jqb '.system_fingerprint | type == "string" and length > 0'
check "shape: choices is a one-element array" jqb '.choices | type == "array" and length == 1'
check "shape: choices[0].index is 0" jqb '.choices[0].index == 0'
check "shape: message role is assistant" jqb '.choices[0].message.role == "assistant"'
check "shape: message content is a string" jqb '.choices[0].message.content | type == "string" and length > 0'
check "shape: message refusal is null" jqb '.choices[0].message | has("refusal") and .refusal == null'
check "shape: logprobs is null" jqb '.choices[0] | has("logprobs") and .logprobs == null'
check "shape: finish_reason is stop" jqb '.choices[0].finish_reason == "stop"'
check "shape: usage.prompt_tokens is an integer" jqb '.usage.prompt_tokens | type == "number" and . == floor and . >= 0'
check "shape: usage.completion_tokens is an integer" jqb '.usage.completion_tokens | type == "number" and . == floor and . > 0'
check "shape: usage.total_tokens is an integer" jqb '.usage.total_tokens | type == "number" and . == floor'
check "shape: usage total = prompt + completion" jqb '.usage.total_tokens == .usage.prompt_tokens + .usage.completion_tokens'
check "shape: conversation_id starts with conv-" jqb '.conversation_id | type == "string" and startswith("conv-")'
check "shape: content type is application/json" contains "$(header content-type)" application/json

# ----------------------------------------------------------------------------------------------- conversation
section "three-turn conversation"
NAME="Zephyrine$RANDOM"
http POST /v1/chat/completions "$(chat_body "Hello! My name is $NAME and I collect old maps.")"
check "turn 1 answers 200" status_is 200
CONV=$(jq -r '.conversation_id // empty' "$BODY" 2>/dev/null)
check "turn 1 returns a conversation_id" starts_with "$CONV" conv-

http POST /v1/chat/completions "$(continue_body "$CONV" 'What is my name?')"
check "turn 2 (recall) answers 200" status_is 200
check "turn 2 keeps the conversation_id" jqb --arg c "$CONV" '.conversation_id == $c'
check "turn 2 recall reply contains the name" jqb --arg n "$NAME" '.choices[0].message.content | contains($n)'
# Providers that send the conversation as messages report their count; the claude-code provider writes it into
# one structured turn, which the mock upstream echoes, so there the turns are counted in the echo.
saw_history() {
  local slurp=${2:+-s}
  if [ "$PROVIDER" = claude-code ]; then
    jq $slurp -e '[(if type == "array" then [.[].choices[0].delta.content // ""] | join("") else .choices[0].message.content end)
      | scan("<turn role=")] | length >= 3' "$1" >/dev/null 2>&1
  else
    jq $slurp -e '(if type == "array" then [.[].choices[0].delta.content // ""] | join("") else .choices[0].message.content end)
      | contains("I received 3 messages")' "$1" >/dev/null 2>&1
  fi
}
DETAIL="provider ${PROVIDER:-mock}"
check "turn 2 saw the whole history (3 messages)" saw_history "$BODY"

http POST /v1/chat/completions "$(continue_body "$CONV" 'Please summarise our conversation.')"
check "turn 3 (summary) answers 200" status_is 200
check "turn 3 keeps the conversation_id" jqb --arg c "$CONV" '.conversation_id == $c'

http GET "/v1/conversations/$CONV"
check "GET conversation answers 200" status_is 200
check "conversation: id and object" jqb --arg c "$CONV" '.id == $c and .object == "conversation"'
check "conversation: message_count is 6" jqb '.message_count == 6'
check "conversation: 6 messages" jqb '.messages | length == 6'
check "conversation: roles alternate user/assistant" jqb '[.messages[].role] == ["user","assistant","user","assistant","user","assistant"]'
check "conversation: first message introduces the name" jqb --arg n "$NAME" '.messages[0].content | contains($n)'
check "conversation: created and updated are integers" jqb '.created as $c | ($c | type == "number" and . == floor) and (.updated | type == "number" and . == floor and . >= $c)'

# ----------------------------------------------------------------------------------------------- parameters
section "request parameters"
KITCHEN_SINK=$(jq -nc --arg m "$MODEL" '{
  model: $m,
  messages: [{role: "system", content: "You are a helpful assistant."},
             {role: "user", content: "Kitchen sink: every OpenAI parameter at once."}],
  temperature: 0.7, top_p: 0.9, n: 1, stop: ["ZZZ-never-appears"], max_tokens: 500,
  presence_penalty: 0.1, frequency_penalty: 0.2, logit_bias: {"50256": -100}, logprobs: false,
  seed: 42, user: "e2e-user", metadata: {suite: "e2e"}, service_tier: "auto",
  tools: [{type: "function", function: {name: "lookup_weather", description: "Weather for a city",
           parameters: {type: "object", properties: {city: {type: "string"}}, required: ["city"]}}}],
  tool_choice: "none", parallel_tool_calls: true, response_format: {type: "text"},
  stream: false, stream_options: null, store: true, modalities: ["text"], reasoning_effort: "low",
  prediction: {type: "content", content: "Kitchen sink"}, web_search_options: {}, audio: null,
  max_completion_tokens: null
}')
echo "$KITCHEN_SINK" >"$WORK/kitchen-sink.request.json"
http POST /v1/chat/completions "$KITCHEN_SINK"
check "kitchen-sink request answers 200" status_is 200
check "kitchen-sink: finish_reason stop" jqb '.choices[0].finish_reason == "stop"'
check "kitchen-sink: plain text content, no tool calls" jqb '(.choices[0].message.content | type == "string") and ((.choices[0].message.tool_calls // []) | length == 0)'

http POST /v1/chat/completions "$(chat_body 'Reply in JSON please' '{"response_format":{"type":"json_object"}}')"
check "json_object answers 200" status_is 200
check "json_object: content parses as a JSON object" jqb '.choices[0].message.content | fromjson | type == "object"'

http POST /v1/chat/completions "$(jq -nc --arg m "$MODEL" '{model: $m, messages: [
  {role: "system", content: "You are a pirate."}, {role: "user", content: "Ahoy there"}]}')"
check "system message answers 200" status_is 200
check "system message: reply answers the user message" jqb '.choices[0].message.content | contains("Ahoy there")'

http POST /v1/chat/completions "$(chat_body 'Tell me a long story about the sea' '{"max_completion_tokens":5}')"
check "max_completion_tokens answers 200" status_is 200
check "max_completion_tokens 5: finish_reason length" jqb '.choices[0].finish_reason == "length"'
check "max_completion_tokens 5: completion_tokens 5" jqb '.usage.completion_tokens == 5'

http POST /v1/chat/completions "$(jq -nc '{model: "gpt-4o", messages: [{role: "user", content: "Hello via an alias"}]}')"
check "gpt-4o alias answers 200" status_is 200
check "gpt-4o alias: model echoed as gpt-4o" jqb '.model == "gpt-4o"'

# ----------------------------------------------------------------------------------------------- streaming
section "streaming"
S1=$WORK/stream1.sse
stream "$(chat_body 'Stream me a greeting' '{"stream":true}')" "$S1"
check "stream answers 200" status_is 200
check "stream: content type text/event-stream" contains "$(header content-type)" text/event-stream
check "stream: data: lines" test -s "$S1.chunks"
check "stream: ends with data: [DONE]" is "$(cat "$S1.last")" "[DONE]"
check "stream: every data: line but [DONE] is JSON" jqs "$S1.chunks" 'length > 0'
check "stream: every chunk is chat.completion.chunk" jqs "$S1.chunks" 'all(.[]; .object == "chat.completion.chunk")'
check "stream: first chunk delta role assistant" jqs "$S1.chunks" '.[0].choices[0].delta.role == "assistant"'
check "stream: first chunk carries conversation_id" jqs "$S1.chunks" '.[0].conversation_id | type == "string" and startswith("conv-")'
check "stream: a chunk with finish_reason stop" jqs "$S1.chunks" 'any(.[]; .choices[0].finish_reason == "stop")'
check "stream: system_fingerprint on every chunk" jqs "$S1.chunks" 'all(.[]; .system_fingerprint | type == "string" and length > 0)'
check "stream: logprobs null" jqs "$S1.chunks" 'all(.[]; .choices[] | has("logprobs") and .logprobs == null)'
check "stream: id starts with chatcmpl-" jqs "$S1.chunks" '.[0].id | startswith("chatcmpl-")'
check "stream: same id on all chunks" jqs "$S1.chunks" '[.[].id] | unique | length == 1'
check "stream: model echoed on every chunk" jqs "$S1.chunks" --arg m "$MODEL" 'all(.[]; .model == $m)'
check "stream: content deltas assemble the reply" jqs "$S1.chunks" '[.[].choices[0].delta.content // ""] | join("") | contains("Stream me a greeting")'
SCONV=$(jq -r -s '.[0].conversation_id // empty' "$S1.chunks" 2>/dev/null)

S2=$WORK/stream2.sse
stream "$(continue_body "$SCONV" 'And now continue streaming' '{"stream":true}')" "$S2"
check "streamed continuation answers 200" status_is 200
check "streamed continuation: ends with [DONE]" is "$(cat "$S2.last")" "[DONE]"
check "streamed continuation: same conversation_id" jqs "$S2.chunks" --arg c "$SCONV" 'all(.[]; .conversation_id == $c)'
check "streamed continuation: saw the history" saw_history "$S2.chunks" slurp

S3=$WORK/stream3.sse
stream "$(chat_body 'Count my tokens' '{"stream":true,"stream_options":{"include_usage":true}}')" "$S3"
check "include_usage stream answers 200" status_is 200
check "include_usage: ends with [DONE]" is "$(cat "$S3.last")" "[DONE]"
check "include_usage: last chunk has choices [] and usage" jqs "$S3.chunks" '.[-1] | (.choices == []) and (.usage | type == "object")'
check "include_usage: usage total = prompt + completion" jqs "$S3.chunks" '.[-1].usage | .total_tokens == .prompt_tokens + .completion_tokens and .completion_tokens > 0'
check "include_usage: other chunks have usage null" jqs "$S3.chunks" 'all(.[:-1][]; .usage == null)'

http GET "/v1/conversations/$SCONV"
check "streamed conversation stored" status_is 200
check "streamed conversation has >= 4 messages" jqb '.message_count >= 4 and (.messages | length) >= 4'

# ----------------------------------------------------------------------------------------------- ownership
section "ownership"
if [ -n "$KEY2" ]; then
  http GET "/v1/conversations/$CONV" "" "$KEY2"
  check "second key gets 404 on GET of another key's conversation" status_is 404
  http POST /v1/chat/completions "$(continue_body "$CONV" 'I am someone else')" "$KEY2"
  check "second key gets 404 continuing another key's conversation" status_is 404
  check "ownership: the owner's history is unchanged" is "$(message_count "$CONV")" 6
  http GET "/v1/conversations?limit=100" "" "$KEY2"
  check "second key's list answers 200" status_is 200
  DETAIL="second key's list: $(snippet "$BODY")"
  check "second key's list does not show another key's conversation" test -z "$(ids_of "$BODY" | grep -x "$CONV")"
  http DELETE "/v1/conversations/$CONV" "" "$KEY2"
  check "second key gets 404 deleting another key's conversation" status_is 404
  check "ownership: the owner's conversation survives a stranger's delete" is "$(message_count "$CONV")" 6
else
  skip "ownership checks (set AXON_TEST_KEY2 to a second valid key)"
fi

# ----------------------------------------------------------------------------------------------- conversation management
section "conversation management"
http GET "/v1/conversations?limit=100"
check "GET /v1/conversations answers 200" status_is 200
check "list: object is list" jqb '.object == "list" and (.data | type == "array") and (.has_more | type == "boolean")'
check "list: shows the three-turn conversation" jqb --arg c "$CONV" 'any(.data[]; .id == $c and .object == "conversation" and .message_count == 6)'
check "list: items carry no messages" jqb 'all(.data[]; has("messages") | not)'
check "list: newest first" jqb '[.data[].created] as $c | $c == ($c | sort | reverse)'
http GET "/v1/conversations?limit=1"
check "list limit=1: one item and has_more" jqb '(.data | length == 1) and .has_more == true and .first_id == .last_id'
FIRST=$(jq -r '.last_id // empty' "$BODY" 2>/dev/null)
http GET "/v1/conversations?limit=1&after=$FIRST"
check "list after the first: the next one" jqb --arg f "$FIRST" '(.data | length == 1) and .data[0].id != $f'
http GET "/v1/conversations?limit=1000"
check "list limit=1000 answers 400" status_is 400
check "list limit=1000: OpenAI error body" is_openai_error

http POST /v1/chat/completions "$(chat_body 'A conversation to delete')"
DCONV=$(jq -r '.conversation_id // empty' "$BODY" 2>/dev/null)
check "deletion fixture conversation created" starts_with "$DCONV" conv-
http DELETE "/v1/conversations/$DCONV"
check "DELETE answers 200" status_is 200
check "DELETE: OpenAI deletion shape" jqb --arg c "$DCONV" '. == {id: $c, object: "conversation.deleted", deleted: true}'
http GET "/v1/conversations/$DCONV"
check "deleted conversation: GET answers 404" status_is 404
http POST /v1/chat/completions "$(continue_body "$DCONV" 'Still there?')"
check "deleted conversation: continuing answers 404" status_is 404
http DELETE "/v1/conversations/$DCONV"
check "deleting twice answers 404" status_is 404
http GET "/v1/conversations?limit=100"
DETAIL="list after delete: $(snippet "$BODY")"
check "deleted conversation: gone from the list" test -z "$(ids_of "$BODY" | grep -x "$DCONV")"
http DELETE "/v1/conversations/..%2F..%2Fetc%2Fpasswd"
check "DELETE with a traversal id answers 400" status_is 400
check "traversal id: OpenAI error body" is_openai_error

http POST /v1/chat/completions "$(chat_body 'Do not keep this' '{"store":false}')"
check "store:false answers 200" status_is 200
check "store:false: no conversation_id" jqb 'has("conversation_id") | not'

# ----------------------------------------------------------------------------------------------- usage
section "usage metering"
today=$(date -u +%F)
http GET "/v1/usage?from=$today&to=$today"
check "GET /v1/usage answers 200" status_is 200
check "usage: shape" jqb '.object == "usage" and (.total | has("requests") and has("prompt_tokens") and has("completion_tokens") and has("cached_tokens") and has("total_tokens")) and (.models | type == "array") and (.days | type == "array")'
U_REQ=$(jq -r '.total.requests // 0' "$BODY" 2>/dev/null)
U_PROMPT=$(jq -r '.total.prompt_tokens // 0' "$BODY" 2>/dev/null)
U_COMPLETION=$(jq -r '.total.completion_tokens // 0' "$BODY" 2>/dev/null)
SENT_PROMPT=0
SENT_COMPLETION=0
for text in 'Meter one' 'Meter two, a little longer' 'Meter three is the longest of these three requests'; do
  http POST /v1/chat/completions "$(chat_body "$text" '{"store":false}')"
  SENT_PROMPT=$((SENT_PROMPT + $(jq -r '.usage.prompt_tokens // 0' "$BODY" 2>/dev/null)))
  SENT_COMPLETION=$((SENT_COMPLETION + $(jq -r '.usage.completion_tokens // 0' "$BODY" 2>/dev/null)))
done
usage_settled() {
  local i
  for i in $(seq 30); do
    [ "$(usage_total requests)" = "$((U_REQ + 3))" ] && return 0
    sleep 0.1
  done
  return 1
}
DETAIL="requests before $U_REQ, now $(usage_total requests)"
check "usage: requests grew by exactly 3" usage_settled
http GET "/v1/usage?from=$today&to=$today"
check "usage: prompt tokens grew by the 3 responses' prompt tokens" jqb --argjson n "$((U_PROMPT + SENT_PROMPT))" '.total.prompt_tokens == $n'
check "usage: completion tokens grew by the 3 responses' completion tokens" jqb --argjson n "$((U_COMPLETION + SENT_COMPLETION))" '.total.completion_tokens == $n'
check "usage: total = prompt + completion" jqb '.total.total_tokens == .total.prompt_tokens + .total.completion_tokens'
check "usage: today is listed" jqb --arg d "$today" 'any(.days[]; .date == $d)'
http GET "/v1/usage?from=not-a-date"
check "usage with a bad date answers 400" status_is 400
if [ -n "$KEY2" ]; then
  http GET "/v1/usage?key=*" "" "$KEY2"
  check "a non-admin key reading the totals gets 403" status_is 403
fi

# ----------------------------------------------------------------------------------------------- limits
section "per-key limits"
if [ -n "$LIMITED_KEY" ]; then
  LDIR=$WORK/limits
  mkdir -p "$LDIR"
  for i in $(seq $((LIMITED_RPM + 2))); do
    curl -sS --max-time "$TIMEOUT" -o "$LDIR/$i.body" -D "$LDIR/$i.headers" -w '%{http_code}' \
      -H "Authorization: Bearer $LIMITED_KEY" -H 'Content-Type: application/json' \
      --data-binary "$(chat_body "limited $i" '{"store":false}')" "$BASE/v1/chat/completions" >"$LDIR/$i.status" 2>/dev/null
  done
  lheader() { tr -d '\r' <"$LDIR/$1.headers" | grep -i "^$2:" | tail -n 1 | cut -d: -f2- | sed 's/^ *//'; }
  echo "  limited burst: $(for i in $(seq $((LIMITED_RPM + 2))); do printf '%s ' "$(cat "$LDIR/$i.status")"; done)"
  check "limits: the first request is allowed" is "$(cat "$LDIR/1.status")" 200
  check "limits: x-ratelimit-limit-requests on a 200" is "$(lheader 1 x-ratelimit-limit-requests)" "$LIMITED_RPM"
  check "limits: x-ratelimit-remaining-requests on a 200" is "$(lheader 1 x-ratelimit-remaining-requests)" "$((LIMITED_RPM - 1))"
  check "limits: x-ratelimit-reset-requests on a 200" test -n "$(lheader 1 x-ratelimit-reset-requests)"
  LAST=$((LIMITED_RPM + 2))
  check "limits: a burst past the per-minute limit gets 429" is "$(cat "$LDIR/$LAST.status")" 429
  check "limits: 429 code rate_limit_exceeded" jqf "$LDIR/$LAST.body" '.error.code == "rate_limit_exceeded"'
  check "limits: 429 is an OpenAI error body" is_openai_error "$LDIR/$LAST.body"
  check "limits: 429 carries Retry-After" test -n "$(lheader "$LAST" retry-after)"
  check "limits: 429 carries x-ratelimit-limit-requests" is "$(lheader "$LAST" x-ratelimit-limit-requests)" "$LIMITED_RPM"
  check "limits: 429 carries x-ratelimit-remaining-requests 0" is "$(lheader "$LAST" x-ratelimit-remaining-requests)" 0
  check "limits: 429 carries x-ratelimit-reset-requests" test -n "$(lheader "$LAST" x-ratelimit-reset-requests)"
  http GET /v1/models "" "$KEY"
  check "limits: an unlimited key has no x-ratelimit headers" test -z "$(header x-ratelimit-limit-requests)"
else
  skip "per-key limits (set AXON_TEST_LIMITED_KEY to a key limited to AXON_TEST_LIMITED_RPM requests per minute)"
fi

# ----------------------------------------------------------------------------------------------- hostile input
section "hostile input"
http POST /v1/chat/completions '{"model":"gpt-4o","model":"gpt-4","messages":[{"role":"user","content":"hi"}]}'
check "duplicate keys answer 400" status_is 400
http POST /v1/chat/completions "$(jq -nc --arg m "$MODEL" '{model: $m, messages: [{role: "user", content: "hi"}], conversation_id: "../../etc/passwd"}')"
check "a traversal conversation_id answers 400" status_is 400
check "traversal conversation_id: OpenAI error body" is_openai_error
STATUS=$(curl -sS --max-time "$TIMEOUT" -o "$BODY" -w '%{http_code}' -H "Authorization: Bearer $KEY" -H 'Content-Type: text/plain' \
  --data-binary "$(chat_body hi)" "$BASE/v1/chat/completions" 2>/dev/null)
check "a text/plain body answers 400" status_is 400
STATUS=$(printf '{"model":"%s","messages":[{"role":"user","content":"\xc3\x28"}]}' "$MODEL" | curl -sS --max-time "$TIMEOUT" -o "$BODY" \
  -w '%{http_code}' -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @- "$BASE/v1/chat/completions" 2>/dev/null)
check "invalid UTF-8 answers 400" status_is 400
check "invalid UTF-8: OpenAI error body" is_openai_error

# ----------------------------------------------------------------------------------------------- failures
section "failed turns"
http POST /v1/chat/completions "$(chat_body 'A conversation that will see failures')"
FCONV=$(jq -r '.conversation_id // empty' "$BODY" 2>/dev/null)
check "failure fixture conversation created" starts_with "$FCONV" conv-
FCOUNT=$(message_count "$FCONV")

http POST /v1/chat/completions "$(continue_body "$FCONV" 'MOCK_FAIL')"
check "MOCK_FAIL answers 502" status_is 502
check "MOCK_FAIL: OpenAI error body" is_openai_error
save error-502.json
check "MOCK_FAIL: message_count unchanged" is "$(message_count "$FCONV")" "$FCOUNT"

F1=$WORK/midstream.sse
stream "$(continue_body "$FCONV" 'MOCK_FAIL_MIDSTREAM' '{"stream":true}')" "$F1"
check "MOCK_FAIL_MIDSTREAM stream answers 200" status_is 200
check "midstream: some content arrived before the error" jqs "$F1.chunks" 'any(.[]; (.choices[0].delta.content // "") != "")'
check "midstream: exactly 3 words before the error" jqs "$F1.chunks" '[.[] | .choices[0].delta.content // empty] | join("") | [splits(" +")] | map(select(. != "")) | length == 3'
check "midstream: error event before [DONE]" jq -e -s '.[-1] | has("error") and (.error.message | type == "string")' "$F1.chunks"
check "midstream: ends with [DONE]" is "$(cat "$F1.last")" "[DONE]"
check "midstream: no chunk finished with stop" jqs "$F1.chunks" 'all(.[]; (.choices // [])[0].finish_reason != "stop")'
check "midstream: message_count unchanged" is "$(message_count "$FCONV")" "$FCOUNT"

http POST /v1/chat/completions "$(continue_body "$FCONV" 'Still there after the failures?')"
check "conversation usable after failed turns" status_is 200
check "after failures: history has only the good turns" is "$(message_count "$FCONV")" "$(plus 2 "$FCOUNT")"

# ----------------------------------------------------------------------------------------------- racing turns
section "racing turns"
RCOUNT=$(message_count "$FCONV")
RACE=$WORK/race
curl -sS --max-time "$TIMEOUT" -o "$RACE.body" -w '%{http_code}' -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' \
  --data-binary "$(continue_body "$FCONV" 'MOCK_SLOW 200' '{"max_completion_tokens":6}')" \
  "$BASE/v1/chat/completions" >"$RACE.status" 2>/dev/null &
RACE_PID=$!
# Wait until the slow turn holds a session (so it surely holds the conversation), at most ~2 s.
for _ in $(seq 40); do
  SNAP=$(stats_snapshot)
  echo "$SNAP" | jq -e '.sessions.busy >= 1' >/dev/null 2>&1 && break
  echo "$SNAP" | jq -e '.sessions | type == "object"' >/dev/null 2>&1 || { sleep 0.3; break; }   # no stats: just wait a bit
  sleep 0.05
done
http POST /v1/chat/completions "$(continue_body "$FCONV" 'Me too, right now')"
check "second racing turn answers 409" status_is 409
check "409: OpenAI error body" is_openai_error
wait "$RACE_PID"
DETAIL="first turn got HTTP $(cat "$RACE.status" 2>/dev/null): $(snippet "$RACE.body")"
check "first racing turn answers 200" is "$(cat "$RACE.status" 2>/dev/null)" 200
check "racing: only the winning turn was stored" is "$(message_count "$FCONV")" "$(plus 2 "$RCOUNT")"

# ----------------------------------------------------------------------------------------------- bounded growth
section "bounded growth"
if [ "$BURST" -gt 0 ] 2>/dev/null; then
  BDIR=$WORK/burst
  mkdir -p "$BDIR"
  BURST_BODY=$(chat_body 'MOCK_SLOW 300' '{"max_completion_tokens":2}')
  BURST_PIDS=()
  for i in $(seq "$BURST"); do
    curl -sS --max-time 45 -o "$BDIR/$i.body" -D "$BDIR/$i.headers" -w '%{http_code}' \
      -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary "$BURST_BODY" \
      "$BASE/v1/chat/completions" >"$BDIR/$i.status" 2>/dev/null &
    BURST_PIDS+=("$!")
  done
  # Sample /stats while any burst request is in flight.
  SAMPLES=$BDIR/stats.jsonl
  : >"$SAMPLES"
  while [ -n "$(jobs -rp)" ]; do
    stats_snapshot | jq -c . >>"$SAMPLES" 2>/dev/null
    sleep 0.1
  done
  wait "${BURST_PIDS[@]}" 2>/dev/null
  for i in $(seq "$BURST"); do echo "$(cat "$BDIR/$i.status" 2>/dev/null)"; done | sort | uniq -c | awk '{printf "  burst: %s x HTTP %s\n", $1, $2}'
  BAD=$(for i in $(seq "$BURST"); do s=$(cat "$BDIR/$i.status" 2>/dev/null); [ "$s" = 200 ] || [ "$s" = 429 ] || echo "#$i:${s:-none}"; done | tr '\n' ' ')
  DETAIL="other statuses: $BAD"
  check "burst: every response is 200 or 429 (never 5xx)" is "$BAD" ""
  NO_RETRY=$(for i in $(seq "$BURST"); do
    [ "$(cat "$BDIR/$i.status" 2>/dev/null)" = 429 ] || continue
    tr -d '\r' <"$BDIR/$i.headers" | grep -qi '^retry-after: *[0-9]' || echo "#$i"
  done | tr '\n' ' ')
  DETAIL="429s without Retry-After: $NO_RETRY"
  check "burst: every 429 carries Retry-After" is "$NO_RETRY" ""
  NOT_ERR=$(for i in $(seq "$BURST"); do
    [ "$(cat "$BDIR/$i.status" 2>/dev/null)" = 429 ] || continue
    is_openai_error "$BDIR/$i.body" >/dev/null 2>&1 || echo "#$i"
  done | tr '\n' ' ')
  DETAIL="429s without an OpenAI error body: $NOT_ERR"
  check "burst: every 429 has an OpenAI error body" is "$NOT_ERR" ""
  DETAIL="$(wc -l <"$SAMPLES") samples"
  check "burst: /stats answered during the burst" test -s "$SAMPLES"
  if [ -n "$POOL_MAX" ]; then
    # Per model (pool max is a per-model bound); the aggregate when the gateway lists no models.
    PEAK=$(jq -s '[.[] | ([.pool.models[]? | .idle + .busy + .pending] + [if (.pool.models // []) == [] then .sessions.idle + .sessions.busy + .sessions.pending else empty end]) | max] | max // 0' "$SAMPLES" 2>/dev/null)
    DETAIL="peak sessions per model: ${PEAK:-?}, AXON_TEST_POOL_MAX=$POOL_MAX"
    check "burst: sessions never exceeded AXON_TEST_POOL_MAX ($POOL_MAX)" test "${PEAK:-999999}" -le "$POOL_MAX"
  else
    skip "burst: pool max bound (set AXON_TEST_POOL_MAX to the gateway's pool max)"
  fi
  PEAK_WAITING=$(jq -s '[.[].sessions.waiting] | max // 0' "$SAMPLES" 2>/dev/null)
  echo "  burst: peak waiting ${PEAK_WAITING:-?}"
else
  skip "bounded growth burst (AXON_TEST_BURST=$BURST)"
fi

# ----------------------------------------------------------------------------------------------- anthropic dialect
section "anthropic dialect"

# ahttp METHOD PATH [JSON_BODY] [KEY] [HEADER...]: one request the way Anthropic's clients send it (x-api-key and
# anthropic-version); body, headers and status as for http. Pass KEY='' to send no key.
ahttp() {
  local method=$1 path=$2 data=${3-} key=${4-$KEY} extra
  local args=(-sS --max-time "$TIMEOUT" -X "$method" -o "$BODY" -D "$HEADERS" -w '%{http_code}' -H 'anthropic-version: 2023-06-01')
  [ -n "$key" ] && args+=(-H "x-api-key: $key")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
  for extra in "${@:5}"; do args+=(-H "$extra"); done
  : >"$BODY"
  : >"$HEADERS"
  STATUS=$(curl "${args[@]}" "$BASE$path" 2>"$WORK/curl.err")
  [ -n "$STATUS" ] || STATUS=000
}

# msg_body TEXT [EXTRA_JSON]: a one-user-message Messages API request for $MODEL, merged with EXTRA_JSON.
msg_body() {
  jq -nc --arg m "$MODEL" --arg c "$1" --argjson x "${2:-"{}"}" '{model: $m, max_tokens: 512, messages: [{role: "user", content: $c}]} + $x'
}

# is_anthropic_error TYPE [FILE]: {type: "error", error: {type: TYPE, message}, request_id}.
is_anthropic_error() {
  jq -e --arg t "$1" '.type == "error" and .error.type == $t and (.error.message | type == "string" and length > 0)
    and (.request_id | type == "string" and startswith("req_")) and (has("param") | not) and (.error | has("code") | not)' "${2:-$BODY}"
}

# asse BODY OUT [HEADER...]: a streamed message; the raw SSE in OUT, the event names one per line in OUT.events,
# each data: payload one per line in OUT.data.
asse() {
  local data=$1 out=$2 extra
  local args=(-sS -N --max-time "$TIMEOUT" -X POST -o "$out" -D "$HEADERS" -w '%{http_code}' -H "x-api-key: $KEY"
    -H 'anthropic-version: 2023-06-01' -H 'Content-Type: application/json' --data-binary "$data")
  for extra in "${@:3}"; do args+=(-H "$extra"); done
  : >"$HEADERS"
  STATUS=$(curl "${args[@]}" "$BASE/v1/messages" 2>"$WORK/curl.err")
  [ -n "$STATUS" ] || STATUS=000
  cp "$out" "$BODY"
  sed -n -E 's/^event: ?//p' "$out" | tr -d '\r' >"$out.events"
  sed -n -E 's/^data: ?//p' "$out" | tr -d '\r' >"$out.data"
}

# The reply quotes the prompt with every provider: the mock echoes it, the mock upstream too (behind the
# anthropic provider directly, behind the claude-code provider inside its conversation markup).
APROMPT="Hello from an Anthropic client $RANDOM"
ahttp POST /v1/messages "$(msg_body "$APROMPT" '{"system":"Be brief."}')"
check "messages: plain answers 200" status_is 200
save anthropic-plain.json
check "messages: id starts with msg_" jqb '.id | type == "string" and startswith("msg_")'
check "messages: type message, role assistant" jqb '.type == "message" and .role == "assistant"'
check "messages: model equals the requested name" jqb --arg m "$MODEL" '.model == $m'
check "messages: content is text blocks" jqb '(.content | length > 0) and all(.content[] | select(.type == "text"); .text | type == "string")'
check "messages: the reply quotes the prompt" jqb --arg p "$APROMPT" '[.content[] | select(.type == "text") | .text] | join("") | contains($p)'
check "messages: stop_reason end_turn, stop_sequence null" jqb '.stop_reason == "end_turn" and has("stop_sequence") and .stop_sequence == null'
check "messages: usage in Anthropic's words" jqb '.usage | (.input_tokens | type == "number") and (.output_tokens > 0)
  and (.cache_creation_input_tokens | type == "number") and (.cache_read_input_tokens | type == "number") and (has("prompt_tokens") | not)'
check "messages: no OpenAI fields" jqb '(has("object") | not) and (has("choices") | not) and (has("conversation_id") | not)'
check "messages: request-id header" starts_with "$(header request-id)" req_
check "messages: x-axon-conversation-id header" starts_with "$(header x-axon-conversation-id)" conv-

ahttp POST '/v1/messages?beta=true' "$(msg_body "$APROMPT")" "" "Authorization: Bearer $KEY" "anthropic-beta: interleaved-thinking-2025-05-14"
check "messages: ?beta=true with Bearer auth and anthropic-beta answers 200" status_is 200

A1=$WORK/anthropic.sse
asse "$(msg_body "$APROMPT" '{"stream":true}')" "$A1"
check "messages stream: answers 200" status_is 200
check "messages stream: text/event-stream" contains "$(header content-type)" text/event-stream
check "messages stream: every data line is JSON" jq -e -s 'length > 0' "$A1.data"
check "messages stream: each event: names its data's type" is "$(tr '\n' ' ' <"$A1.events")" "$(jq -r '.type' "$A1.data" | tr '\n' ' ')"
ORDER=$(tr '\n' ' ' <"$A1.events")
DETAIL="events: $(echo "$ORDER" | cut -c1-300)"
check "messages stream: message_start, blocks (start, deltas, stop), message_delta, message_stop" \
  grep -qE '^message_start (ping )*(content_block_start (content_block_delta |ping )*content_block_stop (ping )*)+message_delta message_stop $' <<<"$ORDER"
check "messages stream: block indexes count from 0" jqs "$A1.data" '[.[] | select(.type == "content_block_start") | .index] == ([.[] | select(.type == "content_block_start")] | to_entries | map(.key))'
check "messages stream: message_start carries an empty message" jqs "$A1.data" '.[0].message | .id | startswith("msg_")'
check "messages stream: text deltas quote the prompt" jqs "$A1.data" --arg p "$APROMPT" '[.[] | select(.type == "content_block_delta" and .delta.type == "text_delta") | .delta.text] | join("") | contains($p)'
check "messages stream: message_delta has stop_reason and output usage" jqs "$A1.data" '[.[] | select(.type == "message_delta")][0] | .delta.stop_reason == "end_turn" and .usage.output_tokens > 0'
check "messages stream: x-axon-conversation-id header" starts_with "$(header x-axon-conversation-id)" conv-
check "messages stream: no [DONE] sentinel" test -z "$(grep -F '[DONE]' "$A1")"

A2=$WORK/anthropic-fail.sse
asse "$(msg_body 'MOCK_FAIL_MIDSTREAM' '{"stream":true}')" "$A2"
check "messages stream: a failure mid-stream ends with event: error" is "$(tail -n 1 "$A2.events")" error
check "messages stream: the error event is Anthropic's error object" jq -e -s '.[-1] | .type == "error" and (.error.type | type == "string")' "$A2.data"
check "messages stream: no message_stop after a failure" test -z "$(grep -x message_stop "$A2.events")"

ahttp POST /v1/messages "$(msg_body hello)" ""
check "messages: missing key answers 401" status_is 401
check "messages: 401 is authentication_error" is_anthropic_error authentication_error
save anthropic-error-401.json
ahttp POST /v1/messages "$(msg_body hello)" "sk-e2e-definitely-not-a-key"
check "messages: wrong key answers 401 authentication_error" is_anthropic_error authentication_error
ahttp POST /v1/messages "$(jq -nc --arg m "$MODEL" '{model: $m, messages: [{role: "user", content: "hi"}]}')"
check "messages: missing max_tokens answers 400" status_is 400
check "messages: 400 says max_tokens: Field required" jqb '.error.type == "invalid_request_error" and .error.message == "max_tokens: Field required"'
ahttp POST /v1/messages "$(msg_body hello '{"model":"claude-e2e-no-such-model"}')"
check "messages: unknown model answers 404 not_found_error" is_anthropic_error not_found_error
check "messages: unknown model status 404" status_is 404
ahttp POST /v1/messages/no-such-route "$(msg_body hello)"
check "messages: unknown route under /v1/messages answers 404 not_found_error" is_anthropic_error not_found_error
ahttp POST /v1/messages "$(msg_body MOCK_FAIL)"
check "messages: MOCK_FAIL answers 502 api_error" is_anthropic_error api_error
check "messages: MOCK_FAIL status 502" status_is 502

ahttp POST /v1/messages/count_tokens "$(jq -nc --arg m "$MODEL" '{model: $m, system: "Be brief.", messages: [{role: "user", content: "one two three four"}]}')"
check "count_tokens: answers 200" status_is 200
check "count_tokens: {input_tokens: n}" jqb '(keys == ["input_tokens"]) and .input_tokens > 0'

ahttp GET /v1/models
check "models (anthropic-version): Anthropic's list shape" jqb '(.data | length > 0) and (.has_more == false) and (.first_id == .data[0].id) and (.last_id == .data[-1].id) and (has("object") | not)'
check "models (anthropic-version): type, id, display_name, created_at" jqb 'all(.data[]; .type == "model" and (.id | type == "string") and (.display_name | type == "string") and (.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")))'
check "models (anthropic-version): lists $MODEL" jqb --arg m "$MODEL" 'any(.data[]; .id == $m)'
ahttp GET "/v1/models/$MODEL"
check "models: GET /v1/models/:id in Anthropic's shape" jqb --arg m "$MODEL" '.type == "model" and .id == $m'
http GET "/v1/models/$MODEL"
check "models: GET /v1/models/:id in OpenAI's shape without anthropic-version" jqb --arg m "$MODEL" '.object == "model" and .id == $m'
ahttp GET /v1/models/claude-e2e-no-such-model
check "models: unknown model id answers 404 not_found_error" is_anthropic_error not_found_error

ANAME="Quillon$RANDOM"
ahttp POST /v1/messages "$(msg_body "Hello, my name is $ANAME.")"
check "conversation header: turn 1 answers 200" status_is 200
ACONV=$(header x-axon-conversation-id)
check "conversation header: turn 1 names its conversation" starts_with "$ACONV" conv-
ahttp POST /v1/messages "$(msg_body 'What is my name?')" "$KEY" "x-axon-conversation-id: $ACONV"
check "conversation header: turn 2 answers 200" status_is 200
check "conversation header: turn 2 keeps the conversation" is "$(header x-axon-conversation-id)" "$ACONV"
check "conversation header: turn 2 saw turn 1" jqb --arg n "$ANAME" '[.content[] | select(.type == "text") | .text] | join("") | contains($n)'
check "conversation header: stored as 4 messages" is "$(message_count "$ACONV")" 4
if [ -n "$KEY2" ]; then
  ahttp POST /v1/messages "$(msg_body 'What is my name?')" "$KEY2" "x-axon-conversation-id: $ACONV"
  check "conversation header: another key gets 404 not_found_error" is_anthropic_error not_found_error
  check "conversation header: another key left it unchanged" is "$(message_count "$ACONV")" 4
fi
ahttp POST /v1/messages "$(msg_body hello)" "$KEY" "x-axon-conversation-id: conv-e2e-does-not-exist"
check "conversation header: unknown conversation answers 404" status_is 404

WEATHER='{"name":"get_weather","description":"The weather in a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}'
case "${PROVIDER:-mock}" in
  mock) TOOL_PROMPT="What is the weather in Paris? MOCK_TOOL" ;;
  anthropic) TOOL_PROMPT='UPSTREAM_TOOL get_weather {"city":"Paris"}' ;;
  *) TOOL_PROMPT="" ;;
esac
if [ -n "$TOOL_PROMPT" ]; then
  ahttp POST /v1/messages "$(msg_body "$TOOL_PROMPT" "{\"tools\":[$WEATHER]}")"
  check "tool use: stop_reason tool_use" jqb '.stop_reason == "tool_use"'
  check "tool use: a tool_use block with id, name and an input object" jqb 'any(.content[]; .type == "tool_use" and (.id | type == "string") and .name == "get_weather" and (.input.city | type == "string"))'
  TOOL_ID=$(jq -r '[.content[] | select(.type == "tool_use")][0].id // empty' "$BODY")
  TOOL_ROUND=$(jq -c --arg id "$TOOL_ID" --arg p "$TOOL_PROMPT" --arg m "$MODEL" --argjson w "$WEATHER" '{model: $m, max_tokens: 512, tools: [$w],
    messages: [{role: "user", content: $p}, {role: "assistant", content: .content},
               {role: "user", content: [{type: "tool_result", tool_use_id: $id, content: "18C and sunny"}]}]}' "$BODY")
  ahttp POST /v1/messages "$TOOL_ROUND"
  check "tool use: the tool result round trip answers 200" status_is 200
  check "tool use: the model read the tool's result" jqb '[.content[] | select(.type == "text") | .text] | join("") | contains("18C and sunny")'
  A3=$WORK/anthropic-tool.sse
  asse "$(msg_body "$TOOL_PROMPT" "{\"stream\":true,\"tools\":[$WEATHER]}")" "$A3"
  check "tool use stream: input_json_delta fragments assemble the input" jqs "$A3.data" '[.[] | select(.type == "content_block_delta" and .delta.type == "input_json_delta") | .delta.partial_json] | join("") | fromjson | (.city | type == "string")'
  check "tool use stream: stop_reason tool_use" jqs "$A3.data" 'any(.[]; .type == "message_delta" and .delta.stop_reason == "tool_use")'
else
  skip "tool use (the ${PROVIDER} provider's mock upstream does not call client tools)"
fi

if [ -n "$LIMITED_KEY" ]; then
  for i in $(seq $((LIMITED_RPM + 2))); do
    ahttp POST /v1/messages "$(msg_body "limited anthropic $i")" "$LIMITED_KEY" "x-axon-store: false"
    [ "$STATUS" = 429 ] && break
  done
  check "limits: a limited key past its limit gets 429 on /v1/messages" status_is 429
  check "limits: 429 is rate_limit_error in Anthropic's shape" is_anthropic_error rate_limit_error
  check "limits: 429 carries Retry-After" test -n "$(header retry-after)"
fi

# The real Claude Code CLI as a client of the gateway: ANTHROPIC_BASE_URL pointed here, a clean home and config.
CLAUDE=${AXON_TEST_CLAUDE_BIN:-$(cd "$(dirname "$0")/.." && pwd)/tools/claude-code/node_modules/.bin/claude}
if "$CLAUDE" --version >/dev/null 2>&1; then
  CWORK=$WORK/claude-cli
  mkdir -p "$CWORK/home" "$CWORK/config" "$CWORK/cwd"
  # --bare: no environment reminders in the prompt (the mock provider calls a tool whose name a prompt contains).
  claude_client() {
    local key=$1
    shift
    (cd "$CWORK/cwd" && env -i PATH=/usr/bin:/bin HOME="$CWORK/home" CLAUDE_CONFIG_DIR="$CWORK/config" \
      ANTHROPIC_BASE_URL="$BASE" ANTHROPIC_API_KEY="$key" CLAUDE_CODE_MAX_RETRIES=0 \
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 \
      timeout 120 "$CLAUDE" --bare --model "$MODEL" "$@")
  }
  CPROMPT="Say hello to the gateway $RANDOM"
  claude_client "$KEY" -p "$CPROMPT" >"$CWORK/oneshot.txt" 2>"$CWORK/oneshot.err"
  CRC=$?
  DETAIL="exit $CRC; stdout: $(snippet "$CWORK/oneshot.txt"); stderr: $(snippet "$CWORK/oneshot.err")"
  check "claude CLI -p: exits 0" is "$CRC" 0
  DETAIL="stdout: $(snippet "$CWORK/oneshot.txt")"
  check "claude CLI -p: prints the gateway's answer" grep -qF "$CPROMPT" "$CWORK/oneshot.txt"

  claude_client "$KEY" -p "$CPROMPT" --output-format stream-json --verbose --include-partial-messages >"$CWORK/stream.jsonl" 2>"$CWORK/stream.err"
  DETAIL="stdout: $(snippet "$CWORK/stream.jsonl"); stderr: $(snippet "$CWORK/stream.err")"
  check "claude CLI stream-json: a successful result" jq -e -s 'any(.[]; .type == "result" and .is_error == false)' "$CWORK/stream.jsonl"
  check "claude CLI stream-json: the result is the gateway's answer" jq -e -s --arg p "$CPROMPT" 'any(.[]; .type == "result" and (.result | contains($p)))' "$CWORK/stream.jsonl"
  check "claude CLI stream-json: it parsed the gateway's events" jq -e -s '[.[] | select(.type == "stream_event") | .event.type] | (.[0] == "message_start") and (.[-1] == "message_stop") and any(.[]; . == "content_block_delta")' "$CWORK/stream.jsonl"

  # Two turns in one process: the second request carries the first exchange (and any thinking, signed) back.
  printf '%s\n%s\n' "$(jq -nc --arg c "My name is $ANAME." '{type: "user", message: {role: "user", content: $c}}')" \
    '{"type":"user","message":{"role":"user","content":"What is my name?"}}' \
    | claude_client "$KEY" -p --input-format stream-json --output-format stream-json --verbose >"$CWORK/turns.jsonl" 2>"$CWORK/turns.err"
  DETAIL="stdout: $(snippet "$CWORK/turns.jsonl"); stderr: $(snippet "$CWORK/turns.err")"
  check "claude CLI two turns: two successful results" jq -e -s '[.[] | select(.type == "result" and .is_error == false)] | length == 2' "$CWORK/turns.jsonl"
  check "claude CLI two turns: the second saw the first" jq -e -s --arg n "$ANAME" '[.[] | select(.type == "result")][1].result | contains($n)' "$CWORK/turns.jsonl"

  # Claude Code as users run it (its whole tool set, system prompt and environment reminders), on the provider whose
  # upstream never calls a tool by itself and answers briefly: the mock provider would call the tools the reminders
  # name, and behind the claude-code provider the mock upstream's echo of that prompt passes the CLI's 32000 tokens.
  if [ "$PROVIDER" = anthropic ]; then
    (cd "$CWORK/cwd" && env -i PATH=/usr/bin:/bin HOME="$CWORK/home" CLAUDE_CONFIG_DIR="$CWORK/config" \
      ANTHROPIC_BASE_URL="$BASE" ANTHROPIC_API_KEY="$KEY" CLAUDE_CODE_MAX_RETRIES=0 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
      DISABLE_AUTOUPDATER=1 timeout 120 "$CLAUDE" --model "$MODEL" -p "$CPROMPT" --output-format stream-json --verbose) \
      >"$CWORK/full.jsonl" 2>"$CWORK/full.err"
    DETAIL="stdout: $(snippet "$CWORK/full.jsonl"); stderr: $(snippet "$CWORK/full.err")"
    check "claude CLI with its default tools and prompt: the gateway's answer" \
      jq -e -s --arg p "$CPROMPT" 'any(.[]; .type == "result" and .is_error == false and (.result | contains($p)))' "$CWORK/full.jsonl"
  fi

  claude_client "sk-e2e-definitely-not-a-key" -p "hello" --output-format stream-json --verbose >"$CWORK/badkey.jsonl" 2>"$CWORK/badkey.err"
  DETAIL="stdout: $(snippet "$CWORK/badkey.jsonl")"
  check "claude CLI with a wrong key: reports the 401 authentication_error" jq -e -s 'any(.[]; .type == "result" and .is_error == true and .api_error_status == 401)' "$CWORK/badkey.jsonl"
else
  skip "the claude CLI as a client (not installed: run 'npm ci' in tools/claude-code, or set AXON_TEST_CLAUDE_BIN)"
fi

# ----------------------------------------------------------------------------------------------- conformance
section "conformance"
if [ -n "$CONFORMANCE_DIR" ] && command -v node >/dev/null 2>&1 \
  && [ -f "$CONFORMANCE_DIR/validate.mjs" ] && [ -d "$CONFORMANCE_DIR/node_modules" ]; then
  validate() {
    local out
    out=$(node "$CONFORMANCE_DIR/validate.mjs" "$@" 2>&1)
    local rc=$?
    DETAIL="validate.mjs $*: $(echo "$out" | tr '\n' ' ' | cut -c1-400)"
    return $rc
  }
  # validate sets DETAIL for check's failure line, so run it before check reads it.
  conform() {
    local name=$1
    shift
    if validate "$@"; then check "$name" true; else check "$name" false; fi
  }
  conform "conformance: kitchen-sink request is a valid OpenAI request" request "$WORK/kitchen-sink.request.json"
  conform "conformance: plain response" response "$WORK/plain.json"
  conform "conformance: stream" --sse "$S1"
  conform "conformance: include_usage stream" --sse "$S3"
  conform "conformance: mid-stream error stream" --sse --allow-error "$F1"
  conform "conformance: models list" models "$WORK/models.json"
  conform "conformance: 401 error body" error "$WORK/error-401.json"
  conform "conformance: 502 error body" error "$WORK/error-502.json"
else
  skip "conformance (needs node and AXON_CONFORMANCE_DIR with validate.mjs and node_modules)"
fi

# ----------------------------------------------------------------------------------------------- pool integrity
section "pool integrity"
wait_idle
http GET /stats
check "final /stats answers 200" status_is 200
check "pool: idle >= 1" jqb '.sessions.idle >= 1'
check "pool: busy is 0" jqb '.sessions.busy == 0'
check "pool: acquire == release + discard" jqb '.pool.counters | (.acquire | type == "number") and .acquire == .release + .discard'
check "store: conversations >= 2" jqb '.conversations >= 2'
check "store: conversations grew during the suite" jqb --argjson before "${CONVERSATIONS_BEFORE:-0}" '.conversations > $before'
echo "  stats: $(jq -c '{sessions, counters: .pool.counters, conversations}' "$BODY" 2>/dev/null)"

ELAPSED=$(($(date +%s) - STARTED))
echo "runtime ${ELAPSED}s, ${SKIPPED} skipped"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
