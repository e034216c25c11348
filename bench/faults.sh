#!/usr/bin/env bash
# Fault drills against the release server on PostgreSQL (database pledge_faults on 127.0.0.1:5432):
#  (a) outage: PostgreSQL is stopped under a running server. Requests must answer SERVICE_UNAVAILABLE
#      (HTTP 503) within FAIL_FAST_SECONDS and /readyz 503; after PostgreSQL is started again the same
#      server process must answer them normally.
#  (b) SIGTERM during a stream of writes (examples/fault_writer.rs: 16 clients of createHousehold with
#      unique codes): every write acknowledged to a client must be in the database afterwards. Writes left
#      unanswered are counted, with how many of them committed anyway (allowed).
# Prints PASS/FAIL per check and a summary; exits 1 on any failure.
#
# Stopping PostgreSQL cuts off everyone using it, so (a) first waits until no other database has client
# connections (up to FAULTS_WAIT_SECONDS), and PostgreSQL is always started again on exit.
#   bench/faults.sh                 both drills
#   FAULTS_SKIP_OUTAGE=1 bench/faults.sh   (b) only (does not stop PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pledge-target}"
DB=pledge_faults
PORT="${FAULTS_PORT:-8091}"
CLIENTS="${FAULTS_CLIENTS:-16}"
STREAM_SECONDS="${FAULTS_STREAM_SECONDS:-4}"
FAIL_FAST_SECONDS="${FAULTS_FAIL_FAST_SECONDS:-3}"
WAIT_SECONDS="${FAULTS_WAIT_SECONDS:-600}"
PG_VERSION="$(ls /etc/postgresql)"
export PGOPTIONS="-c client_min_messages=warning"
PSQL=(psql -h 127.0.0.1 -p 5432 -U postgres -X -q -v ON_ERROR_STOP=1)
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export PLEDGE_BIND="127.0.0.1:$PORT" PLEDGE_ENV=development RUST_LOG=info,sqlx=warn,sea_orm=warn
export PLEDGE_JWT_SECRET="fault-drill-secret-that-is-long-enough-0123456789"
export PLEDGE_ADMIN_PASSWORD="faults-password-123" PLEDGE_COVERAGE_CHECK_HOURS=0
export PLEDGE_RATE_LIMIT_ADDRESS=off PLEDGE_RATE_LIMIT_TOKEN=off
WORK="$(mktemp -d /tmp/pledge-faults.XXXXXX)"
BASE="http://127.0.0.1:$PORT"
SERVER=""
FAILURES=0
SUMMARY=()

pass() { echo "PASS  $1"; SUMMARY+=("PASS  $1"); }
fail() { echo "FAIL  $1"; SUMMARY+=("FAIL  $1"); FAILURES=$((FAILURES + 1)); }
check() { if eval "$1"; then pass "$2"; else fail "$2"; fi; } # check '<condition>' <description>

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q; }
pg_start() { pg_up || pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start; }
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill -KILL "$SERVER" 2>/dev/null || true; fi
  if [ -n "${WRITER:-}" ] && kill -0 "$WRITER" 2>/dev/null; then kill -KILL "$WRITER" 2>/dev/null || true; fi
  # Whatever happened, PostgreSQL is left running.
  pg_start || echo "WARNING: could not start PostgreSQL again; run: pg_ctlcluster $PG_VERSION main start" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {
  "$BIN" serve >> "$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "$BASE/readyz" > /dev/null && return 0; sleep 0.1; done
  echo "the server did not become ready; log in $WORK/server.log" >&2
  exit 1
}

# POST a GraphQL body; prints "<http status> <seconds>", the answer goes to $WORK/answer.json.
gql_timed() {
  curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}\n' --max-time 30 "$BASE/graphql" \
    -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$1" || echo "000 30"
}
gql() { curl -sf "$BASE/graphql" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
answer_code() { python3 -c "
import json
try: d = json.load(open('$WORK/answer.json'))
except Exception: print('<no JSON>'); raise SystemExit
e = d.get('errors') or []
print(e[0].get('extensions', {}).get('code', '<no code>') if e else 'ok')"; }
faster_than() { python3 -c "import sys; sys.exit(0 if float('$1') < float('$2') else 1)"; }
readyz_timed() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 30 "$BASE/readyz" || echo "000 30"; }

echo "== building"
cargo build --release --quiet --bin pledge-api --example fault_writer
BIN="$CARGO_TARGET_DIR/release/pledge-api"
WRITER_BIN="$CARGO_TARGET_DIR/release/examples/fault_writer"
pg_start
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
"$BIN" migrate > /dev/null
"$BIN" create-admin --username faults > /dev/null
echo "work files: $WORK"

ME='{"query":"{ me { username } }"}'

# ---------------------------------------------------------------------------------------------------
if [ "${FAULTS_SKIP_OUTAGE:-0}" = 1 ]; then
  echo "== (a) database outage: skipped (FAULTS_SKIP_OUTAGE=1)"
else
  echo "== (a) database outage"
  start_server
  TOKEN=$(gql '{"query":"mutation { login(input:{username:\"faults\", password:\"faults-password-123\"}) { accessToken } }"}' | json 'd["data"]["login"]["accessToken"]')
  read -r status _ < <(gql_timed "$ME")
  check '[ "$status" = 200 ] && [ "$(answer_code)" = ok ]' "(a) before the outage: me answers 200"

  # Stopping PostgreSQL must not hit anyone else's tests or benchmark: wait until nobody else is connected.
  # Quiet means three checks in a row, two seconds apart, with no other client connection.
  waited=0
  quiet=0
  while :; do
    others=$("${PSQL[@]}" -d postgres -Atc "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND coalesce(datname, '') <> '$DB'")
    if [ "$others" = 0 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    [ "$quiet" -ge 3 ] && break
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      fail "(a) PostgreSQL stayed in use by others for ${WAIT_SECONDS}s: the outage drill was not run"
      break
    fi
    [ "$quiet" = 0 ] && [ $((waited % 30)) = 0 ] && echo "   $others other client connection(s) on PostgreSQL; waiting before stopping it"
    sleep 2; waited=$((waited + 2))
  done

  if [ "$quiet" -ge 3 ]; then
    SERVER_BEFORE=$SERVER
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop
    read -r status took < <(gql_timed "$ME")
    code=$(answer_code)
    check '[ "$status" = 503 ] && [ "$code" = SERVICE_UNAVAILABLE ] && faster_than "$took" "$FAIL_FAST_SECONDS"' \
      "(a) PostgreSQL down: me answers HTTP $status, code $code in ${took}s (want 503, SERVICE_UNAVAILABLE, < ${FAIL_FAST_SECONDS}s)"
    read -r status took < <(gql_timed '{"query":"mutation { createWard(input:{code:\"FA1\", name:\"Phường Faults\", province:\"Hà Nội\"}) { code } }"}')
    code=$(answer_code)
    check '[ "$status" = 503 ] && [ "$code" = SERVICE_UNAVAILABLE ] && faster_than "$took" "$FAIL_FAST_SECONDS"' \
      "(a) PostgreSQL down: createWard answers HTTP $status, code $code in ${took}s"
    read -r status took < <(readyz_timed)
    check '[ "$status" = 503 ] && faster_than "$took" "$FAIL_FAST_SECONDS"' \
      "(a) PostgreSQL down: /readyz answers HTTP $status in ${took}s (want 503)"

    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
    started=$(date +%s.%N)
    read -r status _ < <(gql_timed "$ME")
    first="HTTP $status, $(answer_code)"
    recovered=no
    for _ in $(seq 1 50); do
      read -r status _ < <(gql_timed "$ME")
      if [ "$status" = 200 ] && [ "$(answer_code)" = ok ]; then recovered=yes; break; fi
      sleep 0.2
    done
    after=$(python3 -c "print(f'{$(date +%s.%N) - $started:.2f}')")
    check '[ "$recovered" = yes ] && [ "$SERVER" = "$SERVER_BEFORE" ] && kill -0 "$SERVER"' \
      "(a) PostgreSQL back: me answers 200 again after ${after}s, same server pid $SERVER (first request: $first)"
    read -r status _ < <(gql_timed '{"query":"mutation { createWard(input:{code:\"FA1\", name:\"Phường Faults\", province:\"Hà Nội\"}) { code } }"}')
    check '[ "$status" = 200 ] && [ "$(answer_code)" = ok ]' "(a) PostgreSQL back: createWard answers 200"
    read -r status _ < <(readyz_timed)
    check '[ "$status" = 200 ]' "(a) PostgreSQL back: /readyz answers $status (want 200)"
  fi
  kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=""
fi

# ---------------------------------------------------------------------------------------------------
echo "== (b) SIGTERM during $CLIENTS concurrent writers"
pg_start
start_server
TOKEN=$(gql '{"query":"mutation { login(input:{username:\"faults\", password:\"faults-password-123\"}) { accessToken } }"}' | json 'd["data"]["login"]["accessToken"]')
WARD=$(gql '{"query":"mutation { createWard(input:{code:\"FB1\", name:\"Phường SIGTERM\", province:\"Hà Nội\"}) { id } }"}' | json 'd["data"]["createWard"]["id"]')
GROUP_IDS=""
for n in $(seq 1 "$CLIENTS"); do
  id=$(gql "{\"query\":\"mutation { createGroup(input:{wardId:\\\"$WARD\\\", code:\\\"$n\\\", name:\\\"Tổ $n\\\"}) { id } }\"}" | json 'd["data"]["createGroup"]["id"]')
  GROUP_IDS="${GROUP_IDS:+$GROUP_IDS,}$id"
done
BEFORE=$("${PSQL[@]}" -d "$DB" -Atc "SELECT count(*) FROM household")

FAULT_URL="$BASE/graphql" FAULT_TOKEN="$TOKEN" FAULT_GROUPS="$GROUP_IDS" FAULT_OUT="$WORK/writes.tsv" \
  "$WRITER_BIN" "$CLIENTS" 120 > "$WORK/writer.log" 2>&1 &
WRITER=$!
sleep "$STREAM_SECONDS"
SIGTERM_MS=$(date +%s%3N)
kill -TERM "$SERVER"
server_status=0
# bash reaps the exited server at once (keeping its status for `wait`), so kill -0 fails as soon as it is gone.
for _ in $(seq 1 6000); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.01; done
if kill -0 "$SERVER" 2>/dev/null; then
  echo "the server was still running 60 s after SIGTERM; killing it" >&2
  kill -KILL "$SERVER" 2>/dev/null || true
fi
wait "$SERVER" || server_status=$?
EXITED_MS=$(date +%s%3N)
SERVER=""
wait "$WRITER" || true
WRITER=""
"${PSQL[@]}" -d "$DB" -Atc "SELECT code FROM household WHERE code LIKE 'c%-%'" > "$WORK/committed.txt"
AFTER=$("${PSQL[@]}" -d "$DB" -Atc "SELECT count(*) FROM household")

check '[ "$server_status" = 0 ]' "(b) the server exited with status $server_status after SIGTERM in $((EXITED_MS - SIGTERM_MS)) ms"
verdict_status=0
python3 - "$WORK/writes.tsv" "$WORK/committed.txt" "$SIGTERM_MS" "$BEFORE" "$AFTER" > "$WORK/verdict.txt" <<'EOF' || verdict_status=$?
import collections, sys
writes_file, committed_file, sigterm_ms, before, after = sys.argv[1:]
sigterm_ms = int(sigterm_ms)
committed = set(line.strip() for line in open(committed_file) if line.strip())
writes = [line.rstrip("\n").split("\t") for line in open(writes_file) if line.strip()]
by = collections.defaultdict(list)
for code, outcome, sent, answered in writes:
    by["error" if outcome.startswith("error:") else outcome].append((code, outcome, int(sent), int(answered)))
acked = by["ack"]
lost = [w for w in acked if w[0] not in committed]
acked_after = [w for w in acked if w[3] >= sigterm_ms]
unanswered = by["unanswered"]
unanswered_committed = [w for w in unanswered if w[0] in committed]
errors = by["error"]
errors_committed = [w for w in errors if w[0] in committed]
error_kinds = collections.Counter(w[1] for w in errors)
attempted = {w[0] for w in writes if w[1] != "refused"}
phantoms = sorted(committed - attempted)
print(f"writes sent {len(attempted)}, acknowledged {len(acked)} ({len(acked_after)} answered after SIGTERM), "
      f"answered with an error {len(errors)} {dict(error_kinds)}, in flight and unanswered {len(unanswered)} "
      f"(committed anyway: {len(unanswered_committed)}), refused connections after shutdown {len(by['refused'])}")
print(f"households in the database: {before} before the stream, {after} after; stream rows {len(committed)}")
ok = True
def verdict(good, text):
    global ok
    ok &= good
    print(("PASS  " if good else "FAIL  ") + text)
verdict(len(acked) > 0, f"(b) writes were acknowledged before the shutdown ({len(acked)})")
verdict(not lost, f"(b) every acknowledged write is in the database (missing: {len(lost)}"
        + (f", e.g. {[w[0] for w in lost[:5]]})" if lost else ")"))
verdict(not phantoms, f"(b) no row that no client sent ({len(phantoms)})")
verdict(not errors_committed, f"(b) no write answered with an error committed anyway ({len(errors_committed)}"
        + (f", e.g. {[w[:2] for w in errors_committed[:5]]})" if errors_committed else ")"))
sys.exit(0 if ok else 1)
EOF
[ -s "$WORK/verdict.txt" ] || echo "FAIL  (b) the verdict could not be computed" > "$WORK/verdict.txt"
cat "$WORK/verdict.txt"
while IFS= read -r line; do
  case "$line" in PASS*|FAIL*) SUMMARY+=("$line") ;; esac
done < "$WORK/verdict.txt"
[ "$verdict_status" = 0 ] || FAILURES=$((FAILURES + 1))

echo
echo "== summary (logs: $WORK)"
printf '%s\n' "${SUMMARY[@]}"
grep -E '^(writes|households)' "$WORK/verdict.txt" || true
if [ "$FAILURES" = 0 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL ($FAILURES)"; exit 1; fi
