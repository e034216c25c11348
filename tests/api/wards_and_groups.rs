//! Wards and residential groups: create, read, update, nested lists, validation and duplicates.

use chrono::DateTime;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, create_group, create_ward, edge_codes, error_code, error_field, hierarchy_rows, spawn_app,
    unknown_id, ward_with_two_groups,
};

const CREATE_WARD: &str = "mutation($input: CreateWardInput!) {
    createWard(input: $input) { id code name province createdAt updatedAt }
}";
const CREATE_GROUP: &str = "mutation($input: CreateGroupInput!) {
    createGroup(input: $input) { id code name ward { id code } }
}";
const UPDATE_GROUP: &str = "mutation($id: ID!, $input: UpdateGroupInput!) {
    updateGroup(id: $id, input: $input) { id code name createdAt updatedAt ward { id } }
}";
const GROUP: &str = "query($id: ID!) { group(id: $id) { id code name ward { id code name } } }";

/// Asserts a `BAD_USER_INPUT` on `field`.
#[track_caller]
fn assert_bad_input(body: &Value, field: &str, case: &str) {
    assert_eq!(error_code(body), "BAD_USER_INPUT", "{case}: {body:#}");
    assert_eq!(error_field(body), field, "{case}: {body:#}");
    assert!(body["data"].is_null(), "{case}: no data on an error: {body:#}");
}

/// The group's code and name as stored, read back through `group(id)`.
async fn stored_group(app: &TestApp, id: &str) -> (String, String) {
    let data = app.gql_ok(GROUP, json!({ "id": id })).await;
    (
        data["group"]["code"].as_str().expect("code").to_owned(),
        data["group"]["name"].as_str().expect("name").to_owned(),
    )
}

#[tokio::test]
async fn a_created_ward_lists_its_groups_in_natural_code_order() {
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    for code in ["10", "3"] {
        app.gql_ok(
            "mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }",
            json!({ "input": { "wardId": fixture.ward_id, "code": code, "name": format!("Tổ dân phố {code}") } }),
        )
        .await;
    }

    let data = app
        .gql_ok(
            "query($id: ID!) { ward(id: $id) { code name province groups { totalCount edges { node { code } } } } }",
            json!({ "id": fixture.ward_id }),
        )
        .await;

    assert_eq!(data["ward"]["name"], "Phường Lam Sơn");
    assert_eq!(data["ward"]["province"], "Thanh Hóa");
    assert_eq!(data["ward"]["groups"]["totalCount"], 4);
    let codes: Vec<&str> = data["ward"]["groups"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["1", "2", "3", "10"]);
}

#[tokio::test]
async fn create_ward_stores_one_trimmed_ward_and_returns_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let data = app
        .gql_ok(
            CREATE_WARD,
            json!({ "input": { "code": " 38.14902 ", "name": "  Phường Lam Sơn ", "province": "Thanh Hóa " } }),
        )
        .await;

    // Assert
    let ward = &data["createWard"];
    assert_eq!(ward["code"], "38.14902");
    assert_eq!(ward["name"], "Phường Lam Sơn");
    assert_eq!(ward["province"], "Thanh Hóa");
    assert_eq!(ward["createdAt"], ward["updatedAt"]);
    let id = ward["id"].as_str().expect("id");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "id is a UUID: {id}");
    assert_eq!(hierarchy_rows(&app).await, (1, 0, 0));
}

#[tokio::test]
async fn ward_by_id_returns_the_stored_ward() {
    // Arrange
    let app = spawn_app().await;
    let id = create_ward(&app, "W7", "Phường Điện Biên").await;
    create_ward(&app, "W8", "Phường Ba Đình").await;

    // Act
    let data =
        app.gql_ok("query($id: ID!) { ward(id: $id) { id code name province } }", json!({ "id": id })).await;

    // Assert
    assert_eq!(
        data["ward"],
        json!({ "id": id, "code": "W7", "name": "Phường Điện Biên", "province": "Thanh Hóa" })
    );
}

#[tokio::test]
async fn wards_lists_every_ward_by_code_with_its_total() {
    // Arrange
    let app = spawn_app().await;
    let b = create_ward(&app, "B", "Phường Ba Đình").await;
    let a = create_ward(&app, "A", "Phường Lam Sơn").await;
    let c = create_ward(&app, "C", "Phường Điện Biên").await;

    // Act
    let data = app
        .gql_ok(
            "{ wards { totalCount pageInfo { hasNextPage hasPreviousPage }
                       edges { node { id code name } } } }",
            json!({}),
        )
        .await;

    // Assert
    assert_eq!(data["wards"]["totalCount"], 3);
    assert_eq!(data["wards"]["pageInfo"], json!({ "hasNextPage": false, "hasPreviousPage": false }));
    let nodes: Vec<&Value> =
        data["wards"]["edges"].as_array().expect("edges").iter().map(|e| &e["node"]).collect();
    assert_eq!(
        nodes,
        [
            &json!({ "id": a, "code": "A", "name": "Phường Lam Sơn" }),
            &json!({ "id": b, "code": "B", "name": "Phường Ba Đình" }),
            &json!({ "id": c, "code": "C", "name": "Phường Điện Biên" }),
        ]
    );
}

#[tokio::test]
async fn wards_is_an_empty_connection_when_there_are_none() {
    let app = spawn_app().await;

    let data = app
        .gql_ok(
            "{ wards { totalCount edges { cursor } pageInfo { hasNextPage startCursor endCursor } } }",
            json!({}),
        )
        .await;

    assert_eq!(
        data["wards"],
        json!({
            "totalCount": 0,
            "edges": [],
            "pageInfo": { "hasNextPage": false, "startCursor": null, "endCursor": null }
        })
    );
}

#[tokio::test]
async fn create_ward_refuses_each_invalid_field_and_stores_nothing() {
    // Arrange
    let app = spawn_app().await;
    let valid = json!({ "code": "W1", "name": "Phường Lam Sơn", "province": "Thanh Hóa" });
    let cases = [
        ("empty name", "name", json!("")),
        ("blank name", "name", json!("   \t ")),
        ("201-character name", "name", json!("ơ".repeat(201))),
        ("empty code", "code", json!("")),
        ("code with a space", "code", json!("W 1")),
        ("33-character code", "code", json!("x".repeat(33))),
        ("blank province", "province", json!("  ")),
        ("201-character province", "province", json!("a".repeat(201))),
    ];

    for (case, field, value) in cases {
        let mut input = valid.clone();
        input[field] = value;

        // Act
        let body = app.gql(CREATE_WARD, json!({ "input": input })).await;

        // Assert
        assert_bad_input(&body, field, case);
        assert_eq!(hierarchy_rows(&app).await, (0, 0, 0), "{case}");
    }
}

#[tokio::test]
async fn create_ward_accepts_a_200_character_name_and_a_32_character_code() {
    let app = spawn_app().await;
    let name = "ơ".repeat(200);
    let code = "x".repeat(32);

    let data = app
        .gql_ok(CREATE_WARD, json!({ "input": { "code": code, "name": name, "province": "Thanh Hóa" } }))
        .await;

    assert_eq!(data["createWard"]["name"], name);
    assert_eq!(data["createWard"]["code"], code);
    assert_eq!(hierarchy_rows(&app).await, (1, 0, 0));
}

#[tokio::test]
async fn create_ward_with_a_taken_code_is_a_conflict_and_stores_nothing() {
    // Arrange
    let app = spawn_app().await;
    create_ward(&app, "W1", "Phường Lam Sơn").await;

    // Act
    let body = app
        .gql(CREATE_WARD, json!({ "input": { "code": "W1", "name": "Phường Khác", "province": "Hà Nội" } }))
        .await;

    // Assert
    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
    assert!(body["data"].is_null());
    assert_eq!(hierarchy_rows(&app).await, (1, 0, 0));
}

#[tokio::test]
async fn ward_with_an_unknown_id_is_not_found() {
    let app = spawn_app().await;
    create_ward(&app, "W1", "Phường Lam Sơn").await;

    let body = app.gql("query($id: ID!) { ward(id: $id) { id } }", json!({ "id": unknown_id() })).await;

    assert_eq!(error_code(&body), "NOT_FOUND", "{body:#}");
    assert!(body["data"].is_null());
}

#[tokio::test]
async fn a_malformed_id_is_bad_user_input_naming_the_argument() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let cases = [
        ("ward", "query { ward(id: \"not-a-uuid\") { id } }", json!({}), "id"),
        ("group", "query { group(id: \"42\") { id } }", json!({}), "id"),
        (
            "createGroup",
            CREATE_GROUP,
            json!({ "input": { "wardId": "W1", "code": "9", "name": "Tổ dân phố 9" } }),
            "wardId",
        ),
        ("updateGroup", UPDATE_GROUP, json!({ "id": "", "input": { "name": "Tổ dân phố 9" } }), "id"),
    ];

    for (case, query, variables, field) in cases {
        // Act
        let body = app.gql(query, variables).await;

        // Assert
        assert_bad_input(&body, field, case);
    }
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 0));
    assert_eq!(stored_group(&app, &fixture.group_id).await.1, "Tổ dân phố 1");
}

#[tokio::test]
async fn create_group_stores_one_trimmed_group_in_its_ward() {
    // Arrange
    let app = spawn_app().await;
    let ward_id = create_ward(&app, "W1", "Phường Lam Sơn").await;

    // Act
    let data = app
        .gql_ok(
            CREATE_GROUP,
            json!({ "input": { "wardId": ward_id, "code": " 11 ", "name": " Tổ dân phố 11  " } }),
        )
        .await;

    // Assert
    let group = &data["createGroup"];
    assert_eq!(group["code"], "11");
    assert_eq!(group["name"], "Tổ dân phố 11");
    assert_eq!(group["ward"], json!({ "id": ward_id, "code": "W1" }));
    assert_eq!(hierarchy_rows(&app).await, (1, 1, 0));
}

#[tokio::test]
async fn group_by_id_returns_the_group_and_its_ward() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;

    // Act
    let data = app.gql_ok(GROUP, json!({ "id": fixture.other_group_id })).await;

    // Assert
    assert_eq!(
        data["group"],
        json!({
            "id": fixture.other_group_id,
            "code": "2",
            "name": "Tổ dân phố 2",
            "ward": { "id": fixture.ward_id, "code": "W1", "name": "Phường Lam Sơn" }
        })
    );
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_store_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let cases = [
        ("group", GROUP, json!({ "id": unknown_id() })),
        (
            "createGroup in an unknown ward",
            CREATE_GROUP,
            json!({ "input": { "wardId": unknown_id(), "code": "9", "name": "Tổ dân phố 9" } }),
        ),
        ("updateGroup", UPDATE_GROUP, json!({ "id": unknown_id(), "input": { "name": "Tổ dân phố 9" } })),
    ];

    for (case, query, variables) in cases {
        // Act
        let body = app.gql(query, variables).await;

        // Assert
        assert_eq!(error_code(&body), "NOT_FOUND", "{case}: {body:#}");
        assert!(body["data"].is_null(), "{case}");
        assert_eq!(hierarchy_rows(&app).await, (1, 2, 0), "{case}");
    }
    assert_eq!(stored_group(&app, &fixture.group_id).await, ("1".to_owned(), "Tổ dân phố 1".to_owned()));
}

#[tokio::test]
async fn create_group_refuses_each_invalid_field_and_stores_nothing() {
    // Arrange
    let app = spawn_app().await;
    let ward_id = create_ward(&app, "W1", "Phường Lam Sơn").await;
    let valid = json!({ "wardId": ward_id, "code": "11", "name": "Tổ dân phố 11" });
    let cases = [
        ("empty name", "name", json!("")),
        ("blank name", "name", json!("    ")),
        ("201-character name", "name", json!("ơ".repeat(201))),
        ("empty code", "code", json!(" ")),
        ("code with a space", "code", json!("1 1")),
        ("33-character code", "code", json!("1".repeat(33))),
    ];

    for (case, field, value) in cases {
        let mut input = valid.clone();
        input[field] = value;

        // Act
        let body = app.gql(CREATE_GROUP, json!({ "input": input })).await;

        // Assert
        assert_bad_input(&body, field, case);
        assert_eq!(hierarchy_rows(&app).await, (1, 0, 0), "{case}");
    }
}

#[tokio::test]
async fn create_group_with_a_code_taken_in_the_same_ward_is_a_conflict() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;

    // Act
    let body = app
        .gql(
            CREATE_GROUP,
            json!({ "input": { "wardId": fixture.ward_id, "code": "1", "name": "Tổ dân phố một" } }),
        )
        .await;

    // Assert
    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
    assert!(body["data"].is_null());
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 0));
}

#[tokio::test]
async fn the_same_group_code_in_two_wards_is_accepted() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let other_ward = create_ward(&app, "W2", "Phường Ba Đình").await;

    // Act
    let data = app
        .gql_ok(
            CREATE_GROUP,
            json!({ "input": { "wardId": other_ward, "code": "1", "name": "Tổ dân phố 1" } }),
        )
        .await;

    // Assert
    assert_eq!(data["createGroup"]["code"], "1");
    assert_eq!(data["createGroup"]["ward"]["id"], other_ward.as_str());
    assert_eq!(hierarchy_rows(&app).await, (2, 3, 0));
    let first_ward = app
        .gql_ok(
            "query($id: ID!) { ward(id: $id) { groups { edges { node { code } } } } }",
            json!({ "id": fixture.ward_id }),
        )
        .await;
    assert_eq!(edge_codes(&first_ward["ward"]["groups"]), ["1", "2"]);
}

#[tokio::test]
async fn update_group_changes_only_the_given_fields() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;

    // Act
    let renamed = app
        .gql_ok(UPDATE_GROUP, json!({ "id": fixture.group_id, "input": { "name": " Tổ dân phố số 1 " } }))
        .await;
    let recoded =
        app.gql_ok(UPDATE_GROUP, json!({ "id": fixture.group_id, "input": { "code": "12" } })).await;

    // Assert
    assert_eq!(renamed["updateGroup"]["code"], "1");
    assert_eq!(renamed["updateGroup"]["name"], "Tổ dân phố số 1");
    assert_eq!(recoded["updateGroup"]["code"], "12");
    assert_eq!(recoded["updateGroup"]["name"], "Tổ dân phố số 1");
    assert_eq!(recoded["updateGroup"]["ward"]["id"], fixture.ward_id.as_str());
    let timestamp =
        |v: &Value| DateTime::parse_from_rfc3339(v.as_str().expect("timestamp")).expect("RFC 3339");
    assert!(
        timestamp(&recoded["updateGroup"]["updatedAt"]) > timestamp(&recoded["updateGroup"]["createdAt"])
    );
    assert_eq!(stored_group(&app, &fixture.group_id).await, ("12".to_owned(), "Tổ dân phố số 1".to_owned()));
    // The new code moves the group in the natural order: "2" before "12".
    let ward = app
        .gql_ok(
            "query($id: ID!) { ward(id: $id) { groups { edges { node { code } } } } }",
            json!({ "id": fixture.ward_id }),
        )
        .await;
    assert_eq!(edge_codes(&ward["ward"]["groups"]), ["2", "12"]);
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 0));
}

#[tokio::test]
async fn update_group_refuses_each_invalid_field_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let cases = [
        ("blank name", "name", json!("  ")),
        ("201-character name", "name", json!("a".repeat(201))),
        ("empty code", "code", json!("")),
        ("code with a space", "code", json!("1 2")),
        ("33-character code", "code", json!("9".repeat(33))),
    ];

    for (case, field, value) in cases {
        // Act
        let body = app.gql(UPDATE_GROUP, json!({ "id": fixture.group_id, "input": { field: value } })).await;

        // Assert
        assert_bad_input(&body, field, case);
        assert_eq!(
            stored_group(&app, &fixture.group_id).await,
            ("1".to_owned(), "Tổ dân phố 1".to_owned()),
            "{case}"
        );
    }
}

#[tokio::test]
async fn update_group_to_a_code_taken_in_the_ward_is_a_conflict_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;

    // Act
    let body = app
        .gql(UPDATE_GROUP, json!({ "id": fixture.group_id, "input": { "code": "2", "name": "Tổ mới" } }))
        .await;

    // Assert
    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
    assert!(body["data"].is_null());
    assert_eq!(stored_group(&app, &fixture.group_id).await, ("1".to_owned(), "Tổ dân phố 1".to_owned()));
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 0));
}

#[tokio::test]
async fn update_group_may_take_a_code_used_in_another_ward() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let other_ward = create_ward(&app, "W2", "Phường Ba Đình").await;
    let stranger = create_group(&app, &other_ward, "7").await;

    // Act
    let data = app.gql_ok(UPDATE_GROUP, json!({ "id": stranger, "input": { "code": "1" } })).await;

    // Assert
    assert_eq!(data["updateGroup"]["code"], "1");
    assert_eq!(stored_group(&app, &fixture.group_id).await.0, "1");
    assert_eq!(stored_group(&app, &stranger).await.0, "1");
}
