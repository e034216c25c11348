#!/usr/bin/env bash
# Runs the clients app teams use against live servers started here, each on a fresh SQLite file with the
# demo data: Apollo Client with automatic persisted queries, then held to the manifest Apollo's
# generator writes; graphql-ws reconnecting after 4403; relay-compiler and relay-runtime with
# persisted ids; GraphQL Code Generator with strictScalars. Called by .ci/run; needs Node 20+ and npm.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pledge-target}"

(cd .. && cargo build --quiet --bin pledge-api)
bin="$CARGO_TARGET_DIR/debug/pledge-api"
npm ci --no-audit --no-fund --loglevel=error

work=$(mktemp -d)
cleanup() {
  # `serve` runs in a command substitution, so the servers' pids are kept in a file, not a variable.
  if [ -f "$work/pids" ]; then xargs kill 2>/dev/null <"$work/pids" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# serve NAME [VAR=value...]: starts a demo server in the background and prints its URL once ready.
serve() {
  local name=$1 port
  shift
  port=$(free_port)
  env DATABASE_URL="sqlite://$work/$name.db?mode=rwc" PLEDGE_BIND="127.0.0.1:$port" PLEDGE_ENV=development \
    PLEDGE_LOG_FORMAT=text RUST_LOG=info "$@" "$bin" serve --demo >"$work/$name.log" 2>&1 &
  echo $! >>"$work/pids"
  # Up to a minute: a loaded CI machine may be slow to hash the demo users' passwords.
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && { echo "http://127.0.0.1:$port"; return; }
    sleep 0.2
  done
  echo "server $name did not start:" >&2
  cat "$work/$name.log" >&2
  return 1
}

echo "== the registered operations are in the form Apollo Client sends"
node operations.mjs

echo "== Apollo's manifest generator writes what \`pledge-api operations --format apollo\` prints"
mkdir -p "$work/safelist"
MANIFEST_OUTPUT="$work/safelist/persisted-query-manifest.json" \
  npx generate-persisted-query-manifest --config persisted-query-manifest.config.cjs
"$bin" operations --format apollo >"$work/ours.json"
node -e '
  const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
  const sorted = (m) => JSON.stringify({ ...m, operations: [...m.operations].sort((x, y) => x.name.localeCompare(y.name)) });
  if (sorted(a) !== sorted(b)) { console.error("the manifests differ"); process.exit(1); }
  console.log(`identical: ${a.operations.length} operations`);
' "$work/safelist/persisted-query-manifest.json" "$work/ours.json"

echo "== GraphQL Code Generator with strictScalars, and tsc over an app using its types"
rm -rf generated
npx graphql-codegen --config codegen.yml --silent
npx tsc -p tsconfig.json

echo "== relay-compiler: @refetchable on Household, @connection, persisted ids"
rm -rf relay/__generated__
mkdir relay/__generated__
echo "{}" >relay/persisted_queries.json
(cd relay && npx relay-compiler)
cp relay/persisted_queries.json "$work/safelist/persisted_queries.json"

echo "== Apollo Client, automatic persisted queries (ad-hoc queries allowed)"
open_url=$(serve open)
node apollo.cjs automatic "$open_url"

echo "== graphql-ws: 4403 when the session ends, reconnect with a fresh token"
node graphql-ws.cjs "$open_url"

echo "== leaders held to the manifests: Apollo by manifest ids, Relay by doc_id"
held_url=$(serve held PLEDGE_LEADERS_PERSISTED_ONLY=true PLEDGE_OPERATIONS_DIR="$work/safelist")
grep -o 'registered operations loaded.*' "$work/held.log"
node apollo.cjs manifest "$held_url" "$work/safelist/persisted-query-manifest.json"
node relay.cjs "$held_url"

echo "clients: all passed"
