//! `node` and `nodes` against the permission matrix: every kind of object, in and out of each role's
//! scope. An object the caller may see comes back with its type and id; one outside their scope answers
//! exactly like an id that names nothing (`null` and one `NOT_FOUND` error), and the direct lookups
//! (`ward`, `group`, `household`, `campaign`) agree with `node` on every object they can name.

use serde_json::{Value, json};

use super::{Caller, world::World};
use crate::{
    drive::recorded,
    helpers::{backend, unknown_id},
    world::vietnam_today,
};

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id } }";
const NODES: &str = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }";

/// One object of the world and who may see it: (ADMIN, WARD_OFFICIAL of A, GROUP_LEADER of 11,
/// WARD_POLICE of A).
struct Target {
    label: &'static str,
    typename: &'static str,
    id: String,
    /// The direct lookup that names it, if there is one.
    lookup: Option<&'static str>,
    sees: [bool; 4],
}

const EVERYONE: [bool; 4] = [true, true, true, true];
const OFFICIAL: [bool; 4] = [true, true, false, false];
const ADMIN: [bool; 4] = [true, false, false, false];
/// What lies in ward A but outside group 11: the official and the police see it, the leader does not.
const WARD: [bool; 4] = [true, true, false, true];
/// The households of group 11 and what belongs to them: everyone but the police.
const HOUSEHOLD_11: [bool; 4] = [true, true, true, false];

fn target(label: &'static str, typename: &'static str, id: &str, sees: [bool; 4]) -> Target {
    let lookup = match typename {
        "Ward" => Some("ward"),
        "ResidentialGroup" => Some("group"),
        "Household" => Some("household"),
        "Campaign" => Some("campaign"),
        _ => None,
    };
    Target { label, typename, id: id.to_owned(), lookup, sees }
}

/// A pledge of each household for the campaign for every ward, and a good deed of each group, all
/// recorded by the administrator; every kind of object of the world, with who may see it.
async fn targets(world: &World) -> Vec<Target> {
    let app = &world.app;
    let mut pledges = Vec::new();
    let mut deeds = Vec::new();
    for (household, group) in [
        (&world.household_11, &world.group_11),
        (&world.household_12, &world.group_12),
        (&world.household_21, &world.group_21),
    ] {
        let input = json!({
            "clientMutationId": unknown_id(), "householdId": household.id, "campaignId": world.campaign_all.id,
            "signerName": household.name, "signedOn": vietnam_today(app).to_string()
        });
        pledges.push(recorded(app, &app.admin_token, &input).await["id"].as_str().expect("id").to_owned());
        let deed = app
            .gql_ok(
                "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
                json!({ "input": {
                    "clientMutationId": unknown_id(), "groupId": group.id, "category": "PATROL",
                    "occurredOn": "2023-01-15", "description": format!("Tuần tra tổ {}", group.code)
                } }),
            )
            .await;
        deeds.push(deed["recordGoodDeed"]["id"].as_str().expect("id").to_owned());
    }
    let users = app.gql_ok("{ users { edges { node { id username } } } }", json!({})).await;
    let user = |username: &str| -> String {
        users["users"]["edges"]
            .as_array()
            .expect("users")
            .iter()
            .find(|edge| edge["node"]["username"] == username)
            .and_then(|edge| edge["node"]["id"].as_str())
            .unwrap_or_else(|| panic!("no user {username}"))
            .to_owned()
    };
    let event = |filter: Value| async move {
        let data = app
            .gql_ok(
                "query($filter: AuditEventFilterInput) { auditEvents(filter: $filter, first: 1) { edges { node { id } } } }",
                json!({ "filter": filter }),
            )
            .await;
        data["auditEvents"]["edges"][0]["node"]["id"].as_str().expect("an event").to_owned()
    };
    let created = |id: &str| json!({ "targetId": id, "action": "household.create" });
    let event_a = event(created(&world.household_11.id)).await;
    let event_b = event(created(&world.household_21.id)).await;
    let sign_in = event(json!({ "action": "session.login", "actorId": user("root") })).await;
    let mut tallies = Vec::new();
    for ward in [&world.ward_a, &world.ward_b] {
        let tally = app
            .gql_ok(
                "mutation($input: RecordIncidentTallyInput!) { recordIncidentTally(input: $input) { id } }",
                json!({ "input": { "wardId": ward.id, "month": "2023-07", "category": "FIRE", "count": 1 } }),
            )
            .await;
        tallies.push(tally["recordIncidentTally"]["id"].as_str().expect("id").to_owned());
    }
    let mut assessments = Vec::new();
    for group in [&world.group_11, &world.group_12, &world.group_21] {
        let assessed = app
            .gql_ok(
                "mutation($input: AssessGroupInput!) { assessGroup(input: $input) { id } }",
                json!({ "input": { "groupId": group.id, "year": 2023, "level": "KHA" } }),
            )
            .await;
        assessments.push(assessed["assessGroup"]["id"].as_str().expect("id").to_owned());
    }
    vec![
        target("ward A", "Ward", &world.ward_a.id, EVERYONE),
        target("ward B", "Ward", &world.ward_b.id, ADMIN),
        target("group 11", "ResidentialGroup", &world.group_11.id, EVERYONE),
        target("group 12", "ResidentialGroup", &world.group_12.id, WARD),
        target("group 21", "ResidentialGroup", &world.group_21.id, ADMIN),
        target("household 11", "Household", &world.household_11.id, HOUSEHOLD_11),
        target("household 12", "Household", &world.household_12.id, OFFICIAL),
        target("household 21", "Household", &world.household_21.id, ADMIN),
        target("campaign for every ward", "Campaign", &world.campaign_all.id, EVERYONE),
        target("campaign of A", "Campaign", &world.campaign_a.id, EVERYONE),
        target("campaign of B", "Campaign", &world.campaign_b.id, ADMIN),
        target("pledge of household 11", "Pledge", &pledges[0], HOUSEHOLD_11),
        target("pledge of household 12", "Pledge", &pledges[1], OFFICIAL),
        target("pledge of household 21", "Pledge", &pledges[2], ADMIN),
        target("good deed of group 11", "GoodDeed", &deeds[0], HOUSEHOLD_11),
        target("good deed of group 12", "GoodDeed", &deeds[1], OFFICIAL),
        target("good deed of group 21", "GoodDeed", &deeds[2], ADMIN),
        target("the administrator", "User", &user("root"), ADMIN),
        target("the official of A", "User", &user("official.a"), OFFICIAL),
        // The police see only themselves among users.
        target("the leader of 11", "User", &user("leader.11"), [true, true, true, false]),
        target("the police of A", "User", &user("police.a"), [true, true, false, true]),
        target("the police of B", "User", &user("police.b"), ADMIN),
        target("the official of B", "User", &user("official.b"), ADMIN),
        target("the leader of 21", "User", &user("leader.21"), ADMIN),
        target("audit event in ward A", "AuditEvent", &event_a, OFFICIAL),
        target("audit event in ward B", "AuditEvent", &event_b, ADMIN),
        target("audit event of no ward", "AuditEvent", &sign_in, ADMIN),
        target("incident tally of A", "IncidentTally", &tallies[0], WARD),
        target("incident tally of B", "IncidentTally", &tallies[1], ADMIN),
        // Assessments are part of the ward's report: its officials and police read them all, a leader
        // their own group's.
        target("assessment of group 11", "GroupAssessment", &assessments[0], EVERYONE),
        target("assessment of group 12", "GroupAssessment", &assessments[1], WARD),
        target("assessment of group 21", "GroupAssessment", &assessments[2], ADMIN),
    ]
}

/// Checks every target against one caller: `node` one by one, the direct lookups, and `nodes` at once.
async fn check_caller(world: &World, targets: &[Target], caller: Caller, column: usize) -> Vec<String> {
    let app = &world.app;
    let token = world.token(caller);
    let mut failures = Vec::new();
    let missing = app.gql_with(token.as_deref(), NODE, json!({ "id": unknown_id() })).await;
    let mut fail = |what: String| failures.push(format!("{caller:?} × {what}"));
    if missing["data"] != json!({ "node": null }) || missing["errors"][0]["extensions"]["code"] != "NOT_FOUND"
    {
        fail(format!("an unknown id: {missing}"));
    }
    for target in targets {
        let body = app.gql_with(token.as_deref(), NODE, json!({ "id": target.id })).await;
        let seen = json!({ "data": { "node": { "__typename": target.typename, "id": target.id } } });
        if target.sees[column] {
            if body != seen {
                fail(format!("{}: expected it, got {body}", target.label));
            }
        } else {
            // Out of scope must read exactly as unknown: same message, extensions and path.
            let mut unknown = missing.clone();
            unknown["errors"][0]["locations"] = body["errors"][0]["locations"].clone();
            if body != unknown {
                fail(format!("{}: expected it to read as unknown, got {body}", target.label));
            }
        }
        if let Some(field) = target.lookup {
            let query = format!("query($id: ID!) {{ {field}(id: $id) {{ id }} }}");
            let direct = app.gql_with(token.as_deref(), &query, json!({ "id": target.id })).await;
            if direct.get("errors").is_none() != target.sees[column] {
                fail(format!("{}: `{field}` disagrees with `node`: {direct}", target.label));
            }
        }
    }
    let mut ids: Vec<String> = targets.iter().map(|t| t.id.clone()).collect();
    ids.push(unknown_id());
    let body = app.gql_with(token.as_deref(), NODES, json!({ "ids": ids })).await;
    let expected: Vec<Value> = targets
        .iter()
        .map(|t| match t.sees[column] {
            true => json!({ "__typename": t.typename, "id": t.id }),
            false => Value::Null,
        })
        .chain([Value::Null])
        .collect();
    if body["data"]["nodes"] != json!(expected) {
        fail(format!("nodes: got {}", body["data"]["nodes"]));
    }
    let hidden: Vec<Value> = (0..ids.len())
        .filter(|i| targets.get(*i).is_none_or(|t| !t.sees[column]))
        .map(|i| json!(["nodes", i]))
        .collect();
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    let paths: Vec<Value> = errors.iter().map(|e| e["path"].clone()).collect();
    if paths != hidden || errors.iter().any(|e| e["extensions"]["code"] != "NOT_FOUND") {
        fail(format!("nodes: errors {}", json!(errors)));
    }
    failures
}

#[tokio::test]
async fn node_and_nodes_answer_each_role_exactly_the_objects_its_other_reads_show() {
    // Arrange
    let world = World::build().await;
    let targets = targets(&world).await;

    // Act
    let mut failures = Vec::new();
    for (column, caller) in
        [Caller::Admin, Caller::Official, Caller::Leader, Caller::Police].into_iter().enumerate()
    {
        failures.extend(check_caller(&world, &targets, caller, column).await);
    }
    let anonymous = world.app.gql_with(None, NODE, json!({ "id": world.ward_a.id })).await;

    // Assert
    assert!(
        failures.is_empty(),
        "{} failures on {}:\n{}",
        failures.len(),
        backend(&world.app),
        failures.join("\n")
    );
    assert_eq!(anonymous["data"], json!({ "node": null }), "{anonymous}");
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{anonymous}");
}
