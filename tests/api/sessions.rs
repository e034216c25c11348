//! Sessions: login, refresh-token rotation and reuse detection, expiry and logout. Password change and
//! deactivation cutting sessions off are in `revocation`, login throttling in `throttling`, the
//! usernames `createUser` accepts in `usernames`.

mod callers;
mod ending;
mod revocation;
mod throttling;
mod usernames;

use chrono::{DateTime, Duration, Utc};
use pledge_api::config::HttpSettings;
use serde_json::{Value, json};

use crate::helpers::{
    Snapshot, TEST_PASSWORD, TestApp, create_user, error_code, login_body, login_session, spawn_app,
    spawn_app_with, test_http_settings, ward_with_two_groups,
};

const LOGIN_PAYLOAD: &str =
    "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) {
    accessToken refreshToken expiresAt refreshExpiresAt
    user { username displayName active roleAssignments { role ward { code name } group { code name } } }
} }";

const REFRESH: &str = "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken user { username } } }";

const CHANGE_PASSWORD: &str = "mutation($current: String!, $new: String!) {
    changePassword(currentPassword: $current, newPassword: $new) { accessToken refreshToken user { username } }
}";

const NEW_PASSWORD: &str = "a-brand-new-password-456";

/// The message of every refused login, whatever the reason.
const BAD_CREDENTIALS: &str = "invalid username or password";

/// A GROUP_LEADER `lan.nguyen` of group "1" of ward W1; returns the app.
async fn app_with_leader() -> TestApp {
    app_with_leader_on(test_http_settings()).await.0
}

/// Like `app_with_leader`, on a server with the HTTP surface `http`; returns the app and the group's id.
async fn app_with_leader_on(http: HttpSettings) -> (TestApp, String) {
    let app = spawn_app_with(http).await;
    let fixture = ward_with_two_groups(&app).await;
    create_user(
        &app,
        "lan.nguyen",
        "Nguyễn Thị Lan",
        json!([{ "role": "GROUP_LEADER", "groupId": fixture.group_id }]),
    )
    .await;
    (app, fixture.group_id)
}

async fn refresh(app: &TestApp, refresh_token: &str) -> Value {
    app.gql_with(None, REFRESH, json!({ "t": refresh_token })).await
}

/// The refresh-token rows of `username`, oldest first.
async fn sessions_of(app: &TestApp, username: &str) -> Vec<pledge_api::entities::refresh_token::Model> {
    let snapshot = Snapshot::take(app).await;
    let user_id = snapshot.user(username).id;
    snapshot.refresh_tokens.into_iter().filter(|t| t.user_id == user_id).collect()
}

/// `me { username }` with `access_token`.
async fn me(app: &TestApp, access_token: &str) -> Value {
    app.gql_with(Some(access_token), "{ me { username } }", json!({})).await
}

#[track_caller]
fn assert_unauthenticated(body: &Value, case: &str) {
    assert_eq!(error_code(body), "UNAUTHENTICATED", "{case}: {body:#}");
    assert!(body["data"].is_null(), "{case}: no data on a refusal: {body:#}");
}

fn timestamp(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("timestamp")).expect("RFC 3339").with_timezone(&Utc)
}

#[track_caller]
fn assert_about(actual: DateTime<Utc>, expected: DateTime<Utc>, what: &str) {
    let off = (actual - expected).num_seconds().abs();
    assert!(off <= 5, "{what}: {actual} is {off} s away from {expected}");
}

#[tokio::test]
async fn login_returns_a_working_session_expiring_in_15_minutes_with_the_users_roles() {
    // Arrange
    let app = app_with_leader().await;
    let before = Snapshot::take(&app).await;

    // Act
    let body = app.gql_with(None, LOGIN_PAYLOAD, json!({ "u": "lan.nguyen", "p": TEST_PASSWORD })).await;
    let now = Utc::now();

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    let payload = &body["data"]["login"];
    let access_token = payload["accessToken"].as_str().expect("access token");
    assert_eq!(access_token.split('.').count(), 3, "a JWT: {access_token}");
    let refresh_token = payload["refreshToken"].as_str().expect("refresh token");
    assert_eq!(refresh_token.len(), 43, "256 random bits in unpadded base64url: {refresh_token}");
    assert!(
        refresh_token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "{refresh_token}"
    );
    assert_about(timestamp(&payload["expiresAt"]), now + Duration::minutes(15), "expiresAt");
    assert_about(timestamp(&payload["refreshExpiresAt"]), now + Duration::days(30), "refreshExpiresAt");
    assert_eq!(
        payload["user"],
        json!({ "username": "lan.nguyen", "displayName": "Nguyễn Thị Lan", "active": true, "roleAssignments": [
            { "role": "GROUP_LEADER", "ward": null, "group": { "code": "1", "name": "Tổ dân phố 1" } }
        ] })
    );
    assert_eq!(me(&app, access_token).await, json!({ "data": { "me": { "username": "lan.nguyen" } } }));
    let after = Snapshot::take(&app).await;
    assert_eq!(before.changed_tables(&after), ["refresh_token", "audit_event"]);
    let user_id = after.user("lan.nguyen").id;
    assert_eq!(after.audit_events.len(), before.audit_events.len() + 1);
    assert_eq!(after.audit_events.last().map(|e| e.actor_id), Some(Some(user_id)), "the sign-in is audited");
    assert_eq!(after.refresh_tokens.len(), before.refresh_tokens.len() + 1);
    let stored =
        after.refresh_tokens.iter().find(|t| !before.refresh_tokens.contains(t)).expect("the new session");
    assert_eq!(stored.user_id, user_id);
    assert_ne!(stored.token_hash, refresh_token, "stored hashed, never in clear");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer_and_no_session() {
    // Arrange
    let app = app_with_leader().await;
    let before = Snapshot::take(&app).await;

    // Act
    let wrong_password = login_body(&app, "lan.nguyen", "not-the-password-1").await;
    let unknown_user = login_body(&app, "no.such.user", TEST_PASSWORD).await;

    // Assert
    assert_unauthenticated(&wrong_password, "wrong password");
    assert_eq!(wrong_password["errors"][0]["message"], BAD_CREDENTIALS);
    assert_eq!(unknown_user, wrong_password, "the answers must not tell the two apart");
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn a_login_for_an_unknown_user_runs_exactly_one_password_verification_like_a_wrong_password() {
    // Arrange
    let app = app_with_leader().await;
    let verifications = || app.auth.passwords.verifications();

    // Act
    let before_unknown = verifications();
    let unknown_user = login_body(&app, "no.such.user", TEST_PASSWORD).await;
    let after_unknown = verifications();
    let wrong_password = login_body(&app, "lan.nguyen", "not-the-password-1").await;
    let after_wrong = verifications();

    // Assert
    assert_unauthenticated(&unknown_user, "unknown user");
    assert_unauthenticated(&wrong_password, "wrong password");
    assert_eq!(after_unknown - before_unknown, 1, "one verification against the dummy hash");
    assert_eq!(after_wrong - after_unknown, 1, "one verification against the user's hash");
}

#[tokio::test]
async fn usernames_are_case_insensitive_at_login() {
    // Arrange
    let app = spawn_app().await;
    let id = create_user(&app, "Lan.Nguyen", "Nguyễn Thị Lan", json!([{ "role": "ADMIN" }])).await;

    for spelling in ["Lan.Nguyen", "lan.nguyen", "LAN.NGUYEN", "lAN.nGUYEN"] {
        // Act
        let body = login_body(&app, spelling, TEST_PASSWORD).await;

        // Assert
        assert!(body.get("errors").is_none(), "{spelling}: {body:#}");
        assert_eq!(
            body["data"]["login"]["user"],
            json!({ "id": id, "username": "Lan.Nguyen" }),
            "{spelling}"
        );
    }
}

#[tokio::test]
async fn an_inactive_user_cannot_log_in_even_with_the_right_password() {
    // Arrange
    let app = app_with_leader().await;
    let id = Snapshot::take(&app).await.user("lan.nguyen").id.to_string();
    app.gql_ok("mutation($id: ID!) { setUserActive(id: $id, active: false) { id } }", json!({ "id": id }))
        .await;
    let before = Snapshot::take(&app).await;

    // Act
    let body = login_body(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Assert
    assert_unauthenticated(&body, "inactive user");
    assert_eq!(body["errors"][0]["message"], BAD_CREDENTIALS, "the same answer as a wrong password");
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn refresh_session_rotates_the_refresh_token_and_the_new_one_works() {
    // Arrange
    let app = app_with_leader().await;
    let (_, first) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Act
    let rotated = refresh(&app, &first).await;
    let second =
        rotated["data"]["refreshSession"]["refreshToken"].as_str().expect("new refresh token").to_owned();
    let rotated_again = refresh(&app, &second).await;

    // Assert
    assert_ne!(second, first);
    assert_eq!(rotated["data"]["refreshSession"]["user"], json!({ "username": "lan.nguyen" }));
    let access = rotated["data"]["refreshSession"]["accessToken"].as_str().expect("access token");
    assert_eq!(me(&app, access).await["data"]["me"]["username"], "lan.nguyen");
    assert!(rotated_again.get("errors").is_none(), "the new refresh token works: {rotated_again:#}");
    let tokens = sessions_of(&app, "lan.nguyen").await;
    assert_eq!(tokens.len(), 3, "one sign-in, two rotations");
    assert_eq!(tokens.iter().filter(|t| t.revoked_at.is_none()).count(), 1, "only the newest is live");
    assert_eq!(tokens[0].replaced_by, Some(tokens[1].id));
    assert_eq!(tokens[1].replaced_by, Some(tokens[2].id));
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_fails_and_ends_every_session_of_its_family() {
    // Arrange: one sign-in rotated once, and a second sign-in (another phone) of the same user.
    let app = app_with_leader().await;
    let (_, stolen) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let (_, other_phone) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let rotated = refresh(&app, &stolen).await;
    let newest = rotated["data"]["refreshSession"]["refreshToken"].as_str().expect("rotated").to_owned();

    // Act
    let reuse = refresh(&app, &stolen).await;
    let newest_after_reuse = refresh(&app, &newest).await;
    let other_phone_after_reuse = refresh(&app, &other_phone).await;

    // Assert
    assert_unauthenticated(&reuse, "reused refresh token");
    assert_unauthenticated(&newest_after_reuse, "newest token of the reused family");
    assert!(
        other_phone_after_reuse.get("errors").is_none(),
        "another sign-in goes on: {other_phone_after_reuse:#}"
    );
    let tokens = sessions_of(&app, "lan.nguyen").await;
    let family = tokens[0].family_id;
    assert!(tokens.iter().filter(|t| t.family_id == family).all(|t| t.revoked_at.is_some()), "{tokens:#?}");
    assert_eq!(tokens.iter().filter(|t| t.family_id == family).count(), 2, "no token issued to the reuse");
}

#[tokio::test]
async fn a_refresh_token_works_until_30_days_after_sign_in_and_not_after() {
    // Arrange
    let app = app_with_leader().await;
    let (_, early) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let (_, late) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;

    // Act
    app.clock.advance(Duration::days(30) - Duration::minutes(1));
    let just_in_time = refresh(&app, &early).await;
    app.clock.advance(Duration::minutes(2));
    let too_late = refresh(&app, &late).await;

    // Assert
    assert!(just_in_time.get("errors").is_none(), "{just_in_time:#}");
    assert_unauthenticated(&too_late, "refresh token older than 30 days");
}

#[tokio::test]
async fn refresh_session_works_while_the_client_still_sends_its_expired_access_token() {
    // Arrange
    let app = app_with_leader().await;
    let (expired, refresh_token) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    app.clock.advance(Duration::minutes(16));

    // Act
    let body = app.gql_with(Some(&expired), REFRESH, json!({ "t": refresh_token })).await;

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    let access = body["data"]["refreshSession"]["accessToken"].as_str().expect("access token");
    assert_eq!(me(&app, access).await["data"]["me"]["username"], "lan.nguyen");
    assert_unauthenticated(&me(&app, &expired).await, "the expired token itself");
}

#[tokio::test]
async fn logout_ends_the_session_of_the_refresh_token_and_only_that_one() {
    // Arrange
    let app = app_with_leader().await;
    let (access, refresh_token) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let (other_access, other_phone) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let logout = "mutation($t: String!) { logout(refreshToken: $t) }";

    // Act
    let body = app.gql_with(Some(&access), logout, json!({ "t": refresh_token })).await;
    let again = app.gql_with(Some(&other_access), logout, json!({ "t": refresh_token })).await;

    // Assert
    assert_eq!(body, json!({ "data": { "logout": true } }));
    assert_eq!(again, json!({ "data": { "logout": true } }), "logging out twice is not an error");
    assert_unauthenticated(&me(&app, &access).await, "the access token of the ended session");
    assert_eq!(me(&app, &other_access).await["data"]["me"]["username"], "lan.nguyen", "the other goes on");
    assert_unauthenticated(&refresh(&app, &refresh_token).await, "refresh after logout");
    let tokens = sessions_of(&app, "lan.nguyen").await;
    assert_eq!(tokens.len(), 2, "{tokens:#?}");
    assert!(tokens[0].revoked_at.is_some() && tokens[1].revoked_at.is_none(), "{tokens:#?}");
    assert!(refresh(&app, &other_phone).await.get("errors").is_none(), "the other sign-in goes on");
}

#[tokio::test]
async fn the_login_payload_shows_the_ward_of_the_leaders_group() {
    // Arrange
    let app = app_with_leader().await;

    // Act
    let body = app
        .gql_with(
            None,
            "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) {
                user { roleAssignments { role group { code name ward { code name } } } }
            } }",
            json!({ "u": "lan.nguyen", "p": TEST_PASSWORD }),
        )
        .await;

    // Assert
    assert_eq!(
        body,
        json!({ "data": { "login": { "user": { "roleAssignments": [{ "role": "GROUP_LEADER", "group": {
            "code": "1", "name": "Tổ dân phố 1", "ward": { "code": "W1", "name": "Phường Lam Sơn" }
        } }] } } } })
    );
}

#[tokio::test]
async fn a_login_or_refresh_does_not_sign_in_the_rest_of_its_request() {
    // Arrange: mutations run in order, so the second field runs after the sign-in of the first.
    let app = spawn_app().await;
    let (_, refresh_token) = login_session(&app, "root", TEST_PASSWORD).await;
    let ward = |code: &str| json!({ "code": code, "name": "Phường mới", "province": "Thanh Hóa" });
    let before = Snapshot::take(&app).await;

    // Act
    let after_login = app
        .gql_with(
            None,
            "mutation($u: String!, $p: String!, $w: CreateWardInput!) {
                login(input: { username: $u, password: $p }) { user { username } }
                createWard(input: $w) { code }
            }",
            json!({ "u": "root", "p": TEST_PASSWORD, "w": ward("NEW1") }),
        )
        .await;
    let after_refresh = app
        .gql_with(
            None,
            "mutation($t: String!, $w: CreateWardInput!) {
                refreshSession(refreshToken: $t) { user { username } }
                createWard(input: $w) { code }
            }",
            json!({ "t": refresh_token, "w": ward("NEW2") }),
        )
        .await;

    // Assert: the sign-in itself worked (one error only, one new session each), the ward did not.
    for (case, body) in [("login", &after_login), ("refreshSession", &after_refresh)] {
        assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{case}: {body:#}");
        assert_eq!(body["errors"][0]["path"], json!(["createWard"]), "{case}");
        assert_eq!(error_code(body), "UNAUTHENTICATED", "{case}: {body:#}");
    }
    let after = Snapshot::take(&app).await;
    assert_eq!(after.refresh_tokens.len(), before.refresh_tokens.len() + 2, "a login and a rotation");
    assert_eq!(after.wards, before.wards, "no ward created");
}

#[tokio::test]
async fn the_audit_trail_never_holds_a_password_or_a_token() {
    // Arrange
    let app = app_with_leader().await;

    // Act: sign in, rotate, change the password, sign in again, log out.
    let (access, refresh_token) = login_session(&app, "lan.nguyen", TEST_PASSWORD).await;
    let rotated = refresh(&app, &refresh_token).await;
    let changed = app
        .gql_with(Some(&access), CHANGE_PASSWORD, json!({ "current": TEST_PASSWORD, "new": NEW_PASSWORD }))
        .await;
    let (new_access, new_refresh) = login_session(&app, "lan.nguyen", NEW_PASSWORD).await;
    app.gql_with(
        Some(&new_access),
        "mutation($t: String!) { logout(refreshToken: $t) }",
        json!({ "t": new_refresh }),
    )
    .await;

    // Assert
    let mut secrets = vec![
        TEST_PASSWORD.to_owned(),
        NEW_PASSWORD.to_owned(),
        access,
        refresh_token,
        new_access,
        new_refresh,
        app.admin_token.clone(),
    ];
    for payload in [&rotated["data"]["refreshSession"], &changed["data"]["changePassword"]] {
        for key in ["accessToken", "refreshToken"] {
            secrets.push(payload[key].as_str().expect("a token").to_owned());
        }
    }
    let events = Snapshot::take(&app).await.audit_events;
    assert!(events.len() >= 5, "every sign-in, rotation, change and logout is audited: {events:#?}");
    for event in &events {
        for secret in &secrets {
            assert!(
                !event.summary.contains(secret.as_str()),
                "{} holds a secret: {}",
                event.action,
                event.summary
            );
        }
    }
}
