#!/usr/bin/env bash
# HTTP benchmark of what the side-by-side harness (../shared/bench-peer) does not cover: SQLite, a
# province of 2,000,000 households, and the whole-province report with a row per group. Loads the
# synthetic province, starts the release server and measures coverageReport (one ward; every ward; every
# group), a households page of 50 with pledge status, and recordPledge throughput, with the server's peak
# memory. Load comes from this machine (loopback only).
#   bench/run.sh                          PostgreSQL, 2,000,000 households (400 wards × 50 groups × 100)
#   BENCH_WARDS=40 bench/run.sh           a smaller province (200,000 households, the harness's size)
#   BENCH_DATABASE=sqlite bench/run.sh    the same on SQLite (a file under $HOME/.cache)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pledge-target}"
WARDS="${BENCH_WARDS:-400}"
DB=pledge_bench
PORT=8090
DURATION="${BENCH_SECONDS:-10}"
ENGINE="${BENCH_DATABASE:-postgres}"
SQLITE_FILE="$HOME/.cache/pledge-bench.db"
if [ "$ENGINE" = sqlite ]; then
  export DATABASE_URL="sqlite://$SQLITE_FILE?mode=rwc"
else
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
fi
export PLEDGE_BIND="127.0.0.1:$PORT" PLEDGE_ENV=development PLEDGE_DB_MAX_CONNECTIONS="${BENCH_POOL:-32}"
export PLEDGE_JWT_SECRET="benchmark-secret-that-is-long-enough-0123456789" RUST_LOG=warn
export PLEDGE_ADMIN_PASSWORD="bench-password-123"
# The load comes from one address and one token: the rate limits would refuse it.
export PLEDGE_RATE_LIMIT_ADDRESS=off PLEDGE_RATE_LIMIT_TOKEN=off PLEDGE_COVERAGE_CHECK_HOURS=0

command -v oha >/dev/null || cargo install oha --locked
pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
cargo build --release --quiet --bin pledge-api --example bench_pledges
BIN="$CARGO_TARGET_DIR/release/pledge-api"

# Runs SQL against the benchmark database; prints rows, one per line.
sql() {
  if [ "$ENGINE" = sqlite ]; then
    # Ids are stored as 16-byte blobs on SQLite: printed as UUIDs.
    python3 -c 'import sqlite3,sys,uuid; [print(*(str(uuid.UUID(bytes=c)) if isinstance(c, bytes) and len(c) == 16 else c for c in r), sep="|") for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$SQLITE_FILE" "$1"
  else
    psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "$1"
  fi
}

if [ "${BENCH_RESEED:-1}" = 1 ]; then
  if [ "$ENGINE" = sqlite ]; then
    rm -f "$SQLITE_FILE" "$SQLITE_FILE-wal" "$SQLITE_FILE-shm"
  else
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"
  fi
  "$BIN" migrate
  "$BIN" seed-bench --wards "$WARDS" --groups-per-ward 50 --households-per-group 100 --signed 0.7
  "$BIN" create-admin --username bench
  sql "VACUUM" >/dev/null
  sql "ANALYZE" >/dev/null
fi

"$BIN" serve > /tmp/pledge-bench-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

gql() { curl -s "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$1"; }
TOKEN=$(gql '{"query":"mutation { login(input:{username:\"bench\", password:\"bench-password-123\"}) { accessToken } }"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["login"]["accessToken"])')
IDS=$(gql '{"query":"{ campaigns(first: 1) { edges { node { id } } } wards(first: 1) { edges { node { id groups(first: 1) { edges { node { id } } } } } } }"}')
CAMPAIGN=$(echo "$IDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["campaigns"]["edges"][0]["node"]["id"])')
WARD=$(echo "$IDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["wards"]["edges"][0]["node"]["id"])')
GROUP=$(echo "$IDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["wards"]["edges"][0]["node"]["groups"]["edges"][0]["node"]["id"])')

run() { # name concurrency body
  local out
  out=$(oha -z "${DURATION}s" -c "$2" --no-tui --output-format json -m POST -H "authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' -d "$3" "http://127.0.0.1:$PORT/graphql")
  echo "$out" | python3 -c "
import json,sys; d=json.load(sys.stdin); s=d['summary']; p=d['latencyPercentiles']
print(f\"$1: p50 {p['p50']*1000:.2f} ms, p99 {p['p99']*1000:.2f} ms, {s['requestsPerSec']:.0f} req/s, success {s['successRate']*100:.1f}%\")"
}
run "coverageReport, one ward, 16 clients" 16 "{\"query\":\"{ coverageReport(campaignId: \\\"$CAMPAIGN\\\", wardId: \\\"$WARD\\\") { coverage groups { group { code } coverage fullyCovered } } }\"}"
run "coverageReport, whole dataset per ward, 16 clients" 16 "{\"query\":\"{ coverageReport(campaignId: \\\"$CAMPAIGN\\\") { totalHouseholds coverage wards { ward { code } coverage fullyCovered } } }\"}"
run "households page of 50 with pledge status, 16 clients" 16 "{\"query\":\"{ group(id: \\\"$GROUP\\\") { id name households(first: 50) { pageInfo { hasNextPage endCursor } edges { node { id headName address memberCount status pledge(campaignId: \\\"$CAMPAIGN\\\") { id status signerName signedOn } } } } } }\"}"
run "coverageReport, every group of the province ($((WARDS * 50)) rows), 16 clients" 16 "{\"query\":\"{ coverageReport(campaignId: \\\"$CAMPAIGN\\\") { groups { group { code name ward { code } } totalHouseholds signedHouseholds coverage } } }\"}"

sql "SELECT h.id FROM household h WHERE NOT EXISTS (SELECT 1 FROM pledge p WHERE p.household_id = h.id) ORDER BY h.group_id LIMIT 200000" > /tmp/pledge-bench-households.txt
BENCH_URL="http://127.0.0.1:$PORT/graphql" BENCH_TOKEN="$TOKEN" BENCH_CAMPAIGN="$CAMPAIGN" \
  BENCH_HOUSEHOLDS=/tmp/pledge-bench-households.txt "$CARGO_TARGET_DIR/release/examples/bench_pledges" 32 "$DURATION"
echo "server peak resident memory: $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$SERVER/status)"
"$BIN" verify-coverage
