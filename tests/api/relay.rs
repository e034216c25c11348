//! What Relay needs of the schema beyond the permission matrix (`permissions::nodes`): one id names one
//! object across every type (the recorder of a pledge is no second object with its user's id), `node`
//! costs one lookup and one read, `nodes` is bounded, and fragments on `Node` read each type's fields.

use std::collections::HashMap;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    drive::{VIETNAM_NOON, open_campaign, pledge_input, recorded, set_clock},
    helpers::{create_household, error_code, error_field, unknown_id},
    world::World,
};

/// Every `id` of every object of `value` with the `__typename` it came with.
fn typed_ids(value: &Value, seen: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            if let (Some(Value::String(id)), Some(Value::String(typename))) =
                (fields.get("id"), fields.get("__typename"))
            {
                seen.push((id.clone(), typename.clone()));
            }
            fields.values().for_each(|v| typed_ids(v, seen));
        }
        Value::Array(items) => items.iter().for_each(|v| typed_ids(v, seen)),
        _ => {}
    }
}

#[tokio::test]
async fn a_pledges_recorder_shares_no_id_with_another_type_and_its_user_id_is_the_users_node() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    set_clock(app, VIETNAM_NOON);
    let campaign = open_campaign(app, "Chiến dịch 2023", None).await;
    let input = pledge_input(&Uuid::now_v7().to_string(), &world.household_id, &campaign);
    recorded(app, &world.leader_token, &input).await;

    // Act: what relay-runtime normalises in one store, as the leader sees it.
    let body = app
        .gql_with(
            Some(&world.leader_token),
            "query($h: ID!) {
                me { __typename id displayName }
                household(id: $h) { __typename id pledges { __typename id
                    recordedBy { __typename userId displayName }
                    household { __typename id } campaign { __typename id }
                } group { __typename id ward { __typename id } } }
            }",
            json!({ "h": world.household_id }),
        )
        .await;
    let recorder_fields = app.gql_ok("{ __type(name: \"Recorder\") { fields { name } } }", json!({})).await;
    let user_id = body["data"]["household"]["pledges"][0]["recordedBy"]["userId"].clone();
    let user = app
        .gql_ok(
            "query($id: ID!) { node(id: $id) { __typename id ... on User { displayName } } }",
            json!({ "id": user_id }),
        )
        .await;

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    let mut seen = Vec::new();
    typed_ids(&body["data"], &mut seen);
    let mut types_of: HashMap<String, Vec<String>> = HashMap::new();
    for (id, typename) in seen {
        let types = types_of.entry(id).or_default();
        if !types.contains(&typename) {
            types.push(typename);
        }
    }
    let clashes: Vec<_> = types_of.iter().filter(|(_, types)| types.len() > 1).collect();
    assert!(clashes.is_empty(), "ids of two types: {clashes:?}");
    assert_eq!(recorder_fields["__type"]["fields"], json!([{ "name": "userId" }, { "name": "displayName" }]));
    assert_eq!(user_id, json!(world.leader_id));
    assert_eq!(body["data"]["me"]["id"], user_id);
    assert_eq!(
        user["node"],
        json!({ "__typename": "User", "id": world.leader_id, "displayName": crate::world::LEADER_NAME })
    );
}

#[tokio::test]
async fn node_costs_one_lookup_and_one_read_and_nodes_one_read_per_kind_not_per_id() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let mut households = Vec::new();
    for n in 0..20 {
        households.push(create_household(app, &world.group_id, &format!("N{n}"), "Phạm Văn Nam").await);
    }
    app.until_caller_remembered(&app.admin_token).await;
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
    let mixed =
        json!([world.group_id, world.household_id, world.leader_id, households[0], world.other_group_id]);

    // Act
    let (one, one_body) = app.statements_during(app.gql(node, json!({ "id": households[3] }))).await;
    let (twenty, twenty_body) = app.statements_during(app.gql(nodes, json!({ "ids": households }))).await;
    let (three_kinds, mixed_body) = app.statements_during(app.gql(nodes, json!({ "ids": mixed }))).await;

    // Assert
    assert_eq!(one_body["data"]["node"]["id"], json!(households[3]), "{one_body:#}");
    assert_eq!(twenty_body["data"]["nodes"].as_array().map(Vec::len), Some(20), "{twenty_body:#}");
    assert!(mixed_body.get("errors").is_none(), "{mixed_body:#}");
    assert_eq!(one, 2, "node: which table, then the household");
    assert_eq!(twenty, 2, "twenty households: which tables, then the twenty");
    assert_eq!(three_kinds, 4, "groups, households and a user: which tables, then one read per kind");
}

#[tokio::test]
async fn nodes_takes_at_most_100_ids_and_a_malformed_id_fails_alone_at_its_index() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let too_many: Vec<String> = (0..101).map(|_| unknown_id()).collect();
    let nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }";

    // Act
    let refused = app.gql(nodes, json!({ "ids": too_many })).await;
    let mixed = app.gql(nodes, json!({ "ids": [world.ward_id, "not-an-id", world.group_id] })).await;
    let malformed = app.gql("{ node(id: \"42\") { id } }", json!({})).await;

    // Assert
    assert_eq!(error_code(&refused), "LIMIT_EXCEEDED", "{refused:#}");
    assert_eq!(refused["errors"][0]["extensions"]["limit"], "nodes");
    assert_eq!(refused["errors"][0]["extensions"]["max"], 100);
    assert_eq!(refused["errors"][0]["extensions"]["actual"], 101);
    assert_eq!(refused["data"], Value::Null);
    assert_eq!(
        mixed["data"]["nodes"],
        json!([
            { "__typename": "Ward", "id": world.ward_id },
            null,
            { "__typename": "ResidentialGroup", "id": world.group_id }
        ])
    );
    assert_eq!(mixed["errors"].as_array().map(Vec::len), Some(1), "{mixed:#}");
    assert_eq!(mixed["errors"][0]["path"], json!(["nodes", 1]));
    assert_eq!(error_code(&mixed), "BAD_USER_INPUT");
    assert_eq!(error_field(&mixed), "ids.1");
    assert_eq!(malformed["data"], json!({ "node": null }));
    assert_eq!((error_code(&malformed), error_field(&malformed)), ("BAD_USER_INPUT", "id"));
}

#[tokio::test]
async fn fragments_on_node_read_each_types_own_fields() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;

    // Act
    let body = app
        .gql_ok(
            "query($ids: [ID!]!) { nodes(ids: $ids) {
                ... on Household { code headName }
                id
                ... on Ward { name groups(last: 1) { edges { node { code } } } }
                __typename
            } }",
            json!({ "ids": [world.household_id, world.ward_id] }),
        )
        .await;

    // Assert
    assert_eq!(
        body["nodes"],
        json!([
            { "code": "H1", "headName": "Nguyễn Văn An", "id": world.household_id, "__typename": "Household" },
            { "id": world.ward_id, "name": "Phường Lam Sơn", "groups": { "edges": [{ "node": { "code": "2" } }] },
              "__typename": "Ward" }
        ])
    );
}
