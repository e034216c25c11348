// relay-runtime 21 against a live server holding group leaders to registered operations, with the
// artifacts relay-compiler wrote from relay/src/ and their ids in relay/persisted_queries.json (which
// the server was started with). Every request sends `doc_id` only, as a Relay app's network layer does.
//
//   node relay.cjs <url>
//
// It loads the households screen, pages through the connection both ways, refetches one row
// through `node`, and fails on any warning relay-runtime prints (a clash of ids between types is one).
const { readFileSync } = require("node:fs");
const { Environment, Network, RecordSource, Store, fetchQuery } = require("relay-runtime");
const { check } = require("./leader-app.cjs");

const url = process.argv[2];
const password = process.env.PLEDGE_DEMO_PASSWORD || "demo-password-2023";
const warnings = [];
for (const level of ["error", "warn"]) {
  const original = console[level];
  console[level] = (...args) => {
    warnings.push(args.join(" "));
    original(...args);
  };
}

// relay-compiler writes ES modules (`export default node`); Node's require hands back their namespace.
const artifact = (name) => {
  const loaded = require(`./relay/__generated__/${name}.graphql.js`);
  return loaded.default ?? loaded;
};
const manifest = JSON.parse(readFileSync(`${__dirname}/relay/persisted_queries.json`, "utf8"));

async function post(body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify(body) });
  return response.json();
}

/// A registered operation of the leaders' app, by the text of its file.
async function registered(name, variables, token) {
  const text = readFileSync(`${__dirname}/../schema/operations/${name}.graphql`, "utf8");
  return post({ query: text, variables }, token);
}

// fetchQuery hands back data masked to the query's own fields (a fragment's fields stay behind its
// reference), so the checks read each operation's answer as the network layer received it.
function environment(token, errors, answers) {
  const network = Network.create(async (params, variables) => {
    check(params.id && manifest[params.id] && !params.text, `${params.name}: persisted, sent by id`);
    const answer = await post({ doc_id: params.id, variables }, token);
    errors.push(...(answer.errors || []));
    answers.set(params.name, answer.data);
    return answer;
  });
  return new Environment({ network, store: new Store(new RecordSource()) });
}

async function main() {
  const login = await registered("Login", { input: { username: "tdp12.leader", password } });
  const token = login.data.login.accessToken;
  const me = login.data.login.user;
  const groupId = me.roleAssignments.find((r) => r.role === "GROUP_LEADER").group.id;
  const campaigns = await registered("Campaigns", { first: 20 }, token);
  const campaignId = campaigns.data.campaigns.edges.find((e) => e.node.status === "OPEN").node.id;

  const errors = [];
  const answers = new Map();
  const env = environment(token, errors, answers);
  const screen = await fetchQuery(env, artifact("householdsScreenQuery"), { groupId, campaignId }).toPromise();
  check(screen.group.id === groupId, "householdsScreenQuery: the leader's group");

  // The connection by fives, forward from its start and, in a fresh store, backward from its end: the same
  // households, each page merged into the connection by relay-runtime's handler without a warning.
  const paginate = artifact("householdsListPaginationQuery");
  const walk = async (backward) => {
    const store = environment(token, errors, answers);
    const pages = [];
    let cursor = null;
    for (;;) {
      const variables = backward
        ? { count: null, cursor: null, last: 5, before: cursor }
        : { count: 5, cursor, last: null, before: null };
      await fetchQuery(store, paginate, { id: groupId, campaignId, ...variables }).toPromise();
      const { edges, pageInfo } = answers.get(paginate.params.name).node.households;
      check(edges.length > 0 && edges.length <= 5, "pages of at most five");
      pages.push(edges.map((e) => e.node.id));
      if (!(backward ? pageInfo.hasPreviousPage : pageInfo.hasNextPage)) break;
      cursor = backward ? pageInfo.startCursor : pageInfo.endCursor;
      check(pages.length < 100, "paging ends");
    }
    return (backward ? pages.reverse() : pages).flat();
  };
  const forward = await walk(false);
  const backward = await walk(true);
  check(forward.length > 5, "more than one page of households");
  check(JSON.stringify(backward) === JSON.stringify(forward), "backward from the end visits what forward does");

  // One row refetched through `node`, as `@refetchable` does.
  const household = forward[0];
  const refetch = artifact("householdsRowRefetchQuery");
  await fetchQuery(env, refetch, { id: household, campaignId }).toPromise();
  const refetched = answers.get(refetch.params.name);
  check(refetched.node && refetched.node.id === household, "node(id) answers the household");

  // Another group's household is not the leader's: `node` answers null with NOT_FOUND, never data.
  const admin = (await registered("Login", { input: { username: "admin", password } })).data.login.accessToken;
  const other = await post(
    { query: `{ wards(first: 1) { edges { node { groups(first: 20) { edges { node { id households(first: 1) { edges { node { id } } } } } } } } } }` },
    admin,
  );
  const otherHousehold = other.data.wards.edges[0].node.groups.edges
    .map((e) => e.node)
    .find((g) => g.id !== groupId).households.edges[0].node.id;
  const outOfScope = await post({ doc_id: artifact("householdsRowRefetchQuery").params.id, variables: { id: otherHousehold, campaignId } }, token);
  check(outOfScope.data && outOfScope.data.node === null, `another group's household is null: ${JSON.stringify(outOfScope)}`);
  check(outOfScope.errors?.[0]?.extensions?.code === "NOT_FOUND", "and the error says NOT_FOUND");

  check(errors.length === 0, `no GraphQL error: ${JSON.stringify(errors)}`);
  check(warnings.length === 0, `relay-runtime printed no warning: ${warnings.join("\n")}`);
  console.log(`relay: screen, ${forward.length} households paged forward and back, node refetch: ok`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
