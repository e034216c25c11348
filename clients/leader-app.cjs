// The group leader's app flow, as an Apollo Client 3 app runs it: every screen's operation from
// schema/operations/ (sign in, pick the campaign, list and search households, record one and a batch,
// withdraw, a good deed, sync, coverage, live updates, refresh, sign out). Shared by apollo.cjs.
const { readFileSync } = require("node:fs");
const { randomUUID } = require("node:crypto");
const { gql } = require("@apollo/client/core");

const folder = `${__dirname}/../schema/operations`;
const documents = {};
for (const name of [
  "Login", "Me", "Campaigns", "GroupHouseholds", "CreateHousehold", "UpdateHousehold", "RecordPledge",
  "RecordPledges", "WithdrawPledge", "RecordGoodDeed", "Changes", "GroupCoverage", "CoverageUpdated",
  "RefreshSession", "Logout",
]) {
  documents[name] = gql(readFileSync(`${folder}/${name}.graphql`, "utf8"));
}

/// Today in Vietnam (UTC+7, no daylight saving), as the phone would date a signature.
function vietnamToday() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/// Runs the whole flow once with `client`; `session.token` is the bearer token the links read, and
/// `session.calls` counts the operations run, by name. Returns the group and campaign it worked on.
async function leaderFlow(client, session, { username, password, pass }) {
  const calls = (session.calls ||= new Map());
  const called = (name) => calls.set(name, (calls.get(name) || 0) + 1);
  const query = async (name, variables) => {
    called(name);
    const { data, errors } = await client.query({ query: documents[name], variables, fetchPolicy: "network-only" });
    check(!errors, `${name}: ${JSON.stringify(errors)}`);
    return data;
  };
  const mutate = async (name, variables) => {
    called(name);
    const { data, errors } = await client.mutate({ mutation: documents[name], variables });
    check(!errors, `${name}: ${JSON.stringify(errors)}`);
    return data;
  };

  const { login } = await mutate("Login", { input: { username, password } });
  session.token = login.accessToken;
  check(login.user.__typename === "User", "Login: the answer carries __typename for Apollo's cache");
  const { me } = await query("Me");
  const group = me.roleAssignments.find((r) => r.role === "GROUP_LEADER").group;

  const { campaigns } = await query("Campaigns", { first: 20 });
  const campaign = campaigns.edges.map((e) => e.node).find((c) => c.status === "OPEN");
  check(campaign, "Campaigns: the leader finds the open campaign");

  const page = await query("GroupHouseholds", { groupId: group.id, campaignId: campaign.id, first: 100 });
  const households = page.households.edges.map((e) => e.node);
  check(households.length > 0, "GroupHouseholds: a page of the leader's households");
  const unsigned = households.filter((h) => h.status === "ACTIVE" && !h.pledge);
  check(unsigned.length >= 3, `GroupHouseholds: at least 3 unsigned households (pass ${pass})`);
  const word = households[0].headName.split(" ")[0];
  const found = await query("GroupHouseholds", {
    groupId: group.id, campaignId: campaign.id, first: 20, filter: { search: word },
  });
  check(found.households.totalCount >= 1, `GroupHouseholds: searching "${word}" finds a household`);

  const code = `APP-${pass}-${randomUUID().slice(0, 8)}`;
  const { createHousehold } = await mutate("CreateHousehold", {
    input: { groupId: group.id, code, headName: "Lê Thị Hoa", address: "Số 3 Lê Hoàn", memberCount: 3 },
  });
  const { updateHousehold } = await mutate("UpdateHousehold", {
    id: createHousehold.id, expectedVersion: createHousehold.version, input: { memberCount: 4 },
  });
  check(updateHousehold.memberCount === 4, "UpdateHousehold: the change is kept");

  // Live updates: the coverage of the campaign, heard while a pledge is recorded.
  const heard = new Promise((resolve, reject) => {
    const subscription = client
      .subscribe({ query: documents.CoverageUpdated, variables: { campaignId: campaign.id } })
      .subscribe({
        next: ({ data }) => { subscription.unsubscribe(); resolve(data.coverageUpdated); },
        error: reject,
      });
    setTimeout(() => reject(new Error("CoverageUpdated: no event within 10 s")), 10000);
  });
  await new Promise((resolve) => setTimeout(resolve, 300));

  // Signed today, or on the campaign's last day when it has ended (the demo's campaign is 2023's).
  const signedOn = [vietnamToday(), campaign.endsOn].sort()[0];
  const pledgeInput = (household) => ({
    clientMutationId: randomUUID(), householdId: household.id, campaignId: campaign.id,
    signerName: household.headName, signedOn,
  });
  const { recordPledge } = await mutate("RecordPledge", { input: pledgeInput(unsigned[0]) });
  check(recordPledge.status === "SIGNED", "RecordPledge: signed");
  const event = await heard;
  check(event.group.id === group.id, "CoverageUpdated: the leader's group moved");

  const { recordPledges } = await mutate("RecordPledges", { inputs: [pledgeInput(unsigned[1]), pledgeInput(unsigned[2])] });
  check(recordPledges.every((r) => r.pledge && !r.error), `RecordPledges: ${JSON.stringify(recordPledges)}`);
  const { withdrawPledge } = await mutate("WithdrawPledge", { id: recordPledge.id, reason: "Hộ đề nghị ký lại" });
  check(withdrawPledge.status === "WITHDRAWN", "WithdrawPledge: withdrawn");

  const { recordGoodDeed } = await mutate("RecordGoodDeed", {
    input: {
      clientMutationId: randomUUID(), groupId: group.id, householdId: unsigned[1].id, category: "PATROL",
      occurredOn: signedOn, description: "Tuần tra đêm cùng tổ bảo vệ dân phố",
    },
  });
  check(recordGoodDeed.status, "RecordGoodDeed: recorded");

  const { changes } = await query("Changes", { since: null, first: 100 });
  check(changes.households.length + changes.pledges.length > 0, "Changes: the phone syncs rows");
  const { coverageReport } = await query("GroupCoverage", { campaignId: campaign.id, groupId: group.id, first: 10 });
  check(coverageReport.totalHouseholds >= households.length, "GroupCoverage: the group's figures");

  const { refreshSession } = await mutate("RefreshSession", { refreshToken: login.refreshToken });
  session.token = refreshSession.accessToken;
  const { logout } = await mutate("Logout", { refreshToken: refreshSession.refreshToken });
  check(logout === true, "Logout: the session ends");
  return { group, campaign };
}

module.exports = { documents, leaderFlow, check, vietnamToday };
