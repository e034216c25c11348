//! Changing a password or deactivating a user ends their sessions at once: access tokens carry a token
//! version that no longer matches, and every refresh token is revoked.

use serde_json::json;

use super::{CHANGE_PASSWORD, NEW_PASSWORD, app_with_leader, assert_unauthenticated, me, refresh};
use crate::helpers::{Snapshot, TEST_PASSWORD, error_code, error_field, login_body, login_session};

#[tokio::test]
async fn change_password_with_a_wrong_current_password_is_bad_user_input_and_changes_nothing() {
    // Arrange
    let app = app_with_leader().await;
    let (access, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let before = Snapshot::take(&app).await;

    // Act
    let body = app
        .gql_with(
            Some(&access),
            CHANGE_PASSWORD,
            json!({ "current": "not-the-password-1", "new": NEW_PASSWORD }),
        )
        .await;

    // Assert
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert_eq!(error_field(&body), "currentPassword");
    assert!(body["data"].is_null());
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
    assert_eq!(me(&app, &access).await["data"]["me"]["username"], "lan.nguyen", "the session goes on");
}

#[tokio::test]
async fn change_password_refuses_a_new_password_that_is_too_short_too_long_or_unchanged() {
    // Arrange
    let app = app_with_leader().await;
    let (access, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let before = Snapshot::take(&app).await;

    for (new, case) in
        [("123456789", "9 characters"), (&*"x".repeat(129), "129 characters"), (TEST_PASSWORD, "unchanged")]
    {
        // Act
        let body = app
            .gql_with(Some(&access), CHANGE_PASSWORD, json!({ "current": TEST_PASSWORD, "new": new }))
            .await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{case}: {body:#}");
        assert_eq!(error_field(&body), "newPassword", "{case}");
        assert!(body["data"].is_null(), "{case}");
    }
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn after_change_password_only_the_new_session_and_the_new_password_work() {
    // Arrange: two signed-in phones.
    let app = app_with_leader().await;
    let (access, refresh_token) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let (other_access, other_refresh) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Act
    let body = app
        .gql_with(Some(&access), CHANGE_PASSWORD, json!({ "current": TEST_PASSWORD, "new": NEW_PASSWORD }))
        .await;

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    let payload = &body["data"]["changePassword"];
    assert_eq!(payload["user"], json!({ "username": "lan.nguyen" }));
    assert_unauthenticated(&me(&app, &access).await, "the access token that changed the password");
    assert_unauthenticated(&me(&app, &other_access).await, "the other phone's access token");
    assert_unauthenticated(&refresh(&app, &refresh_token).await, "the old refresh token");
    assert_unauthenticated(&refresh(&app, &other_refresh).await, "the other phone's refresh token");
    let new_access = payload["accessToken"].as_str().expect("new access token");
    assert_eq!(me(&app, new_access).await["data"]["me"]["username"], "lan.nguyen");
    let new_refresh = payload["refreshToken"].as_str().expect("new refresh token");
    assert!(refresh(&app, new_refresh).await.get("errors").is_none(), "the new refresh token works");
    assert_unauthenticated(&login_body(&app, "lan.nguyen", TEST_PASSWORD).await, "the old password");
    login_session(&app, "lan.nguyen", NEW_PASSWORD).await;
}

#[tokio::test]
async fn deactivating_a_user_cuts_their_tokens_at_once_and_reactivating_does_not_revive_them() {
    // Arrange
    let app = app_with_leader().await;
    let (access, refresh_token) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    assert_eq!(me(&app, &access).await["data"]["me"]["username"], "lan.nguyen", "works before");
    let id = Snapshot::take(&app).await.user("lan.nguyen").id.to_string();
    let set_active = "mutation($id: ID!, $a: Boolean!) { setUserActive(id: $id, active: $a) { active } }";

    // Act
    let deactivated = app.gql_ok(set_active, json!({ "id": id, "a": false })).await;
    let me_while_inactive = me(&app, &access).await;
    let refresh_while_inactive = refresh(&app, &refresh_token).await;
    app.gql_ok(set_active, json!({ "id": id, "a": true })).await;

    // Assert
    assert_eq!(deactivated, json!({ "setUserActive": { "active": false } }));
    assert_unauthenticated(&me_while_inactive, "access token of a deactivated user");
    assert_unauthenticated(&refresh_while_inactive, "refresh token of a deactivated user");
    assert_unauthenticated(&me(&app, &access).await, "old access token after reactivation");
    assert_unauthenticated(&refresh(&app, &refresh_token).await, "old refresh token after reactivation");
    let (fresh, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    assert_eq!(me(&app, &fresh).await["data"]["me"]["username"], "lan.nguyen");
}
