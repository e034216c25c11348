//! `incidentTallies`: what the police entered, by month then category, with versions to correct from;
//! paged both ways, narrowed to a category; and each tally again through `node`.

use serde_json::{Value, json};

use super::Wards;
use crate::world::assert_refused;

const TALLIES: &str = "query($w: ID!, $from: String!, $to: String!, $category: IncidentCategory,
        $first: Int, $after: String, $last: Int, $before: String) {
    incidentTallies(wardId: $w, from: $from, to: $to, category: $category,
            first: $first, after: $after, last: $last, before: $before) {
        totalCount
        edges { cursor node { month category count version } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}";

/// (month, category, count, version) of each edge.
fn listed(body: &Value) -> Vec<(String, String, i64, i64)> {
    body["data"]["incidentTallies"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {body:#}"))
        .iter()
        .map(|e| {
            let n = &e["node"];
            let text = |v: &Value| v.as_str().expect("text").to_owned();
            (
                text(&n["month"]),
                text(&n["category"]),
                n["count"].as_i64().expect("n"),
                n["version"].as_i64().expect("v"),
            )
        })
        .collect()
}

fn entry(month: &str, category: &str, count: i64, version: i64) -> (String, String, i64, i64) {
    (month.to_owned(), category.to_owned(), count, version)
}

/// Ward A: June and July 2023, each with security and order, traffic and fire, entered out of order;
/// July's traffic figure corrected once. May 2023 and ward B hold figures outside the window.
async fn entered() -> Wards {
    let wards = Wards::build().await;
    let police = &wards.police;
    for (month, category, count) in [
        ("2023-07", "FIRE", 0),
        ("2023-06", "TRAFFIC_ACCIDENT", 2),
        ("2023-07", "SECURITY_ORDER", 4),
        ("2023-06", "FIRE", 1),
        ("2023-07", "TRAFFIC_ACCIDENT", 1),
        ("2023-06", "SECURITY_ORDER", 3),
        ("2023-05", "SECURITY_ORDER", 9),
    ] {
        wards.set(police, &wards.ward_a, month, category, count).await;
    }
    wards.set(&wards.police_b, &wards.ward_b, "2023-06", "FIRE", 7).await;
    let corrected = wards
        .record(
            police,
            json!({ "wardId": wards.ward_a, "month": "2023-07", "category": "TRAFFIC_ACCIDENT", "count": 2, "expectedVersion": 1 }),
        )
        .await;
    assert_eq!(corrected["data"]["recordIncidentTally"]["version"], 2, "{corrected:#}");
    wards
}

#[tokio::test]
async fn the_list_holds_the_wards_months_in_the_window_by_month_then_category_with_versions() {
    // Arrange
    let wards = entered().await;
    let variables = json!({ "w": wards.ward_a, "from": "2023-06", "to": "2023-07" });

    // Act
    let body = wards.app.gql_with(Some(&wards.police), TALLIES, variables).await;

    // Assert
    assert_eq!(body["data"]["incidentTallies"]["totalCount"], 6, "{body:#}");
    assert_eq!(
        listed(&body),
        [
            entry("2023-06", "SECURITY_ORDER", 3, 1),
            entry("2023-06", "TRAFFIC_ACCIDENT", 2, 1),
            entry("2023-06", "FIRE", 1, 1),
            entry("2023-07", "SECURITY_ORDER", 4, 1),
            entry("2023-07", "TRAFFIC_ACCIDENT", 2, 2),
            entry("2023-07", "FIRE", 0, 1),
        ]
    );
}

#[tokio::test]
async fn the_list_pages_forward_and_backward_and_narrows_to_one_category() {
    // Arrange
    let wards = entered().await;
    let ask = |extra: Value| {
        let mut variables = json!({ "w": wards.ward_a, "from": "2023-06", "to": "2023-07" });
        variables.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        let app = &wards.app;
        let token = wards.official.clone();
        async move { app.gql_with(Some(&token), TALLIES, variables).await }
    };

    // Act
    let first = ask(json!({ "first": 4 })).await;
    let after = first["data"]["incidentTallies"]["pageInfo"]["endCursor"].clone();
    let rest = ask(json!({ "first": 4, "after": after })).await;
    let last = ask(json!({ "last": 2 })).await;
    let before = last["data"]["incidentTallies"]["pageInfo"]["startCursor"].clone();
    let earlier = ask(json!({ "last": 3, "before": before })).await;
    let fires = ask(json!({ "category": "FIRE" })).await;

    // Assert
    assert_eq!(listed(&first).len(), 4);
    assert_eq!(first["data"]["incidentTallies"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        listed(&rest),
        [entry("2023-07", "TRAFFIC_ACCIDENT", 2, 2), entry("2023-07", "FIRE", 0, 1)],
        "{rest:#}"
    );
    assert_eq!(rest["data"]["incidentTallies"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(listed(&last), [entry("2023-07", "TRAFFIC_ACCIDENT", 2, 2), entry("2023-07", "FIRE", 0, 1)]);
    assert_eq!(
        listed(&earlier),
        [
            entry("2023-06", "TRAFFIC_ACCIDENT", 2, 1),
            entry("2023-06", "FIRE", 1, 1),
            entry("2023-07", "SECURITY_ORDER", 4, 1),
        ]
    );
    assert_eq!(earlier["data"]["incidentTallies"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(listed(&fires), [entry("2023-06", "FIRE", 1, 1), entry("2023-07", "FIRE", 0, 1)]);
}

#[tokio::test]
async fn a_tally_comes_back_through_node_for_its_wards_police_and_reads_as_unknown_to_others() {
    // Arrange
    let wards = entered().await;
    let list = wards
        .app
        .gql_with(
            Some(&wards.police),
            "query($w: ID!) { incidentTallies(wardId: $w, from: \"2023-06\", to: \"2023-06\", first: 1) { edges { node { id } } } }",
            json!({ "w": wards.ward_a }),
        )
        .await;
    let id = list["data"]["incidentTallies"]["edges"][0]["node"]["id"].as_str().expect("id").to_owned();
    let node =
        "query($id: ID!) { node(id: $id) { __typename id ... on IncidentTally { month category count } } }";

    // Act
    let police = wards.app.gql_with(Some(&wards.police), node, json!({ "id": id })).await;
    let leader = wards.app.gql_with(Some(&wards.leader), node, json!({ "id": id })).await;
    let police_b = wards.app.gql_with(Some(&wards.police_b), node, json!({ "id": id })).await;

    // Assert
    assert_eq!(
        police,
        json!({ "data": { "node": { "__typename": "IncidentTally", "id": id, "month": "2023-06",
                                     "category": "SECURITY_ORDER", "count": 3 } } })
    );
    for (case, body) in [("a leader", &leader), ("the police of another ward", &police_b)] {
        assert_eq!(body["data"], json!({ "node": null }), "{case}: {body:#}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND", "{case}");
    }
}

#[tokio::test]
async fn leaders_may_not_list_tallies_and_another_wards_police_find_nothing() {
    // Arrange
    let wards = entered().await;
    let variables = json!({ "w": wards.ward_a, "from": "2023-06", "to": "2023-07" });

    // Act
    let leader = wards.app.gql_with(Some(&wards.leader), TALLIES, variables.clone()).await;
    let police_b = wards.app.gql_with(Some(&wards.police_b), TALLIES, variables).await;

    // Assert
    assert_refused(&leader, "FORBIDDEN", None, "a group leader");
    assert_refused(&police_b, "NOT_FOUND", None, "the police of another ward");
}
