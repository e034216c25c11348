#!/usr/bin/env bash
# Fuzzes the GraphQL API with schemathesis: builds and starts the release server on a throw-away SQLite
# database with the demo data, signs in as the demo administrator, lets schemathesis generate queries and
# mutations from the introspected schema for a bounded time, and fails when any answer was a 5xx, any
# error carried INTERNAL_SERVER_ERROR (or no code at all), or the server died. schemathesis itself counts
# every GraphQL error as a failure (ST113), so its verdict is re-judged from the recorded answers (HAR).
#
#   bench/fuzz.sh                  # about 4 minutes of fuzzing
#   FUZZ_MAX_TIME=60 bench/fuzz.sh # shorter
#
# Settings (environment): FUZZ_MAX_TIME (seconds of fuzzing, default 240), FUZZ_MAX_EXAMPLES (per
# operation, default 200), FUZZ_WORKERS (default 2), FUZZ_PORT (default 18090), FUZZ_SEED, FUZZ_VENV
# (default $HOME/.cache/pledge-fuzz-venv), FUZZ_KEEP=1 keeps the work directory (logs, HAR, JUnit).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pledge-target}"
VENV="${FUZZ_VENV:-$HOME/.cache/pledge-fuzz-venv}"
PORT="${FUZZ_PORT:-18090}"
MAX_TIME="${FUZZ_MAX_TIME:-240}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-200}"
WORKERS="${FUZZ_WORKERS:-2}"
URL="http://127.0.0.1:${PORT}/graphql"

step() { printf '\n== %s\n' "$*"; }

step "schemathesis in ${VENV}"
if [[ ! -x "${VENV}/bin/st" ]]; then
  python3 -m venv "${VENV}"
  "${VENV}/bin/pip" install --quiet --upgrade pip
  "${VENV}/bin/pip" install --quiet schemathesis
fi
"${VENV}/bin/st" --version

step "cargo build --release --bin pledge-api"
cargo build --release --bin pledge-api
BIN="${CARGO_TARGET_DIR}/release/pledge-api"

WORK="$(mktemp -d /tmp/pledge-fuzz.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "${SERVER_PID}" ]] && kill -0 "${SERVER_PID}" 2>/dev/null; then
    kill "${SERVER_PID}" 2>/dev/null || true
    wait "${SERVER_PID}" 2>/dev/null || true
  fi
  if [[ "${FUZZ_KEEP:-0}" == "1" ]]; then
    echo "work directory kept: ${WORK}"
  else
    rm -rf "${WORK}"
  fi
}
trap cleanup EXIT

step "pledge-api serve --demo on 127.0.0.1:${PORT} (SQLite in ${WORK})"
# A fixed secret for the run: the server must not print a warning per start, and tokens stay valid.
JWT_SECRET="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
DATABASE_URL="sqlite://${WORK}/fuzz.db?mode=rwc" \
  PLEDGE_BIND="127.0.0.1:${PORT}" \
  PLEDGE_ENV=development \
  PLEDGE_JWT_SECRET="${JWT_SECRET}" \
  PLEDGE_RATE_LIMIT_ADDRESS=off \
  PLEDGE_RATE_LIMIT_TOKEN=off \
  RUST_LOG="${RUST_LOG:-info}" \
  NO_COLOR=1 \
  "${BIN}" serve --demo >"${WORK}/server.log" 2>&1 &
SERVER_PID=$!

python3 - "${URL}" <<'EOF'
import json, sys, time, urllib.request
url = sys.argv[1]
for _ in range(120):
    try:
        request = urllib.request.Request(url, data=b'{"query":"{ __typename }"}',
                                         headers={"Content-Type": "application/json"})
        if json.load(urllib.request.urlopen(request, timeout=2)).get("data"):
            sys.exit(0)
    except Exception:
        time.sleep(0.5)
sys.exit("the server did not answer within 60 s")
EOF
sed -n '/demo users/,/^$/p' "${WORK}/server.log" | head -6

step "sign in as the demo administrator"
PASSWORD="$(sed -n 's/^pub const DEFAULT_DEMO_PASSWORD: &str = "\(.*\)";$/\1/p' src/demo.rs)"
TOKEN="$(python3 - "${URL}" "${PLEDGE_DEMO_PASSWORD:-${PASSWORD}}" <<'EOF'
import json, sys, urllib.request
url, password = sys.argv[1], sys.argv[2]
body = json.dumps({
    "query": "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }",
    "variables": {"u": "admin", "p": password},
}).encode()
request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
answer = json.load(urllib.request.urlopen(request, timeout=30))
token = (answer.get("data") or {}).get("login", {}).get("accessToken")
if not token:
    sys.exit(f"login failed: {answer}")
print(token)
EOF
)"
echo "signed in as admin"

step "st run ${URL} (at most ${MAX_TIME} s, ${MAX_EXAMPLES} examples per operation, ${WORKERS} workers)"
ST_ARGS=(
  run "${URL}"
  --header "Authorization: Bearer ${TOKEN}"
  --checks not_a_server_error
  --max-time "${MAX_TIME}"
  --max-examples "${MAX_EXAMPLES}"
  --workers "${WORKERS}"
  --request-timeout 10
  --report junit,har
  --report-dir "${WORK}/report"
  --output-truncate true
)
if [[ -n "${FUZZ_SEED:-}" ]]; then ST_ARGS+=(--seed "${FUZZ_SEED}"); fi
set +e
# The token must not reach the output: schemathesis sanitises Authorization by default.
"${VENV}/bin/st" "${ST_ARGS[@]}" 2>&1 | tee "${WORK}/st.log"
ST_STATUS=${PIPESTATUS[0]}
set -e

step "summary"
SERVER_ALIVE=1
kill -0 "${SERVER_PID}" 2>/dev/null || SERVER_ALIVE=0
python3 - "${WORK}" "${ST_STATUS}" "${SERVER_ALIVE}" <<'EOF'
import collections, glob, json, re, sys
work, st_status, alive = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
entries = []
for path in glob.glob(f"{work}/report/har-*.json"):
    with open(path, encoding="utf-8") as f:
        entries += json.load(f)["log"]["entries"]
statuses = collections.Counter()
operations = collections.Counter()
server_errors, internal, uncoded = [], [], []
for entry in entries:
    status = entry["response"]["status"]
    statuses[status] += 1
    sent = (entry["request"].get("postData") or {}).get("text") or ""
    try:
        query = json.loads(sent).get("query") or ""
    except Exception:
        query = sent
    field = re.search(r"\{\s*(\w+)", query)
    if "__schema" not in query:
        operations[field.group(1) if field else "?"] += 1
    text = entry["response"].get("content", {}).get("text") or ""
    try:
        body = json.loads(text)
    except Exception:
        body = None
    errors = body.get("errors") or [] if isinstance(body, dict) else []
    codes = [((e or {}).get("extensions") or {}).get("code") for e in errors]
    if status >= 500:
        server_errors.append((status, sent, text))
    if "INTERNAL_SERVER_ERROR" in codes:
        internal.append((status, sent, text))
    if any(c is None for c in codes):
        uncoded.append((status, sent, text))
with open(f"{work}/server.log", encoding="utf-8", errors="replace") as f:
    log = re.sub(r"\x1b\[[0-9;]*m", "", f.read())
panics = len(re.findall(r"panicked at|overflowed its stack", log))
logged_internal = log.count("outcome=INTERNAL_SERVER_ERROR")
print(f"operations tested:       {len(operations)} ({', '.join(sorted(operations))})")
print(f"examples sent:           {sum(operations.values())} (HTTP requests recorded: {len(entries)})")
print(f"HTTP statuses:           {dict(sorted(statuses.items()))}")
print(f"5xx answers:             {len(server_errors)}")
print(f"INTERNAL_SERVER_ERROR:   {len(internal)} in answers, {logged_internal} in the server log")
print(f"errors without a code:   {len(uncoded)}")
print(f"panics in the server:    {panics}")
print(f"server alive at the end: {'yes' if alive else 'NO'}")
print(f"schemathesis exit code:  {st_status}")
for kind, failures in (("5xx", server_errors), ("INTERNAL_SERVER_ERROR", internal), ("no code", uncoded)):
    for status, sent, text in failures[:5]:
        print(f"\n{kind}: HTTP {status}\n  request:  {sent[:2000]}\n  response: {text[:500]}")
# schemathesis reports every GraphQL error as a failure (ST113), including the CONFLICT or
# UNAUTHENTICATED a well-behaved API owes random input: its exit code 1 is judged from the answers above.
failed = server_errors or internal or uncoded or panics or not alive or st_status not in (0, 1) or not entries
print("\nfuzz: FAILED" if failed else "\nfuzz: passed")
sys.exit(1 if failed else 0)
EOF
