//! Login throttling: 5 failures for one username or 20 from one address within 15 minutes answer
//! `RATE_LIMITED` before any password is checked; a successful login clears the username's failures.

use chrono::Duration;
use serde_json::Value;

use super::{BAD_CREDENTIALS, app_with_leader, assert_unauthenticated};
use crate::helpers::{Snapshot, TEST_PASSWORD, TestApp, error_code, login_body};

/// Fails `times` logins for `username` with a wrong password, asserting each is a plain refusal.
async fn fail_logins(app: &TestApp, username: &str, times: usize) {
    for attempt in 1..=times {
        let body = login_body(app, username, "not-the-password-1").await;
        assert_unauthenticated(&body, &format!("failed login {attempt} of {username}"));
        assert_eq!(body["errors"][0]["message"], BAD_CREDENTIALS);
    }
}

#[track_caller]
fn assert_rate_limited(body: &Value, case: &str) -> u64 {
    assert_eq!(error_code(body), "RATE_LIMITED", "{case}: {body:#}");
    assert!(body["data"].is_null(), "{case}: {body:#}");
    let retry_after = body["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap_or_else(|| panic!("{case}: no retryAfterSeconds in {body:#}"));
    assert!((1..=15 * 60).contains(&retry_after), "{case}: retryAfterSeconds = {retry_after}");
    retry_after
}

#[tokio::test]
async fn after_5_failed_logins_the_6th_is_rate_limited_without_checking_even_the_right_password() {
    // Arrange
    let app = app_with_leader().await;
    fail_logins(&app, "lan.nguyen", 5).await;
    let verifications = app.auth.passwords.verifications();
    let before = Snapshot::take(&app).await;

    // Act
    let body = login_body(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Assert
    assert_rate_limited(&body, "6th login with the right password");
    assert_eq!(app.auth.passwords.verifications(), verifications, "no password verification ran");
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new(), "no session");
    let other = login_body(&app, "root", TEST_PASSWORD).await;
    assert!(other.get("errors").is_none(), "another username is not throttled: {other:#}");
}

#[tokio::test]
async fn a_throttled_username_may_log_in_again_15_minutes_later() {
    // Arrange
    let app = app_with_leader().await;
    fail_logins(&app, "lan.nguyen", 5).await;
    assert_rate_limited(&login_body(&app, "lan.nguyen", TEST_PASSWORD).await, "right after");
    app.clock.advance(Duration::minutes(14));
    assert_rate_limited(&login_body(&app, "lan.nguyen", TEST_PASSWORD).await, "14 minutes later");

    // Act
    app.clock.advance(Duration::minutes(1));
    let body = login_body(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Assert
    assert!(body.get("errors").is_none(), "15 minutes after the failures: {body:#}");
}

#[tokio::test]
async fn a_successful_login_clears_the_usernames_failures() {
    // Arrange: 4 failures, a success, 4 more failures: 8 in the window, but only 4 since the success.
    let app = app_with_leader().await;
    fail_logins(&app, "lan.nguyen", 4).await;
    assert!(login_body(&app, "lan.nguyen", TEST_PASSWORD).await.get("errors").is_none());
    fail_logins(&app, "lan.nguyen", 4).await;

    // Act
    let after_eight_failures = login_body(&app, "lan.nguyen", TEST_PASSWORD).await;
    fail_logins(&app, "lan.nguyen", 5).await;
    let after_five_more = login_body(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Assert
    assert!(after_eight_failures.get("errors").is_none(), "{after_eight_failures:#}");
    assert_rate_limited(&after_five_more, "5 failures after the last success");
}

#[tokio::test]
async fn failures_count_for_a_username_whatever_case_it_is_typed_in() {
    // Arrange
    let app = app_with_leader().await;
    for spelling in ["lan.nguyen", "LAN.NGUYEN", "Lan.Nguyen", "lan.NGUYEN", " lan.nguyen "] {
        fail_logins(&app, spelling, 1).await;
    }

    // Act
    let body = login_body(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Assert
    assert_rate_limited(&body, "5 failures spelled differently");
}

#[tokio::test]
async fn after_20_failed_logins_from_one_address_every_username_is_rate_limited() {
    // Arrange: 4 failures for each of 5 usernames, so no username reaches its own limit.
    let app = app_with_leader().await;
    for n in 0..5 {
        fail_logins(&app, &format!("guess{n}"), 4).await;
    }
    let verifications = app.auth.passwords.verifications();

    // Act
    let body = login_body(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Assert
    assert_rate_limited(&body, "21st login from the address");
    assert_eq!(app.auth.passwords.verifications(), verifications, "no password verification ran");
}
