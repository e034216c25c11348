use serde_json::json;
use crate::helpers::{TEST_PASSWORD, create_user, spawn_app, ward_with_two_groups, Snapshot};

#[tokio::test]
async fn probe_login_nested() {
    let app = spawn_app().await;
    let f = ward_with_two_groups(&app).await;
    create_user(&app, "lan.nguyen", "Lan", json!([{ "role": "GROUP_LEADER", "groupId": f.group_id }])).await;
    let before = Snapshot::take(&app).await.refresh_tokens.len();
    let body = app.gql_with(None, "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) {
        accessToken user { username roleAssignments { role group { code ward { name } households { totalCount } } } } } }",
        json!({"u": "lan.nguyen", "p": TEST_PASSWORD})).await;
    println!("{body:#}");
    println!("refresh rows {} -> {}", before, Snapshot::take(&app).await.refresh_tokens.len());
}
