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
                assert_eq!(body["data"], Value::Null, "{}: no data", case.name);
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
                Some(code) => assert_eq!(answer.code(), code, "{what}"),
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

#[tokio::test]
async fn a_get_query_with_variables_in_the_url_answers_with_data() {
    // Arrange
    let app = spawn_app().await;
    let ward = crate::helpers::create_ward(&app, "W-GET", "Phường Điện Biên").await;
    let variables = json!({ "id": ward }).to_string();

    for (accept, content_type) in [(None, JSON_UTF8), (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE_UTF8)] {
        // Act
        let answer = send(get(
            &app,
            Some(&app.admin_token),
            accept,
            &[
                ("query", "query Ward($id: ID!) { ward(id: $id) { code name } }"),
                ("variables", &variables),
                ("operationName", "Ward"),
            ],
        ))
        .await;

        // Assert
        assert_eq!((answer.status, answer.content_type()), (StatusCode::OK, content_type), "{}", answer.text);
        assert_eq!(
            answer.json(),
            json!({ "data": { "ward": { "code": "W-GET", "name": "Phường Điện Biên" } } })
        );
    }
}

#[tokio::test]
async fn a_get_with_malformed_variables_or_no_query_is_400() {
    // Arrange
    let app = spawn_app().await;
    let cases: [(&str, &[(&str, &str)]); 3] = [
        ("variables that are not JSON", &[("query", "{ me { id } }"), ("variables", "{id:")]),
        ("no query", &[("variables", "{}")]),
        ("extensions that are not JSON", &[("query", "{ me { id } }"), ("extensions", "persisted")]),
    ];

    for (name, params) in cases {
        // Act
        let answer = send(get(&app, Some(&app.admin_token), None, params)).await;

        // Assert
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (StatusCode::BAD_REQUEST, "BAD_USER_INPUT"),
            "{name}: {}",
            answer.text
        );
    }
}

#[tokio::test]
async fn a_mutation_over_get_is_405_with_allow_and_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let before = Snapshot::take(&app).await;
    let input =
        json!({ "input": { "code": "W405", "name": "Phường Ba Đình", "province": "Thanh Hóa" } }).to_string();
    let two_operations = format!("query Me {{ me {{ id }} }} {CREATE_WARD}");
    let own_hash =
        json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(CREATE_WARD) } }).to_string();
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        ("a mutation", vec![("query", CREATE_WARD), ("variables", &input)]),
        (
            "an anonymous mutation",
            vec![(
                "query",
                "mutation { createWard(input: { code: \"W405\", name: \"Phường\", province: \"Thanh Hóa\" }) { id } }",
            )],
        ),
        (
            "the mutation of two operations, by name",
            vec![("query", &two_operations), ("operationName", "CreateWard"), ("variables", &input)],
        ),
        (
            "a mutation with a persisted-query hash of its own text",
            vec![("query", CREATE_WARD), ("variables", &input), ("extensions", &own_hash)],
        ),
    ];

    for accept in [None, Some(GRAPHQL_RESPONSE)] {
        for (name, params) in &cases {
            // Act
            let answer = send(get(&app, Some(&app.admin_token), accept, params)).await;

            // Assert
            assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{name}: {}", answer.text);
            assert_eq!(answer.header("allow"), Some("GET, POST"), "{name}");
            assert_eq!(answer.code(), "BAD_USER_INPUT", "{name}");
        }
    }
    let after = Snapshot::take(&app).await;
    assert_eq!(before.changed_tables(&after), Vec::<&str>::new(), "nothing written");
    assert_eq!(after.counts(), before.counts());
}

#[tokio::test]
async fn the_query_of_a_document_with_a_mutation_may_be_sent_over_get() {
    // Arrange
    let app = spawn_app().await;
    let before = Snapshot::take(&app).await;
    let document = format!("query Me {{ me {{ username }} }} {CREATE_WARD}");

    // Act
    let answer =
        send(get(&app, Some(&app.admin_token), None, &[("query", &document), ("operationName", "Me")])).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json(), json!({ "data": { "me": { "username": "root" } } }));
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn a_batch_of_ten_runs_every_operation_in_order() {
    // Arrange
    let app = spawn_app().await;
    let batch: Vec<Value> = (0..10).map(|i| create_ward_request(&format!("B{i}"))).collect();

    // Act
    let answer = post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &Value::Array(batch)).await;

    // Assert
    assert_eq!(
        (answer.status, answer.content_type()),
        (StatusCode::OK, GRAPHQL_RESPONSE_UTF8),
        "{}",
        answer.text
    );
    let codes: Vec<Value> = answer
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["data"]["createWard"]["code"].clone())
        .collect();
    assert_eq!(codes, (0..10).map(|i| json!(format!("B{i}"))).collect::<Vec<_>>());
    assert_eq!(app.count_rows("ward").await, 10);
}

#[tokio::test]
async fn a_batch_answers_each_operation_on_its_own() {
    // Arrange
    let app = spawn_app().await;
    let batch = json!([
        { "query": "{ me { username } }" },
        { "query": "{ me { shoeSize } }" },
        { "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } } },
    ]);

    // Act
    let answer = post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &batch).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body[0], json!({ "data": { "me": { "username": "root" } } }));
    assert_eq!(error_code(&body[1]), "BAD_USER_INPUT");
    assert_eq!(error_code(&body[2]), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(body.as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_batch_of_eleven_is_400_limit_exceeded_and_runs_nothing() {
    // Arrange
    let app = spawn_app().await;
    let before = Snapshot::take(&app).await;
    let batch: Vec<Value> = (0..11).map(|i| create_ward_request(&format!("B{i}"))).collect();

    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        // Act
        let answer =
            post_json(&app, Some(&app.admin_token), Some(accept), &Value::Array(batch.clone())).await;

        // Assert
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{accept}: {}", answer.text);
        assert_eq!(
            answer.json()["errors"][0]["extensions"],
            json!({ "code": "LIMIT_EXCEEDED", "limit": "batch", "max": 10, "actual": 11 }),
            "{accept}"
        );
    }
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new(), "nothing written");
}

/// A `createWard` request for `code` padded with spaces to exactly `size` bytes.
fn padded_create_ward(code: &str, size: usize) -> Vec<u8> {
    let mut body = create_ward_request(code).to_string().into_bytes();
    assert!(body.len() < size);
    body.resize(size, b' ');
    body
}

#[tokio::test]
async fn a_body_of_one_mebibyte_plus_one_byte_is_413_and_runs_nothing() {
    // Arrange
    let app = spawn_app().await;
    let before = Snapshot::take(&app).await;

    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        // Act
        let answer = send(post(
            &app,
            Some(&app.admin_token),
            Some(accept),
            padded_create_ward("W413", MAX_BODY_BYTES + 1),
        ))
        .await;

        // Assert
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{accept}: {}", answer.text);
        assert_eq!(
            answer.json()["errors"][0]["extensions"],
            json!({ "code": "LIMIT_EXCEEDED", "limit": "bodyBytes", "max": MAX_BODY_BYTES }),
            "{accept}"
        );
    }
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new(), "nothing written");
}

#[tokio::test]
async fn a_body_of_exactly_one_mebibyte_is_read_and_run() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer =
        send(post(&app, Some(&app.admin_token), None, padded_create_ward("W1MIB", MAX_BODY_BYTES))).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["data"]["createWard"]["code"], "W1MIB");
    assert_eq!(app.count_rows("ward").await, 1);
}

/// Asserts the security headers of every answer; `csp`: the content policy is expected too.
#[track_caller]
fn assert_security_headers(answer: &Answer, csp: bool, what: &str) {
    let expected = [
        ("x-content-type-options", Some("nosniff")),
        ("x-frame-options", Some("DENY")),
        ("referrer-policy", Some("no-referrer")),
        ("cache-control", Some("no-store")),
        ("content-security-policy", csp.then_some("default-src 'none'; frame-ancestors 'none'")),
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

    // Assert: GraphiQL is on in development, and it loads scripts the strict policy would block.
    for (what, answer) in &answers {
        assert_security_headers(answer, false, what);
    }
}

#[tokio::test]
async fn without_graphiql_every_answer_also_carries_a_strict_content_policy() {
    // Arrange
    let app = spawn_app_with(production_like()).await;

    // Act
    let answers = answers_of_every_kind(&app).await;

    // Assert
    for (what, answer) in &answers {
        assert_security_headers(answer, true, what);
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

#[tokio::test]
async fn production_settings_refuse_introspection() {
    // Arrange
    let app = spawn_app_with(production_like()).await;

    for introspection in
        ["{ __schema { types { name } } }", "{ __type(name: \"Household\") { fields { name } } }"]
    {
        // Act
        let answer =
            post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &query(introspection)).await;

        // Assert
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{introspection}: {}", answer.text);
        let body = answer.json();
        assert_eq!((error_code(&body), &body["data"]), ("BAD_USER_INPUT", &Value::Null), "{introspection}");
        assert!(!answer.text.contains("Household\"") && !answer.text.contains("headName"), "{}", answer.text);
    }
}

#[tokio::test]
async fn development_settings_answer_introspection() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer =
        post_json(&app, Some(&app.admin_token), None, &query("{ __type(name: \"Ward\") { name } }")).await;

    // Assert
    assert_eq!(answer.json(), json!({ "data": { "__type": { "name": "Ward" } } }));
}

#[tokio::test]
async fn production_settings_serve_no_graphiql_page() {
    // Arrange
    let app = spawn_app_with(production_like()).await;

    for accept in ["text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"] {
        // Act
        let answer =
            send(app.client.get(format!("{}/graphql", app.address)).header(header::ACCEPT, accept)).await;

        // Assert
        assert!(!answer.content_type().starts_with("text/html"), "{accept}: {}", answer.content_type());
        assert!(!answer.text.to_ascii_lowercase().contains("graphiql"), "{accept}: {}", answer.text);
        assert_eq!(answer.code(), "BAD_USER_INPUT", "{accept}");
        let expected =
            if accept == "text/html" { StatusCode::NOT_ACCEPTABLE } else { StatusCode::BAD_REQUEST };
        assert_eq!(answer.status, expected, "{accept}");
    }
}

#[tokio::test]
async fn development_settings_serve_graphiql_to_a_browser() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer =
        send(app.client.get(format!("{}/graphql", app.address)).header(header::ACCEPT, "text/html")).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.content_type().starts_with("text/html"), "{}", answer.content_type());
    assert!(answer.text.contains("graphiql"), "{}", answer.text);
}

#[tokio::test]
async fn production_settings_suggest_no_field_names() {
    // Arrange
    let production = spawn_app_with(production_like()).await;
    let development = spawn_app().await;

    // Act
    let hidden = post_json(&production, Some(&production.admin_token), None, &query("{ me { usernam } }"))
        .await
        .json();
    let shown = post_json(&development, Some(&development.admin_token), None, &query("{ me { usernam } }"))
        .await
        .json();

    // Assert
    assert_eq!(error_code(&hidden), "BAD_USER_INPUT");
    let message = hidden["errors"][0]["message"].as_str().expect("a message");
    assert!(!message.contains("Did you mean"), "{message}");
    assert_eq!(message, "Unknown field \"usernam\" on type \"User\".");
    let message = shown["errors"][0]["message"].as_str().expect("a message");
    assert!(message.contains("Did you mean \"username\""), "the control: {message}");
}

/// The lowercase hex SHA-256 of `text`, as an Apollo client computes it.
pub fn sha256(text: &str) -> String {
    pledge_api::graphql::persisted::sha256_hex(text)
}

#[tokio::test]
async fn a_required_variable_not_given_is_a_request_error_naming_it() {
    // Arrange
    let app = spawn_app().await;
    let cases = [
        ("absent", json!({ "query": "query($id: ID!) { ward(id: $id) { id } }" })),
        ("null", json!({ "query": "query($id: ID!) { ward(id: $id) { id } }", "variables": { "id": null } })),
    ];

    for (name, body) in cases {
        // Act
        let answer = post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &body).await;

        // Assert
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{name}: {}", answer.text);
        let body = answer.json();
        assert_eq!(body["data"], Value::Null, "{name}");
        assert_eq!(
            body["errors"][0]["extensions"],
            json!({ "code": "BAD_USER_INPUT", "field": "id" }),
            "{name}: {body:#}"
        );
        assert_eq!(
            body["errors"][0]["message"],
            "variable `$id` of type `ID!` is required and was not given"
        );
    }
}

#[tokio::test]
async fn an_optional_variable_or_one_with_a_default_may_be_left_out() {
    // Arrange
    let app = spawn_app().await;
    let body = json!({ "query": "query($first: Int, $n: Int! = 5) { wards(first: $first) { totalCount } w: wards(first: $n) { totalCount } }" });

    // Act
    let answer = post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &body).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json(), json!({ "data": { "wards": { "totalCount": 0 }, "w": { "totalCount": 0 } } }));
}

#[tokio::test]
async fn a_401_names_the_bearer_scheme_and_an_anonymous_read_is_401_too() {
    // Arrange
    let app = spawn_app().await;

    for (name, token) in [("an invalid token", Some(FORGED_TOKEN)), ("no token", None)] {
        // Act
        let answer = post_json(&app, token, Some(GRAPHQL_RESPONSE), &query("{ me { username } }")).await;

        // Assert
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{name}: {}", answer.text);
        assert_eq!(answer.header("www-authenticate"), Some("Bearer"), "{name}");
        assert_eq!(answer.code(), "UNAUTHENTICATED", "{name}");
    }
}

#[tokio::test]
async fn a_stale_token_does_not_stop_a_login_in_the_same_request() {
    // Arrange
    let app = spawn_app().await;
    let body = json!({ "query": crate::helpers::LOGIN, "variables": { "u": "root", "p": crate::helpers::TEST_PASSWORD } });

    // Act
    let answer = post_json(&app, Some(FORGED_TOKEN), Some(GRAPHQL_RESPONSE), &body).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["data"]["login"]["user"]["username"], "root");
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_504_timeout_and_writes_nothing() {
    // Arrange: a server of its own, whose limit (1 ms) no sign-in meets (a password hash alone takes
    // longer); `spawn_app_with` could not sign its administrator in.
    use pledge_api::{
        auth::{Actor, Role},
        config::{Environment, Secret, Settings},
        service::user::{NewAssignment, NewUser},
        startup::{self, Application},
    };
    use sea_orm::EntityTrait;
    let database = crate::helpers::TestDatabase::create().await;
    let settings = Settings {
        database_url: Secret::new(database.url.clone()),
        bind: "127.0.0.1:0".parse().expect("address"),
        environment: Environment::Development,
        db_max_connections: 4,
        jwt_secret: Secret::new("test-secret-that-is-long-enough-for-hs256!"),
        jwt_secret_generated: false,
        http: pledge_api::config::HttpSettings {
            request_timeout: std::time::Duration::from_millis(1),
            ..test_http_settings()
        },
        coverage_check_interval: None,
    };
    let db = startup::connect(&database.url, settings.db_max_connections).await.expect("connect");
    startup::migrate(&db).await.expect("migrate");
    let server = Application::build(&settings, db.clone()).await.expect("build");
    let auth = server.auth();
    let address = format!("http://{}", server.local_addr().expect("bound"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run_until(async move {
        let _ = stopped.await;
    }));
    let root = NewUser {
        username: "root".into(),
        display_name: "Root".into(),
        password: crate::helpers::TEST_PASSWORD.into(),
        assignments: vec![NewAssignment { role: Role::Admin, ward_id: None, group_id: None }],
    };
    pledge_api::service::user::create(&db, &auth.passwords, &Actor::system(), root).await.expect("admin");
    let login = json!({ "query": crate::helpers::LOGIN, "variables": { "u": "root", "p": crate::helpers::TEST_PASSWORD } });

    // Act
    let answer = send(
        reqwest::Client::new()
            .post(format!("{address}/graphql"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(login.to_string()),
    )
    .await;

    // Assert
    assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT, "{}", answer.text);
    assert_eq!(
        answer.json(),
        json!({ "errors": [{
            "message": "the request took longer than 1 ms and was stopped",
            "extensions": { "code": "TIMEOUT" }
        }] })
    );
    let sessions = pledge_api::entities::refresh_token::Entity::find().all(&db).await.expect("sessions");
    assert_eq!(sessions.len(), 0, "no session was written");
    let _ = stop.send(());
}
