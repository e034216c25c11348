//! The arguments `changes` refuses, and who may not call it at all.

use uuid::Uuid;

use super::changes;
use crate::{
    helpers::{error_code, error_field},
    world::World,
};

#[tokio::test]
async fn a_since_that_changes_did_not_return_is_bad_user_input_on_since() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let list_cursor = URL_SAFE_NO_PAD.encode(format!("c1:{}\n", Uuid::now_v7()));
    let cases = [
        ("empty", String::new()),
        ("not base64", "not a cursor!".to_owned()),
        ("base64 of nonsense", URL_SAFE_NO_PAD.encode("hello")),
        ("numbers that are not numbers", URL_SAFE_NO_PAD.encode("f1:abc:1")),
        ("a goodDeeds cursor", list_cursor),
    ];

    for (case, since) in cases {
        // Act
        let body = changes(app, Some(&app.admin_token), Some(&since), None).await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{case}: {body:#}");
        assert_eq!(error_field(&body), "since", "{case}: {body:#}");
        assert!(body["data"].is_null(), "{case}");
    }
}

#[tokio::test]
async fn first_outside_1_to_100_is_bad_user_input_on_first() {
    // Arrange
    let world = World::build().await;

    for first in [0, 101, -1] {
        // Act
        let body = changes(&world.app, Some(&world.app.admin_token), None, Some(first)).await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "first {first}: {body:#}");
        assert_eq!(error_field(&body), "first", "first {first}: {body:#}");
        assert!(body["data"].is_null(), "first {first}");
    }
}

#[tokio::test]
async fn an_anonymous_caller_may_not_read_the_feed() {
    // Arrange
    let world = World::build().await;

    // Act
    let body = changes(&world.app, None, None, None).await;

    // Assert
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body:#}");
    assert!(body["data"].is_null());
}
