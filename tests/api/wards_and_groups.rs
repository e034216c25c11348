//! Wards and residential groups: create, read, nested lists, duplicates.

use serde_json::json;

use crate::helpers::{spawn_app, ward_with_two_groups};

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
