//! Usernames at `createUser`: unique ignoring case, and 3–64 letters without diacritics, digits, '.',
//! '_' or '-'.

use serde_json::json;

use super::app_with_leader;
use crate::helpers::{Snapshot, TEST_PASSWORD, error_code, error_field, spawn_app};

#[tokio::test]
async fn create_user_with_a_username_taken_in_another_case_is_a_conflict_naming_username() {
    // Arrange
    let app = app_with_leader().await;
    let before = Snapshot::take(&app).await;

    // Act
    let body = app
        .gql(
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            json!({ "input": {
                "username": "LAN.Nguyen", "displayName": "Lan khác", "password": TEST_PASSWORD,
                "roleAssignments": [{ "role": "ADMIN" }]
            } }),
        )
        .await;

    // Assert
    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
    assert_eq!(error_field(&body), "username");
    assert!(body["data"].is_null());
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn create_user_refuses_each_invalid_username_naming_the_field() {
    // Arrange
    let app = spawn_app().await;
    let before = Snapshot::take(&app).await;
    let too_long = "a".repeat(65);

    for username in ["", "ab", "   ", "lan nguyen", "nguyễn.lan", "lan@phuong", "lan/11", too_long.as_str()]
    {
        // Act
        let body = app
            .gql(
                "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
                json!({ "input": {
                    "username": username, "displayName": "Lan", "password": TEST_PASSWORD,
                    "roleAssignments": [{ "role": "ADMIN" }]
                } }),
            )
            .await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{username:?}: {body:#}");
        assert_eq!(error_field(&body), "username", "{username:?}");
        assert!(body["data"].is_null(), "{username:?}");
    }
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}
