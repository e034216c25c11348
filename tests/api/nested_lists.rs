//! Nested lists resolved through dataloaders: every parent gets its own children, whatever the batch.

use serde_json::json;

use crate::helpers::{TestApp, create_group, create_household, create_ward, edge_codes, spawn_app};

/// Ward W1 with groups 1 (households 1, 2, 10) and 2 (household 1); ward W2 with groups 1
/// (households 1, 5, 6) and 3 (none). Three groups share the code "1" of a household, so a batch that
/// mixed up parents would show. Returns the ids of (W1, W2).
async fn two_wards(app: &TestApp) -> (String, String) {
    let w1 = create_ward(app, "W1", "Phường Lam Sơn").await;
    let w2 = create_ward(app, "W2", "Phường Ba Đình").await;
    let w1_g1 = create_group(app, &w1, "1").await;
    let w1_g2 = create_group(app, &w1, "2").await;
    let w2_g1 = create_group(app, &w2, "1").await;
    create_group(app, &w2, "3").await;
    for (group, code, head) in [
        (&w1_g1, "10", "Trần Thị Hoa"),
        (&w2_g1, "6", "Lý Văn Sáu"),
        (&w1_g1, "1", "Nguyễn Văn An"),
        (&w1_g2, "1", "Phạm Thị Bình"),
        (&w2_g1, "5", "Đặng Văn Đức"),
        (&w1_g1, "2", "Lê Văn Hai"),
        (&w2_g1, "1", "Hà Văn Một"),
    ] {
        create_household(app, group, code, head).await;
    }
    (w1, w2)
}

#[tokio::test]
async fn wards_groups_and_households_nest_with_each_group_getting_its_own_households() {
    // Arrange
    let app = spawn_app().await;
    two_wards(&app).await;

    // Act
    let data = app
        .gql_ok(
            "{ wards { edges { node { code groups { totalCount edges { node { code
                households { totalCount pageInfo { hasNextPage } edges { node {
                    code headName group { code ward { code } }
                } } }
            } } } } } } }",
            json!({}),
        )
        .await;

    // Assert
    let household = |code: &str, head: &str, group: &str, ward: &str| json!({ "node": { "code": code, "headName": head, "group": { "code": group, "ward": { "code": ward } } } });
    let households = |total: u64, edges: Vec<serde_json::Value>| json!({ "totalCount": total, "pageInfo": { "hasNextPage": false }, "edges": edges });
    assert_eq!(
        data["wards"]["edges"],
        json!([
            { "node": { "code": "W1", "groups": { "totalCount": 2, "edges": [
                { "node": { "code": "1", "households": households(3, vec![
                    household("1", "Nguyễn Văn An", "1", "W1"),
                    household("2", "Lê Văn Hai", "1", "W1"),
                    household("10", "Trần Thị Hoa", "1", "W1"),
                ]) } },
                { "node": { "code": "2", "households": households(1, vec![
                    household("1", "Phạm Thị Bình", "2", "W1"),
                ]) } },
            ] } } },
            { "node": { "code": "W2", "groups": { "totalCount": 2, "edges": [
                { "node": { "code": "1", "households": households(3, vec![
                    household("1", "Hà Văn Một", "1", "W2"),
                    household("5", "Đặng Văn Đức", "1", "W2"),
                    household("6", "Lý Văn Sáu", "1", "W2"),
                ]) } },
                { "node": { "code": "3", "households": households(0, vec![]) } },
            ] } } },
        ])
    );
}

#[tokio::test]
async fn a_nested_household_page_limit_applies_to_each_group_separately() {
    // Arrange
    let app = spawn_app().await;
    two_wards(&app).await;

    // Act
    let data = app
        .gql_ok(
            "{ wards { edges { node { code groups { edges { node { code households(first: 1) {
                totalCount pageInfo { hasNextPage } edges { node { code headName } }
            } } } } } } } }",
            json!({}),
        )
        .await;

    // Assert
    let page = |total: u64, has_next: bool, edges: serde_json::Value| json!({ "totalCount": total, "pageInfo": { "hasNextPage": has_next }, "edges": edges });
    assert_eq!(
        data["wards"]["edges"],
        json!([
            { "node": { "code": "W1", "groups": { "edges": [
                { "node": { "code": "1", "households":
                    page(3, true, json!([{ "node": { "code": "1", "headName": "Nguyễn Văn An" } }])) } },
                { "node": { "code": "2", "households":
                    page(1, false, json!([{ "node": { "code": "1", "headName": "Phạm Thị Bình" } }])) } },
            ] } } },
            { "node": { "code": "W2", "groups": { "edges": [
                { "node": { "code": "1", "households":
                    page(3, true, json!([{ "node": { "code": "1", "headName": "Hà Văn Một" } }])) } },
                { "node": { "code": "3", "households": page(0, false, json!([])) } },
            ] } } },
        ])
    );
}

#[tokio::test]
async fn a_nested_group_page_limit_applies_to_each_ward_separately() {
    // Arrange: a third ward, so three wards have a group "1".
    let app = spawn_app().await;
    two_wards(&app).await;
    let w3 = create_ward(&app, "W3", "Phường Điện Biên").await;
    create_group(&app, &w3, "1").await;

    // Act
    let data = app
        .gql_ok(
            "{ wards { edges { node { code groups(first: 1) {
                totalCount pageInfo { hasNextPage } edges { node { code ward { code } } }
            } } } } }",
            json!({}),
        )
        .await;

    // Assert
    let page = |ward: &str, total: u64, has_next: bool| {
        json!({ "node": { "code": ward, "groups": {
            "totalCount": total, "pageInfo": { "hasNextPage": has_next },
            "edges": [{ "node": { "code": "1", "ward": { "code": ward } } }]
        } } })
    };
    assert_eq!(
        data["wards"]["edges"],
        json!([page("W1", 2, true), page("W2", 2, true), page("W3", 1, false)])
    );
}

#[tokio::test]
async fn aliased_nested_lists_with_different_arguments_do_not_mix() {
    // Arrange
    let app = spawn_app().await;
    two_wards(&app).await;

    // Act
    let data = app
        .gql_ok(
            "{ wards { edges { node { code groups { edges { node { code
                firstTwo: households(first: 2) { totalCount edges { node { code } } }
                named: households(filter: { search: \"van\" }) { totalCount edges { node { code } } }
                none: households(first: 0) { totalCount edges { node { code } } }
            } } } } } } }",
            json!({}),
        )
        .await;

    // Assert
    let mut seen = Vec::new();
    for ward in data["wards"]["edges"].as_array().expect("wards") {
        for group in ward["node"]["groups"]["edges"].as_array().expect("groups") {
            let group = &group["node"];
            seen.push((
                format!(
                    "{}/{}",
                    ward["node"]["code"].as_str().expect("ward code"),
                    group["code"].as_str().expect("group code")
                ),
                edge_codes(&group["firstTwo"]),
                edge_codes(&group["named"]),
                group["none"]["totalCount"].as_u64().expect("total"),
                edge_codes(&group["none"]).len(),
            ));
        }
    }
    let codes = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        seen,
        [
            ("W1/1".to_owned(), codes(&["1", "2"]), codes(&["1", "2"]), 3, 0),
            ("W1/2".to_owned(), codes(&["1"]), codes(&[]), 1, 0),
            ("W2/1".to_owned(), codes(&["1", "5"]), codes(&["1", "5", "6"]), 3, 0),
            ("W2/3".to_owned(), codes(&[]), codes(&[]), 0, 0),
        ]
    );
}

#[tokio::test]
async fn households_of_many_groups_each_name_their_own_group() {
    // Arrange
    let app = spawn_app().await;
    let (w1, _) = two_wards(&app).await;

    // Act
    let data = app
        .gql_ok(
            "query($id: ID!) { ward(id: $id) { groups { edges { node { id households { edges { node {
                group { id code ward { id } } } } } } } } } }",
            json!({ "id": w1 }),
        )
        .await;

    // Assert
    let groups = data["ward"]["groups"]["edges"].as_array().expect("groups");
    assert_eq!(groups.len(), 2);
    let mut households = 0;
    for group in groups {
        let group = &group["node"];
        for household in group["households"]["edges"].as_array().expect("households") {
            households += 1;
            assert_eq!(household["node"]["group"]["id"], group["id"]);
            assert_eq!(household["node"]["group"]["ward"]["id"], w1.as_str());
        }
    }
    assert_eq!(households, 4);
}
