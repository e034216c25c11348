//! `/graphql` over HTTP at its edges: media types and `Accept` negotiation (4xx request errors only for
//! `application/graphql-response+json`), malformed bodies, GET for queries only, batches, the body
//! limit, security headers, request ids, CORS, and what production-like settings switch off. The raw
//! HTTP helpers here are shared by the other request-surface files (limits, persisted operations, rate
//! limits, observability).

use reqwest::{
    RequestBuilder, StatusCode,
    header::{self, HeaderMap},
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Snapshot, TestApp, error_code, spawn_app, spawn_app_with, test_http_settings, unknown_id,
};

/// The media type of the GraphQL-over-HTTP specification.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
/// `Content-Type` of an answer negotiated as `application/graphql-response+json`.
pub const GRAPHQL_RESPONSE_UTF8: &str = "application/graphql-response+json; charset=utf-8";
/// `Content-Type` of an answer negotiated as `application/json`.
pub const JSON_UTF8: &str = "application/json; charset=utf-8";
/// The largest body `/graphql` reads by default: 1 MiB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("the body is not JSON ({err}): {}", self.text))
    }

    /// A header as text; `None` when absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("an ASCII header"))
    }

    /// `Content-Type`, asserting there is one.
    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_else(|| panic!("no Content-Type: {self:#?}"))
    }

    /// The first error's `extensions.code`.
    pub fn code(&self) -> String {
        error_code(&self.json()).to_owned()
    }
}

/// Sends `request` and reads the whole answer.
pub async fn send(request: RequestBuilder) -> Answer {
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    Answer { status, headers, text }
}

/// A POST to `/graphql` with `Content-Type: application/json`, `Accept` when given, and the bearer
/// `token` when given; the body is sent as is.
pub fn post(
    app: &TestApp,
    token: Option<&str>,
    accept: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> RequestBuilder {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
}

/// POSTs a GraphQL request object (`query`, `variables`, …) and reads the answer.
pub async fn post_json(app: &TestApp, token: Option<&str>, accept: Option<&str>, body: &Value) -> Answer {
    send(post(app, token, accept, body.to_string())).await
}

/// A GET of `/graphql` with the URL parameters `params`, `Accept` when given, and the bearer `token`.
pub fn get(
    app: &TestApp,
    token: Option<&str>,
    accept: Option<&str>,
    params: &[(&str, &str)],
) -> RequestBuilder {
    let mut request = app.client.get(format!("{}/graphql", app.address)).query(params);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
}

/// `createWard` with the variable `input`.
pub const CREATE_WARD: &str =
    "mutation CreateWard($input: CreateWardInput!) { createWard(input: $input) { id code } }";

/// A valid `createWard` request object for the ward `code`.
pub fn create_ward_request(code: &str) -> Value {
    json!({ "query": CREATE_WARD, "variables": { "input": { "code": code, "name": "Phường Ba Đình", "province": "Thanh Hóa" } } })
}

/// A request object of `query` alone.
fn query(text: &str) -> Value {
    json!({ "query": text })
}

/// Settings as production has them by default: no introspection, no GraphiQL, no suggestions.
fn production_like() -> pledge_api::config::HttpSettings {
    pledge_api::config::HttpSettings {
        introspection: false,
        graphiql: false,
        suggestions: false,
        ..test_http_settings()
    }
}

/// A token with a valid shape and a signature no server made.
pub const FORGED_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2lnbmF0dXJl";

/// One kind of request, sent with either media type.
struct Case<'a> {
    name: &'static str,
    token: Option<&'a str>,
    body: Value,
    /// The status with `application/graphql-response+json`.
    status: StatusCode,
    /// The first error's code; `None` for an answer with data and no error.
    code: Option<&'static str>,
}

/// Requests that are well-formed JSON: what they answer depends on `Accept`.
fn well_formed_cases(admin: &str) -> Vec<Case<'_>> {
    vec![
        Case {
            name: "a query",
            token: Some(admin),
            body: query("{ me { username } }"),
            status: StatusCode::OK,
            code: None,
        },
        Case {
            name: "a syntax error",
            token: Some(admin),
            body: query("{ me { username }"),
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_USER_INPUT"),
        },
        Case {
            name: "an unknown field",
            token: Some(admin),
            body: query("{ me { shoeSize } }"),
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_USER_INPUT"),
        },
        Case {
            name: "a missing variable",
            token: Some(admin),
            body: query("query($id: ID!) { ward(id: $id) { id } }"),
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_USER_INPUT"),
        },
        Case {
            name: "a query over a limit",
            token: Some(admin),
            body: query(&format!(
                "{{ me {{ {} }} }}",
                (0..31).map(|i| format!("a{i}: id")).collect::<Vec<_>>().join(" ")
            )),
            status: StatusCode::BAD_REQUEST,
            code: Some("LIMIT_EXCEEDED"),
        },
        Case {
            name: "an invalid token",
            token: Some(FORGED_TOKEN),
            body: query("{ me { username } }"),
            status: StatusCode::UNAUTHORIZED,
            code: Some("UNAUTHENTICATED"),
        },
        Case {
            name: "an unknown persisted hash",
            token: Some(admin),
            body: json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } } }),
            status: StatusCode::NOT_FOUND,
            code: Some("PERSISTED_QUERY_NOT_FOUND"),
        },
    ]
}

#[tokio::test]
async fn graphql_response_json_answers_request_errors_with_their_4xx_status() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.admin_token.as_str();

    for case in well_formed_cases(admin) {
        // Act
        let answer = post_json(&app, case.token, Some(GRAPHQL_RESPONSE), &case.body).await;

        // Assert
        assert_eq!(
            (answer.status, answer.content_type()),
            (case.status, GRAPHQL_RESPONSE_UTF8),
            "{}: {}",
            case.name,
            answer.text
        );
        let body = answer.json();
        match case.code {
            None => assert_eq!(body, json!({ "data": { "me": { "username": "root" } } }), "{}", case.name),
            Some(code) => {
                assert_eq!(error_code(&body), code, "{}: {body:#}", case.name);
                // A request error (no path: nothing ran) has no `data` entry; a field error has `null`.
                let ran = body["errors"][0].get("path").is_some();
                assert_eq!(body.get("data").is_some(), ran, "{}: {body}", case.name);
            }
        }
    }
}

#[tokio::test]
async fn application_json_answers_every_well_formed_request_with_200() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.admin_token.as_str();

    for accept in [Some("application/json"), None, Some("*/*"), Some("application/*")] {
        for case in well_formed_cases(admin) {
            // Act
            let answer = post_json(&app, case.token, accept, &case.body).await;

            // Assert
            let what = format!("{} with Accept {accept:?}", case.name);
            assert_eq!(
                (answer.status, answer.content_type()),
                (StatusCode::OK, JSON_UTF8),
                "{what}: {}",
                answer.text
            );
            match case.code {
                None => {
                    assert_eq!(answer.json(), json!({ "data": { "me": { "username": "root" } } }), "{what}")
                }
                Some(code) => {
                    assert_eq!(answer.code(), code, "{what}");
                    let body = answer.json();
                    let ran = body["errors"][0].get("path").is_some();
                    assert_eq!(body.get("data").is_some(), ran, "{what}: {body}");
                }
            }
        }
    }
}

#[tokio::test]
async fn an_accept_that_prefers_neither_media_type_still_gets_the_one_it_lists() {
    // Arrange
    let app = spawn_app().await;
    let cases = [
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE_UTF8),
        ("application/graphql-response+json;q=0.9, application/json;q=0.8", GRAPHQL_RESPONSE_UTF8),
        ("application/graphql-response+json;q=0, application/json", JSON_UTF8),
        ("text/html, */*;q=0.1", JSON_UTF8),
    ];

    for (accept, content_type) in cases {
        // Act
        let answer =
            post_json(&app, Some(&app.admin_token), Some(accept), &query("{ me { username } }")).await;

        // Assert
        assert_eq!((answer.status, answer.content_type()), (StatusCode::OK, content_type), "Accept {accept}");
        assert_eq!(answer.json(), json!({ "data": { "me": { "username": "root" } } }), "Accept {accept}");
    }
}

#[tokio::test]
async fn a_field_error_is_not_a_request_error_so_it_answers_200_with_either_media_type() {
    // Arrange
    let app = spawn_app().await;
    let body =
        json!({ "query": "query($id: ID!) { ward(id: $id) { id } }", "variables": { "id": unknown_id() } });

    for (accept, content_type) in [(GRAPHQL_RESPONSE, GRAPHQL_RESPONSE_UTF8), ("application/json", JSON_UTF8)]
    {
        // Act
        let answer = post_json(&app, Some(&app.admin_token), Some(accept), &body).await;

        // Assert
        assert_eq!((answer.status, answer.content_type()), (StatusCode::OK, content_type), "{accept}");
        let body = answer.json();
        assert_eq!(
            (error_code(&body), &body["errors"][0]["path"]),
            ("NOT_FOUND", &json!(["ward"])),
            "{accept}"
        );
        assert_eq!(body.get("data"), Some(&Value::Null), "{accept}: the request ran, so `data` is there");
    }
}

#[tokio::test]
async fn an_accept_listing_neither_json_media_type_is_406() {
    // Arrange
    let app = spawn_app().await;

    for accept in ["text/html", "application/xml", "application/json;q=0", "text/*"] {
        // Act
        let answer =
            post_json(&app, Some(&app.admin_token), Some(accept), &query("{ me { username } }")).await;

        // Assert
        assert_eq!(answer.status, StatusCode::NOT_ACCEPTABLE, "Accept {accept}: {}", answer.text);
        assert_eq!(answer.code(), "BAD_USER_INPUT", "Accept {accept}");
    }
}

#[tokio::test]
async fn a_post_that_is_not_utf8_json_is_415_and_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let before = Snapshot::take(&app).await;
    let body = create_ward_request("W415").to_string();
    let content_types = [
        None,
        Some("text/plain"),
        Some("application/graphql"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/json; charset=iso-8859-1"),
        Some("application/jsonp"),
    ];

    for content_type in content_types {
        // Act
        let mut request = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&app.admin_token)
            .body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let answer = send(request).await;

        // Assert
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type {content_type:?}: {}",
            answer.text
        );
        assert_eq!(answer.code(), "BAD_USER_INPUT", "Content-Type {content_type:?}");
    }
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn json_with_any_case_of_utf8_charset_is_accepted() {
    // Arrange
    let app = spawn_app().await;

    for content_type in [
        "application/json; charset=utf-8",
        "Application/JSON; charset=UTF-8",
        "application/json;charset=utf-8",
    ] {
        // Act
        let request = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&app.admin_token)
            .header(header::CONTENT_TYPE, content_type)
            .body(query("{ me { username } }").to_string());
        let answer = send(request).await;

        // Assert
        assert_eq!(answer.status, StatusCode::OK, "Content-Type {content_type}: {}", answer.text);
        assert_eq!(answer.json(), json!({ "data": { "me": { "username": "root" } } }), "{content_type}");
    }
}

#[tokio::test]
async fn a_malformed_body_is_400_bad_user_input_whatever_the_accept() {
    // Arrange
    let app = spawn_app().await;
    let bodies: [(&str, Vec<u8>); 12] = [
        ("broken JSON", b"{\"query\": \"{ me { id } }\"".to_vec()),
        ("invalid UTF-8", b"{\"query\": \"{ me { id } }\xff\"}".to_vec()),
        ("an empty body", Vec::new()),
        ("no query", br#"{"variables": {}}"#.to_vec()),
        ("a null query", br#"{"query": null}"#.to_vec()),
        ("a query that is a number", br#"{"query": 42}"#.to_vec()),
        ("variables that are a list", br#"{"query": "{ me { id } }", "variables": [1]}"#.to_vec()),
        ("extensions that are a string", br#"{"query": "{ me { id } }", "extensions": "x"}"#.to_vec()),
        ("a number", b"42".to_vec()),
        ("an empty batch", b"[]".to_vec()),
        ("a batch of numbers", b"[1, 2]".to_vec()),
        ("a hash that does not match the query", json!({ "query": "{ me { id } }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } } }).to_string().into_bytes()),
    ];

    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        for (name, body) in &bodies {
            // Act
            let answer = send(post(&app, Some(&app.admin_token), Some(accept), body.clone())).await;

            // Assert
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{name}, Accept {accept}: {}", answer.text);
            assert_eq!(answer.code(), "BAD_USER_INPUT", "{name}, Accept {accept}");
            assert!(
                answer.content_type().starts_with(accept),
                "{name}: Content-Type {}",
                answer.content_type()
            );
        }
    }
}

/// The lowercase hex SHA-256 of `text`, as an Apollo client computes it.
pub fn sha256(text: &str) -> String {
    pledge_api::graphql::persisted::sha256_hex(text)
}

mod get_and_batch;
mod graphiql;
mod headers;
mod settings;
