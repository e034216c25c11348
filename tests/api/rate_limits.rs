//! Request rate limits per bearer token and per client address (2 a second, 3 at once, in these
//! tests): the request over the budget answers 429 `RATE_LIMITED` with `Retry-After` and
//! `extensions.retryAfterSeconds`, runs nothing, and leaves other tokens and addresses alone.

use std::{num::NonZeroU32, time::Duration};

use pledge_api::config::{HttpSettings, RateLimit};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::json;

use crate::{
    helpers::{Snapshot, TestApp, spawn_app_with, test_http_settings},
    http_surface::{Answer, create_ward_request, post, send},
};

/// 2 requests a second, 3 at once.
fn two_a_second() -> Option<RateLimit> {
    Some(RateLimit {
        per_second: NonZeroU32::new(2).expect("not zero"),
        burst: NonZeroU32::new(3).expect("not zero"),
    })
}

/// Long enough for a budget of 2 a second and 3 at once to fill up again.
const REFILL: Duration = Duration::from_millis(1600);

const ME: &str = r#"{"query": "{ me { username } }"}"#;

/// A `me` query from `token` (none: anonymous), as if from `client` behind the proxy when given.
fn me(app: &TestApp, token: Option<&str>, client: Option<&str>) -> RequestBuilder {
    let request = post(app, token, None, ME);
    match client {
        Some(client) => request.header("x-forwarded-for", client),
        None => request,
    }
}

/// Sends `make()` `n` times, one after the other, and returns the statuses.
async fn statuses(n: usize, make: impl Fn() -> RequestBuilder) -> Vec<StatusCode> {
    let mut statuses = Vec::with_capacity(n);
    for _ in 0..n {
        statuses.push(send(make()).await.status);
    }
    statuses
}

/// Asserts the whole 429 answer: `Retry-After: 1` (a request comes back every half second) and the
/// same number in the body.
#[track_caller]
fn assert_rate_limited(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{}", answer.text);
    assert_eq!(answer.header("retry-after"), Some("1"));
    assert_eq!(answer.content_type(), "application/json");
    assert_eq!(
        answer.json(),
        json!({ "errors": [{
            "message": "too many requests; try again in 1 s",
            "extensions": { "code": "RATE_LIMITED", "retryAfterSeconds": 1 }
        }] })
    );
}

const OK3: [StatusCode; 3] = [StatusCode::OK; 3];

#[tokio::test]
async fn a_tokens_fourth_quick_request_is_429_with_retry_after() {
    // Arrange
    let app =
        spawn_app_with(HttpSettings { rate_limit_per_token: two_a_second(), ..test_http_settings() }).await;
    let token = app.login("root", crate::helpers::TEST_PASSWORD).await;

    // Act
    let allowed = statuses(3, || me(&app, Some(&token), None)).await;
    let fourth = send(me(&app, Some(&token), None)).await;

    // Assert
    assert_eq!(allowed, OK3);
    assert_rate_limited(&fourth);
}

#[tokio::test]
async fn a_refused_request_runs_nothing() {
    // Arrange
    let app =
        spawn_app_with(HttpSettings { rate_limit_per_token: two_a_second(), ..test_http_settings() }).await;
    let token = app.login("root", crate::helpers::TEST_PASSWORD).await;
    assert_eq!(statuses(3, || me(&app, Some(&token), None)).await, OK3);
    let before = Snapshot::take(&app).await;

    // Act
    let answer = send(post(&app, Some(&token), None, create_ward_request("W429").to_string())).await;

    // Assert
    assert_rate_limited(&answer);
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn another_token_is_unaffected_and_the_budget_comes_back() {
    // Arrange
    let app =
        spawn_app_with(HttpSettings { rate_limit_per_token: two_a_second(), ..test_http_settings() }).await;
    let spent = app.login("root", crate::helpers::TEST_PASSWORD).await;
    let other = app.login("root", crate::helpers::TEST_PASSWORD).await;
    assert_ne!(spent, other);
    assert_eq!(statuses(3, || me(&app, Some(&spent), None)).await, OK3);
    assert_rate_limited(&send(me(&app, Some(&spent), None)).await);

    // Act
    let others = statuses(3, || me(&app, Some(&other), None)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after_waiting = send(me(&app, Some(&spent), None)).await;

    // Assert
    assert_eq!(others, OK3);
    assert_eq!(after_waiting.status, StatusCode::OK, "{}", after_waiting.text);
    assert_eq!(after_waiting.json(), json!({ "data": { "me": { "username": "root" } } }));
}

#[tokio::test]
async fn a_tokens_budget_follows_it_from_address_to_address() {
    // Arrange
    let app = spawn_app_with(HttpSettings {
        rate_limit_per_token: two_a_second(),
        trusted_proxies: vec!["127.0.0.1".parse().expect("an address")],
        ..test_http_settings()
    })
    .await;
    let token = app.login("root", crate::helpers::TEST_PASSWORD).await;

    // Act
    let mut answers = Vec::new();
    for client in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"] {
        answers.push(send(me(&app, Some(&token), Some(client))).await);
    }

    // Assert
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses[..3], OK3);
    assert_rate_limited(&answers[3]);
}

#[tokio::test]
async fn anonymous_requests_count_per_address_and_a_forged_forwarded_for_does_not_dodge_it() {
    // Arrange: the set-up's own sign-in came from this address too; let its budget fill up again.
    let app =
        spawn_app_with(HttpSettings { rate_limit_per_address: two_a_second(), ..test_http_settings() }).await;
    tokio::time::sleep(REFILL).await;
    let clients = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"];

    // Act: no proxy is trusted, so the header is ignored and the peer address counts.
    let mut answers = Vec::new();
    for client in clients {
        answers.push(send(me(&app, None, Some(client))).await);
    }

    // Assert
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses[..3], OK3, "{answers:#?}");
    assert_eq!(answers[0].json()["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_rate_limited(&answers[3]);
}

#[tokio::test]
async fn requests_with_different_tokens_share_their_addresss_budget() {
    // Arrange
    let app =
        spawn_app_with(HttpSettings { rate_limit_per_address: two_a_second(), ..test_http_settings() }).await;
    tokio::time::sleep(REFILL).await;
    let tokens = [app.admin_token.clone(), "a".into(), "b".into(), "c".into()];

    // Act
    let mut answers = Vec::new();
    for token in &tokens {
        answers.push(send(me(&app, Some(token), None)).await);
    }

    // Assert
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses[..3], OK3);
    assert_rate_limited(&answers[3]);
}

#[tokio::test]
async fn each_client_behind_a_trusted_proxy_has_its_own_address_budget() {
    // Arrange
    let app = spawn_app_with(HttpSettings {
        rate_limit_per_address: two_a_second(),
        trusted_proxies: vec!["127.0.0.1".parse().expect("an address")],
        ..test_http_settings()
    })
    .await;
    let first = "203.0.113.7";
    let second = "203.0.113.8";

    // Act
    let first_three = statuses(3, || me(&app, None, Some(first))).await;
    let first_fourth = send(me(&app, None, Some(first))).await;
    let second_three = statuses(3, || me(&app, None, Some(&format!("{first}, {second}")))).await;

    // Assert: the last hop the trusted proxy appended is the client; what the client wrote before it
    // is not believed.
    assert_eq!(first_three, OK3);
    assert_rate_limited(&first_fourth);
    assert_eq!(second_three, OK3);
}

#[tokio::test]
async fn health_and_metrics_are_never_rate_limited() {
    // Arrange
    let app = spawn_app_with(HttpSettings {
        rate_limit_per_address: two_a_second(),
        rate_limit_per_token: two_a_second(),
        ..test_http_settings()
    })
    .await;
    tokio::time::sleep(REFILL).await;
    assert_eq!(statuses(3, || me(&app, None, None)).await, OK3);
    assert_rate_limited(&send(me(&app, None, None)).await);

    // Act
    let health = statuses(5, || app.client.get(format!("{}/healthz", app.address))).await;
    let metrics = statuses(5, || app.client.get(format!("{}/metrics", app.address))).await;
    let ready = statuses(5, || app.client.get(format!("{}/readyz", app.address))).await;

    // Assert
    assert_eq!(
        [health, metrics, ready],
        [[StatusCode::OK; 5], [StatusCode::OK; 5], [StatusCode::OK; 5]].map(Vec::from)
    );
}
