//! Household search: case- and diacritic-insensitive phrases, `đ` as `d`, with the status filter,
//! and LIKE wildcards taken literally.

use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

use crate::helpers::{TestApp, create_household, edge_codes, spawn_app, ward_with_two_groups};

const SEARCH: &str = "query($g: ID!, $filter: HouseholdFilterInput) {
    households(groupId: $g, first: 100, filter: $filter) {
        totalCount edges { node { code headName status } }
    }
}";

/// Group "1" of the fixture with five households; group "2" has a "Trần Thị" of its own.
struct Street {
    app: TestApp,
    group_id: String,
    ids: Vec<String>,
}

async fn street() -> Street {
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let mut ids = Vec::new();
    for (code, head) in [
        ("1", "Trần Thị Hoa"),
        ("2", "TRẦN THỊ MAI"),
        ("3", "Trần thị Lan"),
        ("4", "Đặng Văn Đức"),
        ("5", "Nguyễn Văn An"),
    ] {
        ids.push(create_household(&app, &fixture.group_id, code, head).await);
    }
    create_household(&app, &fixture.other_group_id, "1", "Trần Thị Hoa").await;
    Street { app, group_id: fixture.group_id, ids }
}

async fn search(street: &Street, filter: Value) -> Value {
    let data = street.app.gql_ok(SEARCH, json!({ "g": street.group_id, "filter": filter })).await;
    data["households"].clone()
}

#[tokio::test]
async fn tran_thi_finds_every_spelling_of_tran_thi_and_nothing_else() {
    // Arrange
    let street = street().await;

    // Act
    let found = search(&street, json!({ "search": "tran thi" })).await;

    // Assert
    assert_eq!(found["totalCount"], 3);
    let heads: Vec<&str> = found["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["headName"].as_str().expect("headName"))
        .collect();
    assert_eq!(heads, ["Trần Thị Hoa", "TRẦN THỊ MAI", "Trần thị Lan"]);
}

#[tokio::test]
async fn a_search_with_diacritics_or_capitals_finds_the_same_households() {
    // Arrange
    let street = street().await;
    let decomposed: String = "Trần Thị".nfd().collect();
    let cases = [
        ("TRẦN THỊ", vec!["1", "2", "3"]),
        ("Trần thị", vec!["1", "2", "3"]),
        (decomposed.as_str(), vec!["1", "2", "3"]),
        ("dang", vec!["4"]),
        ("Đặng", vec!["4"]),
        ("đặng văn", vec!["4"]),
        ("DUC", vec!["4"]),
        ("nguyen van an", vec!["5"]),
        ("thi hoa", vec!["1"]),
        ("hoa thi", vec![]),
    ];

    for (term, expected) in cases {
        // Act
        let found = search(&street, json!({ "search": term })).await;

        // Assert
        assert_eq!(edge_codes(&found), expected, "search {term:?}");
        assert_eq!(found["totalCount"], expected.len(), "search {term:?}");
    }
}

#[tokio::test]
async fn search_also_matches_the_code_and_the_address() {
    let street = street().await;

    let by_address = search(&street, json!({ "search": "so 4 le hoan" })).await;
    let by_code_and_address = search(&street, json!({ "search": "le hoan" })).await;

    assert_eq!(edge_codes(&by_address), ["4"]);
    assert_eq!(edge_codes(&by_code_and_address), ["1", "2", "3", "4", "5"]);
}

#[tokio::test]
async fn search_combines_with_the_status_filter() {
    // Arrange
    let street = street().await;
    street
        .app
        .gql_ok(
            "mutation($id: ID!) { setHouseholdStatus(id: $id, expectedVersion: 1, status: MOVED_OUT) { id } }",
            json!({ "id": street.ids[1] }),
        )
        .await;

    // Act
    let active = search(&street, json!({ "search": "tran thi", "status": "ACTIVE" })).await;
    let moved_out = search(&street, json!({ "search": "tran thi", "status": "MOVED_OUT" })).await;
    let dissolved = search(&street, json!({ "search": "tran thi", "status": "DISSOLVED" })).await;
    let all_moved_out = search(&street, json!({ "status": "MOVED_OUT" })).await;

    // Assert
    assert_eq!(active["totalCount"], 2);
    assert_eq!(edge_codes(&active), ["1", "3"]);
    assert_eq!(moved_out["totalCount"], 1);
    assert_eq!(
        moved_out["edges"],
        json!([{ "node": { "code": "2", "headName": "TRẦN THỊ MAI", "status": "MOVED_OUT" } }])
    );
    assert_eq!(dissolved, json!({ "totalCount": 0, "edges": [] }));
    assert_eq!(edge_codes(&all_moved_out), ["2"]);
}

#[tokio::test]
async fn percent_and_underscore_in_a_search_match_only_themselves() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    for (code, address) in
        [("A_1", "Kiốt 50% chợ Lam Sơn"), ("AB1", "Kiốt 500 chợ Lam Sơn"), ("AC1", "Kiốt 5 chợ Lam Sơn")]
    {
        app.gql_ok(
            "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }",
            json!({ "input": {
                "groupId": fixture.group_id, "code": code, "headName": "Lò Văn Hùng",
                "address": address, "memberCount": 2
            } }),
        )
        .await;
    }
    let cases = [
        ("50%", vec!["A_1"]),
        ("%", vec!["A_1"]),
        ("a_1", vec!["A_1"]),
        ("_", vec!["A_1"]),
        ("5%0", vec![]),
        ("\\", vec![]),
    ];

    for (term, expected) in cases {
        // Act
        let data = app.gql_ok(SEARCH, json!({ "g": fixture.group_id, "filter": { "search": term } })).await;

        // Assert
        assert_eq!(edge_codes(&data["households"]), expected, "search {term:?}");
        assert_eq!(data["households"]["totalCount"], expected.len(), "search {term:?}");
    }
}

#[tokio::test]
async fn search_through_a_group_gives_the_same_result_as_the_households_query() {
    let street = street().await;

    let data = street
        .app
        .gql_ok(
            "query($g: ID!) { group(id: $g) { households(filter: { search: \"TRAN thi\" }) { totalCount edges { node { code } } } } }",
            json!({ "g": street.group_id }),
        )
        .await;

    assert_eq!(data["group"]["households"]["totalCount"], 3);
    assert_eq!(edge_codes(&data["group"]["households"]), ["1", "2", "3"]);
}
