// The graphql-ws 6 reference client, as a dashboard uses it: `connectionParams` reads the current token,
// and when the server closes with 4403 (the session ended) the app signs in again and the client
// reconnects and resubscribes by itself.
//
//   node graphql-ws.cjs <url>
const { readFileSync } = require("node:fs");
const { randomUUID } = require("node:crypto");
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");
const { check, vietnamToday } = require("./leader-app.cjs");

const url = process.argv[2];
const password = process.env.PLEDGE_DEMO_PASSWORD || "demo-password-2023";
const operation = (name) => readFileSync(`${__dirname}/../schema/operations/${name}.graphql`, "utf8");

async function graphql(query, variables, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const body = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) })
    .then((r) => r.json());
  check(!body.errors, JSON.stringify(body.errors));
  return body.data;
}

const signIn = (username) =>
  graphql(operation("Login"), { input: { username, password } }).then((d) => d.login);

async function main() {
  const admin = (await signIn("admin")).accessToken;
  let session = await signIn("tdp12.leader");
  const group = session.user.roleAssignments.find((r) => r.role === "GROUP_LEADER").group;
  const campaigns = await graphql(operation("Campaigns"), { first: 20 }, session.accessToken);
  const campaign = campaigns.campaigns.edges.map((e) => e.node).find((c) => c.status === "OPEN");
  const page = await graphql(operation("GroupHouseholds"), { groupId: group.id, campaignId: campaign.id, first: 100 }, admin);
  const unsigned = page.households.edges.map((e) => e.node).filter((h) => h.status === "ACTIVE" && !h.pledge);
  check(unsigned.length >= 2, "two unsigned households to sign");

  const closes = [];
  let connections = 0;
  let refreshed;
  const client = createClient({
    url: `${url.replace(/^http/, "ws")}/graphql/ws`,
    webSocketImpl: WebSocket,
    retryAttempts: 3,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, 200 * (retries + 1))),
    connectionParams: async () => {
      await refreshed;
      return { Authorization: `Bearer ${session.accessToken}` };
    },
    on: {
      connected: () => { connections += 1; },
      closed: (event) => {
        closes.push(event.code);
        // The session ended: sign in again before the client reconnects.
        if (event.code === 4403) refreshed = signIn("tdp12.leader").then((fresh) => { session = fresh; });
      },
    },
  });

  const events = [];
  let onEvent = () => {};
  const done = new Promise((resolve, reject) => {
    client.subscribe(
      { query: operation("CoverageUpdated"), variables: { campaignId: campaign.id } },
      { next: (message) => { events.push(message); onEvent(); }, error: reject, complete: resolve },
    );
  });
  const nextEvent = () => new Promise((resolve, reject) => {
    onEvent = resolve;
    setTimeout(() => reject(new Error(`no coverage event within 10 s (closes ${closes})`)), 10000);
  });
  const waitFor = async (what, condition) => {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
    check(condition(), what);
  };
  const sign = (household) => graphql(operation("RecordPledge"), {
    input: {
      clientMutationId: randomUUID(), householdId: household.id, campaignId: campaign.id,
      signerName: household.headName, signedOn: [vietnamToday(), campaign.endsOn].sort()[0],
    },
  }, admin);

  await waitFor("connected", () => connections === 1);
  let heard = nextEvent();
  await sign(unsigned[0]);
  await heard;

  // The leader signs out: the server ends the connection with 4403.
  await graphql(operation("Logout"), { refreshToken: session.refreshToken }, session.accessToken);
  await waitFor("closed with 4403, then connected again with a fresh token", () => connections === 2);
  check(closes[0] === 4403, `the first close is 4403, got ${closes}`);

  heard = nextEvent();
  await sign(unsigned[1]);
  await heard;
  check(events.length === 2 && events.every((e) => !e.errors), `two events, no error: ${JSON.stringify(events)}`);
  check(events[1].data.coverageUpdated.group.id === group.id, "the event after reconnecting is the group's");

  await client.dispose();
  await Promise.race([done, new Promise((r) => setTimeout(r, 1000))]);
  console.log(`graphql-ws: closed ${closes.join(", ")}, reconnected with a fresh token, ${events.length} events: ok`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
