//! Relay pagination of every list: `first` bounds, forged cursors, and paging through a group.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, create_group, create_household, create_ward, edge_codes, error_code, error_field, spawn_app,
    ward_with_two_groups,
};

const PAGE: &str = "query($g: ID!, $first: Int, $after: String, $filter: HouseholdFilterInput) {
    households(groupId: $g, first: $first, after: $after, filter: $filter) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { code } }
    }
}";

/// A group with households coded "1" to `n`, created in a shuffled order.
async fn group_with_households(app: &TestApp, group_id: &str, n: usize) {
    // Create out of order so the list order comes from the codes, not from insertion.
    let order: Vec<usize> =
        (1..=n).filter(|c| c.is_multiple_of(2)).chain((1..=n).filter(|c| !c.is_multiple_of(2))).collect();
    for code in order {
        create_household(app, group_id, &code.to_string(), &format!("Chủ hộ {code}")).await;
    }
}

fn codes_up_to(n: usize) -> Vec<String> {
    (1..=n).map(|c| c.to_string()).collect()
}

/// Cursors a client might forge: not base64, base64 of something else, and our prefix around junk.
fn forged_cursors() -> [String; 4] {
    [
        "abc".to_owned(),
        URL_SAFE_NO_PAD.encode("hello, cursor"),
        URL_SAFE_NO_PAD.encode("c1:not-a-uuid\n000000000001"),
        "!!not base64!!".to_owned(),
    ]
}

#[tokio::test]
async fn paging_through_45_households_20_at_a_time_visits_each_once_in_code_order() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    group_with_households(&app, &fixture.group_id, 45).await;
    create_household(&app, &fixture.other_group_id, "1", "Hộ tổ khác").await;

    // Act
    let mut pages = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.gql_ok(PAGE, json!({ "g": fixture.group_id, "first": 20, "after": after })).await;
        let page = data["households"].clone();
        let has_next = page["pageInfo"]["hasNextPage"] == json!(true);
        after = page["pageInfo"]["endCursor"].clone();
        pages.push(page);
        if !has_next {
            break;
        }
        assert!(pages.len() < 5, "paging does not end");
    }

    // Assert
    let sizes: Vec<usize> = pages.iter().map(|p| edge_codes(p).len()).collect();
    assert_eq!(sizes, [20, 20, 5]);
    let visited: Vec<String> = pages.iter().flat_map(edge_codes).collect();
    assert_eq!(visited, codes_up_to(45));
    for (n, page) in pages.iter().enumerate() {
        let info = &page["pageInfo"];
        assert_eq!(page["totalCount"], 45, "page {n}");
        assert_eq!(info["hasNextPage"], n < 2, "page {n}");
        assert_eq!(info["hasPreviousPage"], n > 0, "page {n}");
        let edges = page["edges"].as_array().expect("edges");
        assert_eq!(info["startCursor"], edges[0]["cursor"], "page {n}");
        assert_eq!(info["endCursor"], edges[edges.len() - 1]["cursor"], "page {n}");
    }
}

#[tokio::test]
async fn households_default_to_pages_of_20() {
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    group_with_households(&app, &fixture.group_id, 21).await;

    let data = app.gql_ok(PAGE, json!({ "g": fixture.group_id })).await;

    assert_eq!(edge_codes(&data["households"]), codes_up_to(20));
    assert_eq!(data["households"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(data["households"]["totalCount"], 21);
}

#[tokio::test]
async fn first_0_returns_no_edges_but_the_total_and_whether_items_exist() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    group_with_households(&app, &fixture.group_id, 3).await;

    // Act
    let full = app.gql_ok(PAGE, json!({ "g": fixture.group_id, "first": 0 })).await;
    let empty = app.gql_ok(PAGE, json!({ "g": fixture.other_group_id, "first": 0 })).await;
    let wards = app
        .gql_ok(
            "query($id: ID!) {
                wards(first: 0) { totalCount pageInfo { hasNextPage } edges { cursor } }
                ward(id: $id) { groups(first: 0) { totalCount pageInfo { hasNextPage } edges { cursor } } }
            }",
            json!({ "id": fixture.ward_id }),
        )
        .await;

    // Assert
    let expected = |total: u64, has_next: bool| {
        json!({
            "totalCount": total,
            "pageInfo": { "hasNextPage": has_next, "hasPreviousPage": false, "startCursor": null, "endCursor": null },
            "edges": []
        })
    };
    assert_eq!(full["households"], expected(3, true));
    assert_eq!(empty["households"], expected(0, false));
    let counted =
        |total: u64| json!({ "totalCount": total, "pageInfo": { "hasNextPage": true }, "edges": [] });
    assert_eq!(wards["wards"], counted(1));
    assert_eq!(wards["ward"]["groups"], counted(2));
}

#[tokio::test]
async fn first_100_returns_100_and_the_rest_follows_after_its_end_cursor() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    group_with_households(&app, &fixture.group_id, 101).await;

    // Act
    let first = app.gql_ok(PAGE, json!({ "g": fixture.group_id, "first": 100 })).await;
    let rest = app
        .gql_ok(
            PAGE,
            json!({ "g": fixture.group_id, "first": 100, "after": first["households"]["pageInfo"]["endCursor"] }),
        )
        .await;

    // Assert
    assert_eq!(edge_codes(&first["households"]), codes_up_to(100));
    assert_eq!(first["households"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["households"]["totalCount"], 101);
    assert_eq!(edge_codes(&rest["households"]), ["101"]);
    assert_eq!(rest["households"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["households"]["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn first_above_100_or_below_0_is_bad_user_input_on_every_list() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    create_household(&app, &fixture.group_id, "1", "Trần Văn Một").await;
    let lists = [
        ("households", PAGE, json!({ "g": fixture.group_id })),
        ("wards", "query($first: Int) { wards(first: $first) { totalCount } }", json!({})),
        (
            "Ward.groups",
            "query($id: ID!, $first: Int) { ward(id: $id) { groups(first: $first) { totalCount } } }",
            json!({ "id": fixture.ward_id }),
        ),
        (
            "ResidentialGroup.households",
            "query($id: ID!, $first: Int) { group(id: $id) { households(first: $first) { totalCount } } }",
            json!({ "id": fixture.group_id }),
        ),
    ];

    for first in [101, -1, 1000] {
        for (list, query, variables) in &lists {
            let mut variables = variables.clone();
            variables["first"] = json!(first);

            // Act
            let body = app.gql(query, variables).await;

            // Assert
            assert_eq!(error_code(&body), "BAD_USER_INPUT", "{list} first {first}: {body:#}");
            assert_eq!(error_field(&body), "first", "{list} first {first}: {body:#}");
        }
    }
}

#[tokio::test]
async fn a_forged_after_cursor_is_bad_user_input_on_every_list() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    create_household(&app, &fixture.group_id, "1", "Trần Văn Một").await;
    let lists = [
        (
            "households",
            format!(
                "query($after: String) {{ households(groupId: \"{}\", after: $after) {{ totalCount }} }}",
                fixture.group_id
            ),
        ),
        ("wards", "query($after: String) { wards(after: $after) { totalCount } }".to_owned()),
        (
            "Ward.groups",
            format!(
                "query($after: String) {{ ward(id: \"{}\") {{ groups(after: $after) {{ totalCount }} }} }}",
                fixture.ward_id
            ),
        ),
        (
            "ResidentialGroup.households",
            format!(
                "query($after: String) {{ group(id: \"{}\") {{ households(after: $after) {{ totalCount }} }} }}",
                fixture.group_id
            ),
        ),
    ];

    for cursor in forged_cursors() {
        for (list, query) in &lists {
            // Act
            let body = app.gql(query, json!({ "after": cursor })).await;

            // Assert
            assert_eq!(error_code(&body), "BAD_USER_INPUT", "{list} after {cursor:?}: {body:#}");
            assert_eq!(error_field(&body), "after", "{list} after {cursor:?}: {body:#}");
        }
    }
}

#[tokio::test]
async fn paging_with_a_status_filter_keeps_the_filter_on_every_page() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    group_with_households(&app, &fixture.group_id, 12).await;
    let all = app
        .gql_ok(
            "query($g: ID!) { households(groupId: $g) { edges { node { id code } } } }",
            json!({ "g": fixture.group_id }),
        )
        .await;
    for edge in all["households"]["edges"].as_array().expect("edges") {
        let code: usize = edge["node"]["code"].as_str().expect("code").parse().expect("number");
        if code.is_multiple_of(3) {
            app.gql_ok(
                "mutation($id: ID!) { setHouseholdStatus(id: $id, expectedVersion: 1, status: MOVED_OUT) { id } }",
                json!({ "id": edge["node"]["id"] }),
            )
            .await;
        }
    }
    let filter = json!({ "status": "ACTIVE" });

    // Act
    let first = app.gql_ok(PAGE, json!({ "g": fixture.group_id, "first": 5, "filter": filter })).await;
    let second = app
        .gql_ok(
            PAGE,
            json!({ "g": fixture.group_id, "first": 5, "filter": filter,
                    "after": first["households"]["pageInfo"]["endCursor"] }),
        )
        .await;

    // Assert
    assert_eq!(edge_codes(&first["households"]), ["1", "2", "4", "5", "7"]);
    assert_eq!(first["households"]["totalCount"], 8);
    assert_eq!(first["households"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(edge_codes(&second["households"]), ["8", "10", "11"]);
    assert_eq!(second["households"]["totalCount"], 8);
    assert_eq!(second["households"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn wards_and_groups_page_by_cursor_too() {
    // Arrange
    let app = spawn_app().await;
    for code in ["W3", "W1", "W2"] {
        create_ward(&app, code, &format!("Phường {code}")).await;
    }
    let ward_id = create_ward(&app, "W4", "Phường W4").await;
    for code in ["10", "2", "1"] {
        create_group(&app, &ward_id, code).await;
    }
    let wards = "query($after: String) { wards(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }";
    let groups = "query($id: ID!, $after: String) { ward(id: $id) { groups(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } } }";

    // Act
    let wards_1 = app.gql_ok(wards, json!({})).await;
    let wards_2 = app.gql_ok(wards, json!({ "after": wards_1["wards"]["pageInfo"]["endCursor"] })).await;
    let groups_1 = app.gql_ok(groups, json!({ "id": ward_id })).await;
    let groups_2 = app
        .gql_ok(
            groups,
            json!({ "id": ward_id, "after": groups_1["ward"]["groups"]["pageInfo"]["endCursor"] }),
        )
        .await;

    // Assert
    assert_eq!(edge_codes(&wards_1["wards"]), ["W1", "W2"]);
    assert_eq!(wards_1["wards"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(edge_codes(&wards_2["wards"]), ["W3", "W4"]);
    assert_eq!(wards_2["wards"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(wards_2["wards"]["totalCount"], 4);
    assert_eq!(edge_codes(&groups_1["ward"]["groups"]), ["1", "2"]);
    assert_eq!(groups_1["ward"]["groups"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(edge_codes(&groups_2["ward"]["groups"]), ["10"]);
    assert_eq!(groups_2["ward"]["groups"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(groups_2["ward"]["groups"]["totalCount"], 3);
}
