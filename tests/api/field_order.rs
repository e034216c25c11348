//! Every object of a response lists its fields in the order the request asked for them, including fields
//! resolved through dataloaders (which finish after their siblings) and loaders nested in loaders.

use async_graphql::parser::{
    parse_query,
    types::{DocumentOperations, Selection, SelectionSet},
};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::json;

use crate::{coverage::Fixture, helpers::unknown_id};

/// A day before the fixture's today, for the good deed.
const PAST_DAY: &str = "2023-05-01";

/// JSON as the client received it, with each object's keys in their textual order.
enum Ordered {
    Object(Vec<(String, Ordered)>),
    List(Vec<Ordered>),
    Scalar,
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Ordered>()? {
                    entries.push((key, value));
                }
                Ok(Ordered::Object(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Ordered>()? {
                    items.push(item);
                }
                Ok(Ordered::List(items))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
        }
        deserializer.deserialize_any(OrderedVisitor)
    }
}

/// Asserts that `value` and everything under it has exactly the fields of `set`, in its order, and
/// counts the objects checked.
fn assert_in_request_order(value: &Ordered, set: &SelectionSet, path: &str, checked: &mut usize) {
    match value {
        Ordered::List(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_in_request_order(item, set, &format!("{path}[{i}]"), checked);
            }
        }
        Ordered::Object(entries) => {
            let fields: Vec<_> = set
                .items
                .iter()
                .map(|s| match &s.node {
                    Selection::Field(field) => field,
                    _ => panic!("these queries use no fragments"),
                })
                .collect();
            let asked: Vec<&str> = fields.iter().map(|f| f.node.response_key().node.as_str()).collect();
            let answered: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
            assert_eq!(answered, asked, "the keys of {path}");
            *checked += 1;
            for ((key, child), field) in entries.iter().zip(fields) {
                assert_in_request_order(
                    child,
                    &field.node.selection_set.node,
                    &format!("{path}.{key}"),
                    checked,
                );
            }
        }
        Ordered::Scalar => {}
    }
}

/// The body of `query` sent as the administrator, as text: a JSON map would not keep the order.
async fn raw_answer(app: &crate::helpers::TestApp, query: &str, variables: serde_json::Value) -> String {
    app.client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request sent")
        .text()
        .await
        .expect("a body")
}

/// Sends `query` as the administrator and checks the order of every object of `data`; returns how many
/// objects were checked.
async fn objects_in_order(fixture: &Fixture, query: &str, variables: serde_json::Value) -> usize {
    let app = &fixture.app;
    let text = raw_answer(app, query, variables).await;
    let body: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(body.get("errors").is_none(), "{body:#}");
    let Ordered::Object(top) = serde_json::from_str::<Ordered>(&text).expect("JSON") else {
        panic!("not an object: {text}")
    };
    let data = &top.iter().find(|(key, _)| key == "data").expect("data").1;
    let document = parse_query(query).expect("a valid query");
    let DocumentOperations::Single(operation) = document.operations else { panic!("one operation") };
    let mut checked = 0;
    assert_in_request_order(data, &operation.node.selection_set.node, "data", &mut checked);
    checked
}

#[tokio::test]
async fn every_object_answers_its_fields_in_the_order_asked_even_behind_dataloaders() {
    // Arrange: the coverage drive, a good deed in group 1 and a ward official.
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    app.gql_ok(
        "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
        json!({ "input": {
            "clientMutationId": unknown_id(), "groupId": fixture.groups["1"],
            "householdId": fixture.households["H101"], "category": "PATROL",
            "occurredOn": PAST_DAY, "description": "Tuần tra đêm"
        } }),
    )
    .await;
    app.user_with_role("official", "WARD_OFFICIAL", Some(&fixture.lam_son), None).await;
    let variables = json!({
        "campaignId": fixture.campaign, "groupId": fixture.groups["2"], "wardId": fixture.lam_son
    });
    // Each selection puts the fields resolved through loaders first, nested loaders inside them.
    let queries = [
        "query($campaignId: ID!) { coverageReport(campaignId: $campaignId) {
            groups {
                group { ward { name code } households(first: 2) { totalCount } code }
                unsignedHouseholds(first: 3) { edges { node { group { ward { code } code } code } } totalCount }
                coverage totalHouseholds
            }
            wards { ward { groups(first: 3) { totalCount } code } coverage groupsTotal }
            campaign { ward { code } title }
            daily { cumulativeSigned date }
            totalHouseholds asOf
        } }",
        "query($groupId: ID!, $campaignId: ID!) { households(groupId: $groupId) {
            edges { node {
                pledges { campaign { ward { code } title } household { group { code } code } recordedBy { displayName } status }
                pledge(campaignId: $campaignId) { recordedBy { displayName } household { code } signerName }
                group { ward { code } name }
                code headName
            } cursor }
            totalCount pageInfo { hasNextPage }
        } }",
        "query { wards { edges { node {
            groups { edges { node { households { edges { node { group { code } code } } totalCount } ward { code } code } } totalCount }
            code name
        } } totalCount } }",
        "query { users { edges { node {
            roleAssignments { group { ward { code } code } ward { groups { totalCount } code } role }
            username displayName
        } } } }",
        "query { goodDeeds { edges { node {
            recordedBy { displayName } household { pledges { status } group { code } code } group { ward { code } code }
            category status
        } } totalCount } }",
        "query($wardId: ID!) { goodDeedReport(wardId: $wardId) {
            groups { group { ward { code } code } total byCategory { category count } }
            total byStatus { status count }
        } }",
        "query { campaigns { edges { node { ward { groups { totalCount } code } title status } } } }",
        "query { me { roleAssignments { role } username } changes {
            households { group { ward { code } code } code }
            pledges { household { group { code } code } campaign { title } status }
            goodDeeds { group { code } household { code } status }
            cursor
        } }",
    ];

    for query in queries {
        // Act
        let checked = objects_in_order(&fixture, query, variables.clone()).await;

        // Assert: something was there to check.
        assert!(checked > 3, "only {checked} objects in the answer to {query}");
    }
}

#[tokio::test]
async fn a_field_left_out_by_skip_or_include_does_not_set_the_order_of_its_repeat() {
    // Arrange: `id` is asked twice; its first appearance is left out, so it answers after `displayName`.
    let app = crate::helpers::spawn_app().await;
    let queries = [
        ("query($s: Boolean!) { me { id @skip(if: $s) displayName id } }", json!({ "s": true })),
        ("query($i: Boolean!) { me { id @include(if: $i) displayName id } }", json!({ "i": false })),
        ("{ me { ... @skip(if: true) { id } displayName id } }", json!({})),
    ];

    for (query, variables) in queries {
        // Act
        let text = raw_answer(&app, query, variables).await;

        // Assert
        let Ordered::Object(top) = serde_json::from_str::<Ordered>(&text).expect("JSON") else {
            panic!("{text}")
        };
        let Some((_, Ordered::Object(data))) = top.iter().find(|(key, _)| key == "data") else {
            panic!("{text}")
        };
        let Some((_, Ordered::Object(me))) = data.iter().find(|(key, _)| key == "me") else {
            panic!("{text}")
        };
        let keys: Vec<&str> = me.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["displayName", "id"], "{query}: {text}");
    }
}
