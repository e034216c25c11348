//! A session that ends, ends everywhere at once: the access tokens of a logged-out or stolen-and-reused
//! session are refused on every server process, and an open `/graphql/ws` connection closes with 4403
//! within a second when its user is deactivated or its token expires, running nothing meanwhile.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, protocol::frame::coding::CloseCode};

use super::{REFRESH, app_with_leader_on, assert_unauthenticated};
use crate::{
    helpers::{OtherServer, Snapshot, TEST_PASSWORD, TestApp, login_session, test_http_settings},
    subscriptions::{Socket, next_json, next_within, open, send},
};

/// A leader `lan.nguyen` of group "1" of ward W1: the app and the group's id.
async fn app_with_leader() -> (TestApp, String) {
    app_with_leader_on(test_http_settings()).await
}

const ME: &str = "{ me { username } }";

/// How soon an ended session's socket must close. The server closes it within milliseconds of the
/// announcement; the bound leaves room for a loaded two-core CI machine, and is far below the 30 s
/// database recheck that would close it if the announcement were lost.
const PROMPTLY: StdDuration = StdDuration::from_secs(2);

/// A socket of `address` signed in with `token` (acknowledged).
async fn signed_in_socket(address: &str, token: &str) -> Socket {
    let mut socket = open(address).await;
    let init =
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    send(&mut socket, init).await;
    assert_eq!(next_json(&mut socket).await, Some(json!({ "type": "connection_ack" })));
    socket
}

/// Sends `createHousehold` of `code` in `group` over the socket as operation `id`.
async fn create_household_over(socket: &mut Socket, id: &str, group: &str, code: &str) {
    let query = "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }";
    let input = json!({ "groupId": group, "code": code, "headName": "Trần Văn Bình", "address": "Số 1", "memberCount": 3 });
    let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": { "input": input } } });
    send(socket, message).await;
}

/// Reads the socket until it closes (at most `limit`): the JSON messages before, the close frame, and
/// how long the close took.
async fn until_closed(
    socket: &mut Socket,
    limit: StdDuration,
) -> (Vec<Value>, (CloseCode, String), StdDuration) {
    let started = Instant::now();
    let mut messages = Vec::new();
    while started.elapsed() < limit {
        match next_within(socket).await {
            Some(Message::Close(Some(frame))) => {
                return (messages, (frame.code, frame.reason.to_string()), started.elapsed());
            }
            Some(Message::Text(text)) => messages.push(serde_json::from_str(&text).expect("JSON")),
            Some(Message::Ping(_) | Message::Pong(_)) | None => {}
            Some(other) => panic!("unexpected frame {other:?}"),
        }
    }
    panic!("the socket stayed open for {limit:?}; it said {messages:#?}");
}

/// No message carries data from an operation: every answer to one is a refusal.
fn nothing_ran(messages: &[Value]) {
    for message in messages.iter().filter(|m| m["type"] == "next") {
        assert!(message["payload"]["data"].is_null(), "an operation ran: {message:#}");
        assert_eq!(message["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{message:#}");
    }
}

/// The leader's socket on the other server process, and the deactivation sent through the first.
async fn deactivate(app: &TestApp) -> Value {
    let leader_id = Snapshot::take(app).await.user("lan.nguyen").id.to_string();
    app.gql_ok(
        "mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }",
        json!({ "id": leader_id }),
    )
    .await
}

#[tokio::test]
async fn a_deactivated_users_idle_socket_closes_within_a_second_on_another_server() {
    // Arrange: the socket is on the other server process; the deactivation goes through the first.
    let (app, _) = app_with_leader().await;
    let other = OtherServer::start(&app).await;
    let (leader, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let mut socket = signed_in_socket(&other.address, &leader).await;

    // Act: nothing is sent on the socket; only the announcement of the ended session can close it.
    let deactivated = deactivate(&app).await;
    let (messages, close, took) = until_closed(&mut socket, StdDuration::from_secs(3)).await;

    // Assert
    assert_eq!(deactivated["setUserActive"]["active"], false);
    assert_eq!(close, (CloseCode::from(4403), "the session has ended; sign in again".to_owned()));
    assert!(took <= PROMPTLY, "closed after {took:?}");
    assert_eq!(messages, Vec::<Value>::new());
}

#[tokio::test]
async fn a_write_sent_on_a_deactivated_users_socket_is_refused_and_the_socket_closes() {
    // Arrange
    let (app, group) = app_with_leader().await;
    let other = OtherServer::start(&app).await;
    let (leader, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let mut socket = signed_in_socket(&other.address, &leader).await;
    let households_before = app.count_rows("household").await;

    // Act: the write races the announcement; whichever comes first, it must not run.
    deactivate(&app).await;
    create_household_over(&mut socket, "1", &group, "H-AFTER").await;
    let (messages, close, took) = until_closed(&mut socket, StdDuration::from_secs(3)).await;

    // Assert
    assert_eq!(close.0, CloseCode::from(4403), "{close:?}");
    assert!(took <= PROMPTLY, "closed after {took:?}");
    nothing_ran(&messages);
    assert_eq!(app.count_rows("household").await, households_before, "nothing was written");
}

#[tokio::test]
async fn a_socket_whose_token_expired_closes_and_runs_nothing() {
    // Arrange
    let (app, group) = app_with_leader().await;
    let (leader, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let mut socket = signed_in_socket(&app.address, &leader).await;
    let households_before = app.count_rows("household").await;

    // Act: 16 minutes later (the token lives 15), the phone tries a write.
    app.clock.advance(Duration::minutes(16));
    create_household_over(&mut socket, "1", &group, "H-LATE").await;
    let (messages, close, took) = until_closed(&mut socket, StdDuration::from_secs(3)).await;

    // Assert
    assert_eq!(close.0, CloseCode::from(4403), "{close:?}");
    assert!(took <= StdDuration::from_secs(2), "closed after {took:?}");
    nothing_ran(&messages);
    assert_eq!(app.count_rows("household").await, households_before, "nothing was written");
}

#[tokio::test]
async fn after_logout_every_access_token_of_the_session_is_refused_on_every_server() {
    // Arrange: one session refreshed once (two access tokens), and another session of the same user.
    let (app, _) = app_with_leader().await;
    let other = OtherServer::start(&app).await;
    let (first_access, first_refresh) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let refreshed = app.gql_with(None, REFRESH, json!({ "t": first_refresh })).await;
    let second_access =
        refreshed["data"]["refreshSession"]["accessToken"].as_str().expect("access").to_owned();
    let second_refresh =
        refreshed["data"]["refreshSession"]["refreshToken"].as_str().expect("refresh").to_owned();
    let (other_session, _) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Act
    let logout = "mutation($t: String!) { logout(refreshToken: $t) }";
    let body = app.gql_with(Some(&second_access), logout, json!({ "t": second_refresh })).await;

    // Assert
    assert_eq!(body, json!({ "data": { "logout": true } }));
    for token in [&first_access, &second_access] {
        assert_unauthenticated(&app.gql_with(Some(token), ME, json!({})).await, "on the first server");
        assert_unauthenticated(
            &other.gql_with(&app, Some(token), ME, json!({})).await,
            "on the other server",
        );
    }
    let still = other.gql_with(&app, Some(&other_session), ME, json!({})).await;
    assert_eq!(still["data"]["me"]["username"], "lan.nguyen", "another session goes on: {still:#}");
}

#[tokio::test]
async fn after_refresh_token_reuse_every_access_token_of_the_session_is_refused_on_every_server() {
    // Arrange: the refresh token was copied; the thief refreshed first, then the phone tries the copy.
    let (app, _) = app_with_leader().await;
    let other = OtherServer::start(&app).await;
    let (phone_access, stolen_refresh) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let by_thief = other.gql_with(&app, None, REFRESH, json!({ "t": stolen_refresh })).await;
    let thief_access = by_thief["data"]["refreshSession"]["accessToken"].as_str().expect("access").to_owned();

    // Act
    let reuse = app.gql_with(None, REFRESH, json!({ "t": stolen_refresh })).await;

    // Assert
    assert_unauthenticated(&reuse, "the reused refresh token");
    for token in [&phone_access, &thief_access] {
        assert_unauthenticated(&app.gql_with(Some(token), ME, json!({})).await, "on the first server");
        assert_unauthenticated(
            &other.gql_with(&app, Some(token), ME, json!({})).await,
            "on the other server",
        );
    }
}
