// Apollo Client 3 with the persisted-queries link, as an app team sets it up, against a live server.
//
//   node apollo.cjs automatic <url>             default hashing (automatic persisted queries)
//   node apollo.cjs manifest <url> <manifest>   persisted-only: ids from the generated manifest
//
// Each mode drives the whole leader flow twice and counts the HTTP round trips of every operation. The
// second time, every operation must take exactly one, and in manifest mode no request may carry the
// query text. In automatic mode a query the server has never seen takes two round trips the first
// time (a miss, then the hash with the query) and one afterwards.
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { ApolloClient, InMemoryCache, HttpLink, gql, split, from } = require("@apollo/client/core");
const { createPersistedQueryLink } = require("@apollo/client/link/persisted-queries");
const { setContext } = require("@apollo/client/link/context");
const { GraphQLWsLink } = require("@apollo/client/link/subscriptions");
const { getMainDefinition } = require("@apollo/client/utilities");
const { generatePersistedQueryIdsFromManifest } = require("@apollo/persisted-query-lists");
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");
const { leaderFlow, check } = require("./leader-app.cjs");

const [mode, url, manifestPath] = process.argv.slice(2);
const password = process.env.PLEDGE_DEMO_PASSWORD || "demo-password-2023";

/// The HTTP requests sent, by operation name: [{ withQuery }].
const trips = new Map();
const countingFetch = (uri, init) => {
  const body = JSON.parse(init.body);
  const list = trips.get(body.operationName) || [];
  list.push({ withQuery: typeof body.query === "string" });
  trips.set(body.operationName, list);
  return fetch(uri, init);
};

function makeClient(session) {
  const persisted =
    mode === "manifest"
      ? createPersistedQueryLink(
          generatePersistedQueryIdsFromManifest({ loadManifest: () => JSON.parse(readFileSync(manifestPath, "utf8")) }),
        )
      : createPersistedQueryLink({ sha256: (text) => createHash("sha256").update(text).digest("hex") });
  const auth = setContext(() => (session.token ? { headers: { authorization: `Bearer ${session.token}` } } : {}));
  const http = from([auth, persisted, new HttpLink({ uri: `${url}/graphql`, fetch: countingFetch })]);
  const ws = new GraphQLWsLink(
    createClient({
      url: `${url.replace(/^http/, "ws")}/graphql/ws`,
      webSocketImpl: WebSocket,
      connectionParams: () => ({ Authorization: `Bearer ${session.token}` }),
      lazy: true,
    }),
  );
  const link = split(
    ({ query }) => getMainDefinition(query).operation === "subscription",
    ws,
    http,
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

/// A query no file registers; only callers allowed ad-hoc queries may run it. The alias makes it new to
/// the server on every run, so the first pass sees the miss.
const groupName = gql(`
  query GroupName($id: ID!) {
    group(id: $id) {
      id
      name
      run${Date.now()}: code
    }
  }
`);

async function main() {
  const passes = [];
  for (const pass of [1, 2]) {
    trips.clear();
    const session = {};
    const client = makeClient(session);
    const { group } = await leaderFlow(client, session, { username: "tdp12.leader", password, pass });
    if (mode === "automatic") {
      // The flow ended its session: sign in again for a query no file registers.
      const login = await client.mutate({
        mutation: gql(readFileSync(`${__dirname}/../schema/operations/Login.graphql`, "utf8")),
        variables: { input: { username: "tdp12.leader", password } },
      });
      session.token = login.data.login.accessToken;
      const { data } = await client.query({ query: groupName, variables: { id: group.id }, fetchPolicy: "network-only" });
      check(data.group.name === group.name, "GroupName: the ad-hoc query answers");
      session.calls.set("Login", session.calls.get("Login") + 1).set("GroupName", 1);
    }
    passes.push({ trips: new Map(trips), calls: session.calls });
    client.stop();
  }

  for (const [index, { trips, calls }] of passes.entries()) {
    const line = [...calls].map(([name, n]) => `${name} ${trips.get(name).length}/${n}`).join(", ");
    console.log(`${mode}, pass ${index + 1}, round trips/operations: ${line}`);
  }
  for (const [index, { trips, calls }] of passes.entries()) {
    for (const [name, n] of calls) {
      const sent = trips.get(name) || [];
      const expected = mode === "automatic" && index === 0 && name === "GroupName" ? 2 * n : n;
      check(sent.length === expected, `${name}, pass ${index + 1}: ${sent.length} round trips for ${n} operations`);
      const withQuery = sent.filter((t) => t.withQuery).length;
      const expectedWithQuery = expected === n ? 0 : n;
      check(withQuery === expectedWithQuery, `${name}, pass ${index + 1}: ${withQuery} requests carried the query`);
    }
  }
  if (mode === "manifest") {
    // A persisted-only leader cannot run what the manifest does not hold.
    const login = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: readFileSync(`${__dirname}/../schema/operations/Login.graphql`, "utf8"),
        variables: { input: { username: "tdp12.leader", password } },
      }),
    }).then((r) => r.json());
    const token = login.data.login.accessToken;
    const adHoc = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ me { username } }" }),
    }).then((r) => r.json());
    check(adHoc.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_REQUIRED", `ad hoc: ${JSON.stringify(adHoc)}`);
  }
  console.log(`apollo ${mode}: ok`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
