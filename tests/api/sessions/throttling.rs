//! Login throttling: 5 failures for one username from one address, or 20 from one address, within 15
//! minutes answer `RATE_LIMITED` before any password is checked; a successful login clears the
//! username's failures. Failures from one address never stop the same user elsewhere, the counts hold
//! across server processes, and a throttled login is HTTP 429 with `Retry-After` when the client
//! accepts `application/graphql-response+json`.

use chrono::Duration;
use pledge_api::config::HttpSettings;
use reqwest::{StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use super::{BAD_CREDENTIALS, app_with_leader, app_with_leader_on, assert_unauthenticated};
use crate::helpers::{
    LOGIN, OtherServer, Snapshot, TEST_PASSWORD, TestApp, error_code, login_body, test_http_settings,
};

/// HTTP settings trusting the local proxy's `X-Forwarded-For`, so each test request can come from the
/// client address it names.
fn behind_proxy() -> HttpSettings {
    HttpSettings { trusted_proxies: vec!["127.0.0.1".parse().expect("an address")], ..test_http_settings() }
}

/// A leader `lan.nguyen` on a server behind the proxy.
async fn app_behind_proxy() -> TestApp {
    app_with_leader_on(behind_proxy()).await.0
}

/// A login POSTed to `address` from `client` (through the trusted proxy) accepting `accept`: status,
/// headers and body.
async fn login_at(
    app: &TestApp,
    address: &str,
    client: &str,
    password: &str,
    accept: &str,
) -> (StatusCode, HeaderMap, Value) {
    let response = app
        .client
        .post(format!("{address}/graphql"))
        .header("x-forwarded-for", client)
        .header("accept", accept)
        .json(&json!({ "query": LOGIN, "variables": { "u": "lan.nguyen", "p": password } }))
        .send()
        .await
        .expect("request sent");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.json().await.expect("JSON body"))
}

const JSON: &str = "application/json";
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

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

#[tokio::test]
async fn failed_logins_from_one_address_do_not_stop_the_same_user_logging_in_from_another() {
    // Arrange: a stranger at 203.0.113.9 tries five passwords for the leader's username.
    let app = app_behind_proxy().await;
    for _ in 0..5 {
        let (_, _, body) = login_at(&app, &app.address, "203.0.113.9", "not-the-password-1", JSON).await;
        assert_unauthenticated(&body, "the stranger's guess");
    }
    let (_, _, stranger) = login_at(&app, &app.address, "203.0.113.9", TEST_PASSWORD, JSON).await;

    // Act: the leader, at home.
    let (status, _, leader) = login_at(&app, &app.address, "198.51.100.7", TEST_PASSWORD, JSON).await;

    // Assert
    assert_rate_limited(&stranger, "the stranger's address, even with the right password");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(leader["data"]["login"]["user"]["username"], "lan.nguyen", "{leader:#}");
}

#[tokio::test]
async fn a_throttled_login_is_429_with_retry_after_when_the_client_accepts_graphql_response_json() {
    // Arrange
    let app = app_behind_proxy().await;
    for _ in 0..5 {
        login_at(&app, &app.address, "203.0.113.9", "not-the-password-1", GRAPHQL_RESPONSE).await;
    }

    // Act
    let (status, headers, body) =
        login_at(&app, &app.address, "203.0.113.9", TEST_PASSWORD, GRAPHQL_RESPONSE).await;
    let (legacy_status, legacy_headers, legacy) =
        login_at(&app, &app.address, "203.0.113.9", TEST_PASSWORD, JSON).await;

    // Assert
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body:#}");
    let seconds = assert_rate_limited(&body, "graphql-response+json");
    assert_eq!(
        headers.get("retry-after").map(|v| v.to_str().expect("ASCII")),
        Some(seconds.to_string().as_str())
    );
    assert_eq!(legacy_status, StatusCode::OK, "plain JSON keeps 200 with the code: {legacy:#}");
    assert_rate_limited(&legacy, "application/json");
    assert!(legacy_headers.get("retry-after").is_none());
}

#[tokio::test]
async fn failures_count_across_server_processes() {
    // Arrange: three failures through one server process, two through another (on PostgreSQL).
    let app = app_behind_proxy().await;
    let other = OtherServer::start_with(&app, behind_proxy()).await;
    for address in [&app.address, &app.address, &app.address, &other.address, &other.address] {
        let (_, _, body) = login_at(&app, address, "203.0.113.9", "not-the-password-1", JSON).await;
        assert_unauthenticated(&body, "a guess");
    }

    // Act
    let (_, _, body) = login_at(&app, &app.address, "203.0.113.9", TEST_PASSWORD, JSON).await;

    // Assert
    assert_rate_limited(&body, "the sixth attempt, counted on both processes");
}

#[tokio::test]
async fn a_burst_of_concurrent_guesses_checks_at_most_5_passwords() {
    // Arrange
    let app = app_behind_proxy().await;
    let verifications = app.auth.passwords.verifications();

    // Act: twelve wrong passwords for one username from one address, all at once.
    let guesses = (0..12).map(|_| login_at(&app, &app.address, "203.0.113.9", "not-the-password-1", JSON));
    let answers = async_graphql::futures_util::future::join_all(guesses).await;

    // Assert
    let codes: Vec<&str> = answers.iter().map(|(_, _, body)| error_code(body)).collect();
    let checked = codes.iter().filter(|code| **code == "UNAUTHENTICATED").count();
    assert!(checked <= 5, "{codes:?}");
    assert_eq!(codes.iter().filter(|code| **code == "RATE_LIMITED").count(), 12 - checked, "{codes:?}");
    assert_eq!(
        app.auth.passwords.verifications() - verifications,
        checked as u64,
        "one hash per checked guess"
    );
}
