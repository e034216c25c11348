//! `goodDeeds`: the deeds in the caller's scope, newest recorded first, narrowed by group, household,
//! category, status and the day they happened, page by page.

use serde_json::{Value, json};

use super::{World, deed_input, recorded_deed};
use crate::helpers::{TestApp, error_code, error_field};

const LIST: &str = "query($filter: GoodDeedFilterInput, $first: Int, $after: String) {
    goodDeeds(filter: $filter, first: $first, after: $after) {
        totalCount edges { cursor node { description } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}";

/// Six deeds, recorded by the administrator in this order (newest last):
/// d1 group 1, H1, CRIME_REPORT, 2024-01-10;       d2 group 1, no household, PATROL, 2024-02-10;
/// d3 group 2, H2, PATROL, 2024-03-10;             d4 group 1, H1, FIRE_PREVENTION, 2024-04-10, VERIFIED;
/// d5 group 21 of W2, H21, PATROL, 2024-05-10, REJECTED;   d6 group 2, no household, OTHER, 2024-06-10.
async fn six_deeds(world: &World) {
    let app = &world.app;
    let deeds = [
        ("d1", &world.group_id, Some(&world.household_id), "CRIME_REPORT", "2024-01-10", None),
        ("d2", &world.group_id, None, "PATROL", "2024-02-10", None),
        ("d3", &world.other_group_id, Some(&world.other_household_id), "PATROL", "2024-03-10", None),
        ("d4", &world.group_id, Some(&world.household_id), "FIRE_PREVENTION", "2024-04-10", Some(true)),
        (
            "d5",
            &world.foreign_group_id,
            Some(&world.foreign_household_id),
            "PATROL",
            "2024-05-10",
            Some(false),
        ),
        ("d6", &world.other_group_id, None, "OTHER", "2024-06-10", None),
    ];
    for (description, group, household, category, day, decision) in deeds {
        let mut input = deed_input(group, household.map(String::as_str), category, description);
        input["occurredOn"] = json!(day);
        let deed = recorded_deed(app, &app.admin_token, &input).await;
        if let Some(approve) = decision {
            app.gql_ok(
                "mutation($id: ID!, $approve: Boolean!) { verifyGoodDeed(id: $id, approve: $approve) { id } }",
                json!({ "id": deed["id"], "approve": approve }),
            )
            .await;
        }
    }
}

async fn list(
    app: &TestApp,
    token: Option<&str>,
    filter: Value,
    first: Option<i64>,
    after: Option<&str>,
) -> Value {
    app.gql_with(token, LIST, json!({ "filter": filter, "first": first, "after": after })).await
}

/// The descriptions of a `goodDeeds` answer, asserting it succeeded, and its total count.
fn descriptions(body: &Value) -> (Vec<String>, u64) {
    assert!(body.get("errors").is_none(), "{body:#}");
    let connection = &body["data"]["goodDeeds"];
    let labels = connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["description"].as_str().expect("description").to_owned())
        .collect();
    (labels, connection["totalCount"].as_u64().expect("totalCount"))
}

#[tokio::test]
async fn each_filter_narrows_the_list_to_exactly_the_matching_deeds_newest_first() {
    // Arrange
    let world = World::build().await;
    six_deeds(&world).await;
    let cases: Vec<(&str, Value, &[&str])> = vec![
        ("no filter", json!({}), &["d6", "d5", "d4", "d3", "d2", "d1"]),
        ("group 1", json!({ "groupId": world.group_id }), &["d4", "d2", "d1"]),
        ("household H1", json!({ "householdId": world.household_id }), &["d4", "d1"]),
        ("category PATROL", json!({ "category": "PATROL" }), &["d5", "d3", "d2"]),
        ("status REPORTED", json!({ "status": "REPORTED" }), &["d6", "d3", "d2", "d1"]),
        ("status VERIFIED", json!({ "status": "VERIFIED" }), &["d4"]),
        ("status REJECTED", json!({ "status": "REJECTED" }), &["d5"]),
        ("from, inclusive", json!({ "from": "2024-03-10" }), &["d6", "d5", "d4", "d3"]),
        ("to, inclusive", json!({ "to": "2024-03-10" }), &["d3", "d2", "d1"]),
        ("from and to", json!({ "from": "2024-02-10", "to": "2024-04-10" }), &["d4", "d3", "d2"]),
        ("a day with none", json!({ "from": "2024-02-11", "to": "2024-02-11" }), &[]),
        ("group 1 and PATROL", json!({ "groupId": world.group_id, "category": "PATROL" }), &["d2"]),
        (
            "group 2, REPORTED, from March",
            json!({ "groupId": world.other_group_id, "status": "REPORTED", "from": "2024-03-11" }),
            &["d6"],
        ),
    ];

    for (case, filter, expected) in cases {
        // Act
        let body = list(&world.app, Some(&world.app.admin_token), filter, None, None).await;

        // Assert
        let (labels, total) = descriptions(&body);
        assert_eq!(labels, expected, "{case}");
        assert_eq!(total, expected.len() as u64, "{case}");
    }
}

#[tokio::test]
async fn each_role_sees_only_the_deeds_of_its_scope_and_filtering_outside_it_finds_nothing() {
    // Arrange
    let world = World::build().await;
    six_deeds(&world).await;
    let cases: Vec<(&str, &str, Value, &[&str])> = vec![
        ("admin", &world.app.admin_token, json!({}), &["d6", "d5", "d4", "d3", "d2", "d1"]),
        ("official of W1", &world.official_token, json!({}), &["d6", "d4", "d3", "d2", "d1"]),
        ("official of W2", &world.foreign_official_token, json!({}), &["d5"]),
        ("leader of group 1", &world.leader_token, json!({}), &["d4", "d2", "d1"]),
        ("leader, PATROL", &world.leader_token, json!({ "category": "PATROL" }), &["d2"]),
        ("leader, group 2", &world.leader_token, json!({ "groupId": world.other_group_id }), &[]),
        (
            "leader, household H2",
            &world.leader_token,
            json!({ "householdId": world.other_household_id }),
            &[],
        ),
        (
            "official of W1, group 21",
            &world.official_token,
            json!({ "groupId": world.foreign_group_id }),
            &[],
        ),
    ];

    for (case, token, filter, expected) in cases {
        // Act
        let body = list(&world.app, Some(token), filter, None, None).await;

        // Assert
        let (labels, total) = descriptions(&body);
        assert_eq!(labels, expected, "{case}");
        assert_eq!(total, expected.len() as u64, "{case}");
    }
}

#[tokio::test]
async fn an_anonymous_caller_may_not_list_good_deeds() {
    // Arrange
    let world = World::build().await;
    six_deeds(&world).await;

    // Act
    let body = list(&world.app, None, json!({}), None, None).await;

    // Assert
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body:#}");
    assert!(body["data"].is_null());
}

#[tokio::test]
async fn pages_of_two_walk_every_deed_once_newest_first() {
    // Arrange
    let world = World::build().await;
    six_deeds(&world).await;
    let app = &world.app;
    let mut after: Option<String> = None;
    let mut pages = Vec::new();

    // Act
    for _ in 0..4 {
        let body = list(app, Some(&app.admin_token), json!({}), Some(2), after.as_deref()).await;
        let (labels, total) = descriptions(&body);
        let info = body["data"]["goodDeeds"]["pageInfo"].clone();
        let edges = body["data"]["goodDeeds"]["edges"].as_array().expect("edges").clone();
        assert_eq!(info["startCursor"], edges[0]["cursor"]);
        assert_eq!(info["endCursor"], edges[edges.len() - 1]["cursor"]);
        pages.push((labels, total, info["hasNextPage"].clone(), info["hasPreviousPage"].clone()));
        if info["hasNextPage"] == json!(false) {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_owned);
    }

    // Assert
    let expected = [
        (vec!["d6", "d5"], 6, json!(true), json!(false)),
        (vec!["d4", "d3"], 6, json!(true), json!(true)),
        (vec!["d2", "d1"], 6, json!(false), json!(true)),
    ];
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(l, t, n, p)| (l.into_iter().map(str::to_owned).collect(), t, n, p))
        .collect();
    assert_eq!(pages, expected);
}

#[tokio::test]
async fn pages_of_a_filtered_list_keep_the_filter() {
    // Arrange
    let world = World::build().await;
    six_deeds(&world).await;
    let app = &world.app;
    let filter = json!({ "groupId": world.group_id });
    let first = list(app, Some(&app.admin_token), filter.clone(), Some(2), None).await;
    let cursor = first["data"]["goodDeeds"]["pageInfo"]["endCursor"].as_str().expect("cursor").to_owned();

    // Act
    let second = list(app, Some(&app.admin_token), filter, Some(2), Some(&cursor)).await;

    // Assert
    assert_eq!(descriptions(&first), (vec!["d4".to_owned(), "d2".to_owned()], 3));
    assert_eq!(descriptions(&second), (vec!["d1".to_owned()], 3));
    assert_eq!(second["data"]["goodDeeds"]["pageInfo"]["hasNextPage"], json!(false));
}

#[tokio::test]
async fn first_0_returns_only_the_count_and_says_more_follow() {
    // Arrange
    let world = World::build().await;
    six_deeds(&world).await;

    // Act
    let body = list(&world.app, Some(&world.app.admin_token), json!({}), Some(0), None).await;

    // Assert
    assert_eq!(descriptions(&body), (vec![], 6));
    assert_eq!(body["data"]["goodDeeds"]["pageInfo"]["hasNextPage"], json!(true));
}

#[tokio::test]
async fn bad_paging_or_filter_arguments_are_bad_user_input_naming_the_argument() {
    // Arrange
    let world = World::build().await;
    six_deeds(&world).await;
    let cases = [
        ("first 101", json!({}), Some(101), None, "first"),
        ("first -1", json!({}), Some(-1), None, "first"),
        ("forged after", json!({}), None, Some("not-a-cursor"), "after"),
        ("malformed from", json!({ "from": "10/03/2024" }), None, None, "filter.from"),
        ("malformed to", json!({ "to": "2024-02-30" }), None, None, "filter.to"),
        ("malformed group id", json!({ "groupId": "g1" }), None, None, "filter.groupId"),
        ("malformed household id", json!({ "householdId": "h1" }), None, None, "filter.householdId"),
    ];

    for (case, filter, first, after, field) in cases {
        // Act
        let body = list(&world.app, Some(&world.app.admin_token), filter, first, after).await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{case}: {body:#}");
        assert_eq!(error_field(&body), field, "{case}: {body:#}");
        assert!(body["data"].is_null(), "{case}");
    }
}

#[tokio::test]
async fn a_to_before_from_is_bad_user_input_naming_filter_to_like_a_malformed_to() {
    // Arrange
    let world = World::build().await;
    six_deeds(&world).await;
    let filter = json!({ "from": "2024-03-10", "to": "2024-03-09" });

    // Act
    let body = list(&world.app, Some(&world.app.admin_token), filter, None, None).await;

    // Assert: the field is named by its path in the input, as for every other field of the filter.
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert_eq!(error_field(&body), "filter.to", "{body:#}");
    assert!(body["data"].is_null());
}
