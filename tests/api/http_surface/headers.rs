//! Security headers, request ids and CORS.

use super::*;

/// Asserts the security headers of every answer but GraphiQL's, which has a policy of its own.
#[track_caller]
fn assert_security_headers(answer: &Answer, what: &str) {
    let expected = [
        ("x-content-type-options", Some("nosniff")),
        ("x-frame-options", Some("DENY")),
        ("referrer-policy", Some("no-referrer")),
        ("cache-control", Some("no-store")),
        ("content-security-policy", Some("default-src 'none'; frame-ancestors 'none'")),
    ];
    for (name, value) in expected {
        assert_eq!(answer.header(name), value, "{what}: {name}");
    }
}

/// Answers of every kind from `app`: data, a request error, a refusal before reading, and the routes
/// outside `/graphql`.
async fn answers_of_every_kind(app: &TestApp) -> Vec<(&'static str, Answer)> {
    vec![
        ("a query", post_json(app, Some(&app.admin_token), None, &query("{ me { id } }")).await),
        ("a syntax error", post_json(app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &query("{")).await),
        ("a 415", send(app.client.post(format!("{}/graphql", app.address)).body("{}")).await),
        ("a 413", send(post(app, None, None, vec![b' '; MAX_BODY_BYTES + 1])).await),
        ("a GET query", send(get(app, Some(&app.admin_token), None, &[("query", "{ me { id } }")])).await),
        ("/healthz", send(app.client.get(format!("{}/healthz", app.address))).await),
        ("/metrics", send(app.client.get(format!("{}/metrics", app.address))).await),
        ("an unknown route", send(app.client.get(format!("{}/nowhere", app.address))).await),
    ]
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answers = answers_of_every_kind(&app).await;

    // Assert: GraphiQL is on in development; its page has a policy of its own, and no other answer.
    for (what, answer) in &answers {
        assert_security_headers(answer, what);
    }
}

#[tokio::test]
async fn without_graphiql_every_answer_carries_the_security_headers_too() {
    // Arrange
    let app = spawn_app_with(production_like()).await;

    // Act
    let answers = answers_of_every_kind(&app).await;

    // Assert
    for (what, answer) in &answers {
        assert_security_headers(answer, what);
    }
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_echoed() {
    // Arrange
    let app = spawn_app().await;

    for (what, request) in [
        ("a query", post(&app, Some(&app.admin_token), None, query("{ me { id } }").to_string())),
        ("a refusal", app.client.post(format!("{}/graphql", app.address)).body("{}")),
        ("/healthz", app.client.get(format!("{}/healthz", app.address))),
    ] {
        // Act
        let answer = send(request.header("x-request-id", "phone-7f3a-0042")).await;

        // Assert
        assert_eq!(answer.header("x-request-id"), Some("phone-7f3a-0042"), "{what}");
    }
}

#[tokio::test]
async fn a_request_without_an_id_gets_a_fresh_uuid() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let first = post_json(&app, Some(&app.admin_token), None, &query("{ me { id } }")).await;
    let second = post_json(&app, Some(&app.admin_token), None, &query("{ me { id } }")).await;

    // Assert
    let id = |answer: &Answer| {
        let text = answer.header("x-request-id").expect("an x-request-id").to_owned();
        Uuid::parse_str(&text).unwrap_or_else(|_| panic!("`{text}` is not a UUID"))
    };
    assert_ne!(id(&first), id(&second));
}

/// A browser's preflight for a POST from `origin`.
fn preflight(app: &TestApp, origin: &str) -> RequestBuilder {
    app.client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type")
}

#[tokio::test]
async fn by_default_no_origin_is_allowed_to_call_from_a_browser() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let simple = send(
        post(&app, Some(&app.admin_token), None, query("{ me { id } }").to_string())
            .header("origin", "https://evil.example"),
    )
    .await;
    let preflight = send(preflight(&app, "https://evil.example")).await;

    // Assert
    assert_eq!(simple.status, StatusCode::OK);
    assert_eq!(simple.header("access-control-allow-origin"), None);
    assert_eq!(preflight.header("access-control-allow-origin"), None);
    assert_eq!(preflight.header("access-control-allow-credentials"), None);
}

#[tokio::test]
async fn a_configured_origin_is_allowed_and_no_other() {
    // Arrange
    let app = spawn_app_with(pledge_api::config::HttpSettings {
        cors_origins: vec!["https://app.example.vn".into()],
        ..test_http_settings()
    })
    .await;

    // Act
    let allowed = send(
        post(&app, Some(&app.admin_token), None, query("{ me { id } }").to_string())
            .header("origin", "https://app.example.vn"),
    )
    .await;
    let allowed_preflight = send(preflight(&app, "https://app.example.vn")).await;
    let other = send(
        post(&app, Some(&app.admin_token), None, query("{ me { id } }").to_string())
            .header("origin", "https://app.example.vn.evil.example"),
    )
    .await;
    let other_preflight = send(preflight(&app, "https://evil.example")).await;

    // Assert
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://app.example.vn"));
    assert_eq!(
        allowed.header("access-control-expose-headers").map(str::to_ascii_lowercase),
        Some("x-request-id,retry-after".into())
    );
    assert_eq!(allowed_preflight.status, StatusCode::OK);
    assert_eq!(allowed_preflight.header("access-control-allow-origin"), Some("https://app.example.vn"));
    assert_eq!(allowed_preflight.header("access-control-allow-methods"), Some("GET,POST"));
    assert_eq!(allowed_preflight.header("access-control-max-age"), Some("600"));
    assert_eq!(other.header("access-control-allow-origin"), None);
    assert_eq!(other_preflight.header("access-control-allow-origin"), None);
}
