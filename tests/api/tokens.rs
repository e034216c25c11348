//! Access tokens and the `Authorization` header: anything but an unexpired HS256 token of ours for a
//! current user answers `UNAUTHENTICATED` with no data. Forged tokens are built with `jsonwebtoken`,
//! and a control test proves a token built the same way with the server's settings is accepted, so
//! each refusal is due to the one thing changed.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Snapshot, TEST_PASSWORD, TestApp, spawn_app};

/// The secret `spawn_app` configures (the control test fails if they drift apart).
const SERVER_SECRET: &str = "test-secret-that-is-long-enough-for-hs256!";

const ME: &str = "{ me { username } }";

/// The message of a request whose token does not verify.
const INVALID_TOKEN: &str = "the access token is invalid or expired; refresh the session or sign in again";

/// A signed-in user: their id and the id of their session.
struct Signed {
    user: String,
    session: String,
}

/// An app with the administrator `lan.nguyen`, signed in: the app, who they are and their access token.
async fn app_with_user() -> (TestApp, Signed, String) {
    let app = spawn_app().await;
    let access = app.user_with_role("lan.nguyen", "ADMIN", None, None).await;
    let user = Snapshot::take(&app).await.user("lan.nguyen").id.to_string();
    // The session is the token's `sid` claim (the payload is readable by design; only the signature is secret).
    let payload = access.split('.').nth(1).expect("a JWT payload");
    let payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("JSON");
    let session = payload["sid"].as_str().expect("a session id").to_owned();
    (app, Signed { user, session }, access)
}

/// The claims the server puts in an access token of `who`'s session, valid for 15 minutes from now.
fn claims(who: &Signed) -> Value {
    let now = Utc::now();
    json!({
        "sub": who.user, "iss": "pledge-api", "aud": "pledge-api",
        "iat": now.timestamp(), "exp": (now + Duration::minutes(15)).timestamp(),
        "jti": Uuid::now_v7(), "ver": 1, "sid": who.session
    })
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &str) -> String {
    encode(&Header::new(algorithm), claims, &EncodingKey::from_secret(secret.as_bytes())).expect("sign")
}

/// POSTs `{ me { username } }` with a raw `Authorization` header.
async fn me_with_header(app: &TestApp, authorization: HeaderValue) -> Value {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(AUTHORIZATION, authorization)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("request sent");
    assert!(response.status().is_success(), "HTTP {}", response.status());
    response.json().await.expect("JSON body")
}

async fn me_with_token(app: &TestApp, token: &str) -> Value {
    app.gql_with(Some(token), ME, json!({})).await
}

/// The whole answer to a request with a token that does not verify: one error, no data.
fn refused() -> Value {
    json!({ "data": null, "errors": [{
        "message": INVALID_TOKEN, "locations": [{ "line": 1, "column": 3 }], "path": ["me"],
        "extensions": { "code": "UNAUTHENTICATED" }
    }] })
}

fn accepted() -> Value {
    json!({ "data": { "me": { "username": "lan.nguyen" } } })
}

#[tokio::test]
async fn a_token_built_like_the_servers_own_is_accepted() {
    // Arrange
    let (app, id, _) = app_with_user().await;
    let token = sign(&claims(&id), Algorithm::HS256, SERVER_SECRET);

    // Act
    let body = me_with_token(&app, &token).await;

    // Assert
    assert_eq!(body, accepted());
}

#[tokio::test]
async fn an_access_token_works_for_15_minutes_and_is_refused_after() {
    // Arrange
    let (app, _, access) = app_with_user().await;
    app.clock.advance(Duration::minutes(14));
    assert_eq!(me_with_token(&app, &access).await, accepted(), "14 minutes after login");

    // Act
    app.clock.advance(Duration::minutes(2));
    let body = me_with_token(&app, &access).await;

    // Assert
    assert_eq!(body, refused());
}

#[tokio::test]
async fn a_token_with_a_tampered_signature_is_refused() {
    // Arrange
    let (app, _, access) = app_with_user().await;
    let (signed, signature) = access.rsplit_once('.').expect("three parts");
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).expect("base64url signature");
    bytes[0] ^= 0x01;
    let tampered = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(bytes));

    // Act
    let body = me_with_token(&app, &tampered).await;

    // Assert
    assert_eq!(body, refused());
}

#[tokio::test]
async fn a_token_whose_claims_were_changed_after_signing_is_refused() {
    // Arrange: a leader's token, re-labelled as the administrator's.
    let (app, _, access) = app_with_user().await;
    let root_id = Snapshot::take(&app).await.user("root").id.to_string();
    let parts: Vec<&str> = access.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url")).expect("JSON claims");
    payload["sub"] = json!(root_id);
    let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(payload.to_string()), parts[2]);

    // Act
    let body = me_with_token(&app, &forged).await;

    // Assert
    assert_eq!(body, refused());
}

#[tokio::test]
async fn an_unsigned_token_with_alg_none_is_refused() {
    // Arrange
    let (app, id, _) = app_with_user().await;
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(&id).to_string());

    for token in [format!("{header}.{payload}."), format!("{header}.{payload}")] {
        // Act
        let body = me_with_token(&app, &token).await;

        // Assert
        assert_eq!(body, refused(), "{token}");
    }
}

#[tokio::test]
async fn a_token_signed_with_another_algorithm_and_the_right_secret_is_refused() {
    // Arrange
    let (app, id, _) = app_with_user().await;
    let token = sign(&claims(&id), Algorithm::HS512, SERVER_SECRET);

    // Act
    let body = me_with_token(&app, &token).await;

    // Assert
    assert_eq!(body, refused());
}

#[tokio::test]
async fn a_token_signed_with_a_wrong_secret_is_refused() {
    // Arrange
    let (app, id, _) = app_with_user().await;
    let token = sign(&claims(&id), Algorithm::HS256, "another-secret-that-is-long-enough-for-hs256");

    // Act
    let body = me_with_token(&app, &token).await;

    // Assert
    assert_eq!(body, refused());
}

#[tokio::test]
async fn a_token_with_a_wrong_or_missing_audience_or_issuer_is_refused() {
    // Arrange
    let (app, id, _) = app_with_user().await;
    let changed = |key: &str, value: Value| {
        let mut claims = claims(&id);
        match value {
            Value::Null => claims.as_object_mut().expect("object").remove(key),
            value => claims.as_object_mut().expect("object").insert(key.to_owned(), value),
        };
        (format!("{key} = {}", claims[key]), sign(&claims, Algorithm::HS256, SERVER_SECRET))
    };

    for (case, token) in [
        changed("aud", json!("another-api")),
        changed("aud", Value::Null),
        changed("iss", json!("someone-else")),
        changed("iss", Value::Null),
    ] {
        // Act
        let body = me_with_token(&app, &token).await;

        // Assert
        assert_eq!(body, refused(), "{case}");
    }
}

#[tokio::test]
async fn a_well_signed_token_for_an_old_token_version_an_unknown_user_or_a_dead_session_is_refused() {
    // Arrange
    let (app, id, _) = app_with_user().await;
    let mut old_version = claims(&id);
    old_version["ver"] = json!(0);
    let mut unknown_user = claims(&id);
    unknown_user["sub"] = json!(Uuid::now_v7());
    let mut unknown_session = claims(&id);
    unknown_session["sid"] = json!(Uuid::now_v7());
    let mut no_session = claims(&id);
    no_session.as_object_mut().expect("object").remove("sid");

    for (case, claims) in [
        ("old token version", old_version),
        ("unknown user", unknown_user),
        ("a session that is not theirs or not live", unknown_session),
        ("no session", no_session),
    ] {
        // Act
        let body = me_with_token(&app, &sign(&claims, Algorithm::HS256, SERVER_SECRET)).await;

        // Assert
        assert_eq!(body, refused(), "{case}");
    }
}

#[tokio::test]
async fn a_malformed_authorization_header_is_refused_and_never_taken_as_anonymous() {
    // Arrange
    let (app, _, access) = app_with_user().await;
    let headers = [
        HeaderValue::from_static("garbage"),
        HeaderValue::from_static("Bearer garbage"),
        HeaderValue::from_static("Bearer a.b.c"),
        HeaderValue::from_static("Bearer"),
        HeaderValue::from_static("Bearer "),
        HeaderValue::from_static("Basic bGFuLm5ndXllbjp0ZXN0LXBhc3N3b3JkLTEyMw=="),
        HeaderValue::from_str(&format!("Basic {access}")).expect("header"),
        HeaderValue::from_str(&format!("Token {access}")).expect("header"),
        HeaderValue::from_str(&access).expect("header"),
        HeaderValue::from_bytes(b"Bearer \xff\xfe").expect("header"),
    ];

    for header in headers {
        // Act
        let body = me_with_header(&app, header.clone()).await;

        // Assert
        assert_eq!(body, refused(), "{header:?}");
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    // Arrange
    let (app, _, access) = app_with_user().await;

    for scheme in ["Bearer", "bearer", "BEARER"] {
        // Act
        let body =
            me_with_header(&app, HeaderValue::from_str(&format!("{scheme} {access}")).expect("header")).await;

        // Assert
        assert_eq!(body, accepted(), "{scheme}");
    }
}

#[tokio::test]
async fn login_still_works_when_the_client_sends_an_invalid_token() {
    // Arrange
    let (app, _, _) = app_with_user().await;

    // Act
    let body = app
        .gql_with(
            Some("not-a-token"),
            crate::helpers::LOGIN,
            json!({ "u": "lan.nguyen", "p": TEST_PASSWORD }),
        )
        .await;

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(body["data"]["login"]["user"]["username"], "lan.nguyen");
}
