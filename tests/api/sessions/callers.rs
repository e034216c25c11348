//! The caller of a session is read from the database once and then remembered, in every server process,
//! until the session ends: a request that arrives after a logout, deactivation or password change was
//! answered is refused by every process, however warm its memory of the caller.

use std::time::Duration;

use pledge_api::{auth::Role, entities::role_assignment};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;
use uuid::Uuid;

use super::{CHANGE_PASSWORD, NEW_PASSWORD, app_with_leader_on, assert_unauthenticated};
use crate::helpers::{OtherServer, Snapshot, TEST_PASSWORD, TestApp, login_session, test_http_settings};

const ME: &str = "{ me { username } }";
const LOGOUT: &str = "mutation($t: String!) { logout(refreshToken: $t) }";
const GROUP: &str = "query($id: ID!) { group(id: $id) { code } }";

/// Long enough for a freshly started server process to start remembering callers: it first proves it
/// hears every revocation, which takes a fraction of a second.
const SETTLE: Duration = Duration::from_millis(600);

/// Rounds of each race: a remembered caller that outlived its revocation would show in one of them.
const ROUNDS: usize = 8;

async fn two_servers() -> (TestApp, String, OtherServer) {
    let (app, group_id) = app_with_leader_on(test_http_settings()).await;
    let other = OtherServer::start(&app).await;
    tokio::time::sleep(SETTLE).await;
    (app, group_id, other)
}

/// Asks `me` twice on both servers, so that each remembers the caller.
async fn warm(app: &TestApp, other: &OtherServer, token: &str) {
    for _ in 0..2 {
        assert_eq!(app.gql_with(Some(token), ME, json!({})).await["data"]["me"]["username"], "lan.nguyen");
        let there = other.gql_with(app, Some(token), ME, json!({})).await;
        assert_eq!(there["data"]["me"]["username"], "lan.nguyen", "{there:#}");
    }
}

#[tokio::test]
async fn a_session_known_to_the_server_is_answered_without_reading_the_caller_again() {
    // Arrange: a leader of group 1 is remembered; then, behind the service's back (no announcement),
    // the database gives them group 2 as well.
    let (app, _, _) = two_servers().await;
    let other_group = Snapshot::take(&app).await.groups.iter().find(|g| g.code == "2").expect("group 2").id;
    let (token, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    assert_eq!(app.gql_with(Some(&token), ME, json!({})).await["data"]["me"]["username"], "lan.nguyen");
    let leader = Snapshot::take(&app).await.user("lan.nguyen").id;
    role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(leader),
        role: Set(Role::GroupLeader),
        ward_id: Set(None),
        group_id: Set(Some(other_group)),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&app.db)
    .await
    .expect("assignment written directly");

    // Act
    let same_session = app.gql_with(Some(&token), GROUP, json!({ "id": other_group })).await;
    let (new_token, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let new_session = app.gql_with(Some(&new_token), GROUP, json!({ "id": other_group })).await;

    // Assert: the running session keeps the scope it was read with; a new sign-in reads it again.
    assert_eq!(same_session["errors"][0]["extensions"]["code"], "NOT_FOUND", "{same_session:#}");
    assert_eq!(new_session, json!({ "data": { "group": { "code": "2" } } }));
}

#[tokio::test]
async fn right_after_a_logout_is_answered_no_server_answers_for_the_session() {
    let (app, _, other) = two_servers().await;
    for round in 0..ROUNDS {
        // Arrange: both servers remember the session's caller.
        let (token, refresh) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
        warm(&app, &other, &token).await;

        // Act: the logout goes through one server; the next request, sent the moment it is answered,
        // goes to the other.
        let logout = app.gql_with(Some(&token), LOGOUT, json!({ "t": refresh })).await;
        let there = other.gql_with(&app, Some(&token), ME, json!({})).await;
        let here = app.gql_with(Some(&token), ME, json!({})).await;

        // Assert
        assert_eq!(logout, json!({ "data": { "logout": true } }), "round {round}");
        assert_unauthenticated(&there, &format!("round {round}, on the other server"));
        assert_unauthenticated(&here, &format!("round {round}, on the server that logged out"));
    }
}

#[tokio::test]
async fn right_after_a_password_change_is_answered_only_the_new_session_is_answered_anywhere() {
    let (app, _, other) = two_servers().await;
    let mut password = TEST_PASSWORD.to_owned();
    for round in 0..ROUNDS {
        // Arrange
        let (old_token, _) = login_session(&app, "lan.nguyen", &password).await;
        warm(&app, &other, &old_token).await;
        let new_password = format!("{NEW_PASSWORD}-{round}");

        // Act
        let changed = app
            .gql_with(Some(&old_token), CHANGE_PASSWORD, json!({ "current": password, "new": new_password }))
            .await;
        let old_there = other.gql_with(&app, Some(&old_token), ME, json!({})).await;
        let new_token = changed["data"]["changePassword"]["accessToken"].as_str().expect("new token");
        let new_there = other.gql_with(&app, Some(new_token), ME, json!({})).await;

        // Assert
        assert_unauthenticated(&old_there, &format!("round {round}: the old token on the other server"));
        assert_eq!(new_there["data"]["me"]["username"], "lan.nguyen", "round {round}: {new_there:#}");
        password = new_password;
    }
}

#[tokio::test]
async fn right_after_a_deactivation_is_answered_no_server_answers_for_the_user() {
    // Arrange
    let (app, _, other) = two_servers().await;
    let (token, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    warm(&app, &other, &token).await;
    let leader = Snapshot::take(&app).await.user("lan.nguyen").id.to_string();

    // Act
    let deactivated = app
        .gql_ok(
            "mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }",
            json!({ "id": leader }),
        )
        .await;
    let there = other.gql_with(&app, Some(&token), ME, json!({})).await;
    let here = app.gql_with(Some(&token), ME, json!({})).await;

    // Assert
    assert_eq!(deactivated["setUserActive"]["active"], false);
    assert_unauthenticated(&there, "on the other server");
    assert_unauthenticated(&here, "on the server that deactivated");
}
