//! Hostile input over raw HTTP: garbage and oversized documents, wrong variable types for every
//! argument of the schema, deep nesting, broken bodies and headers, numbers out of range, lone
//! surrogates and NUL characters. Every answer must be a 4xx or a GraphQL response whose every error
//! carries an `extensions.code` other than `INTERNAL_SERVER_ERROR`; never a 5xx, a dropped connection (a
//! panic) or a hang (each request has 10 s); and the server still answers `{ __typename }` afterwards.
//!
//! The documents that have crashed the whole process go to a server of their own (the `pledge-api`
//! binary in a child process), so a regression fails one test instead of aborting the suite.

use std::{collections::BTreeMap, future::Future, time::Duration};

use async_graphql::parser::{
    parse_schema,
    types::{BaseType, InputValueDefinition, Type, TypeKind, TypeSystemDefinition},
};
use proptest::{
    collection::vec,
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use reqwest::{RequestBuilder, StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    drive::{VIETNAM_NOON, open_campaign, set_clock},
    helpers::{TestApp, create_household, spawn_app, ward_with_two_groups},
    validators::hostile_text,
};

/// Longest any single answer may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What the server answered.
struct Answer {
    status: StatusCode,
    text: String,
    body: Value,
}

/// Sends `request`, failing on a hang or a dropped connection (what a panic in a handler looks like).
async fn send(request: RequestBuilder, what: &str) -> Result<Answer, String> {
    let answer = async {
        let response = request.send().await.map_err(|e| format!("{what}: no answer ({e})"))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| format!("{what}: the body broke off ({e})"))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Answer { status, text, body })
    };
    tokio::time::timeout(TIMEOUT, answer)
        .await
        .map_err(|_| format!("{what}: no answer within {TIMEOUT:?}"))?
}

/// The codes of every error of `answer` (of every response of a batch), checking that each error has
/// one and that none is `INTERNAL_SERVER_ERROR`, and that the status is no 5xx.
fn codes(answer: &Answer, what: &str) -> Result<Vec<String>, String> {
    let excerpt = || answer.text.chars().take(600).collect::<String>();
    if answer.status.is_server_error() {
        return Err(format!("{what}: HTTP {} {}", answer.status, excerpt()));
    }
    let responses = match &answer.body {
        Value::Array(responses) => responses.clone(),
        Value::Object(_) => vec![answer.body.clone()],
        _ => return Err(format!("{what}: HTTP {} and not a JSON body: {}", answer.status, excerpt())),
    };
    let mut codes = Vec::new();
    for response in &responses {
        for error in response["errors"].as_array().into_iter().flatten() {
            match error["extensions"]["code"].as_str() {
                Some("INTERNAL_SERVER_ERROR") | None => {
                    return Err(format!("{what}: HTTP {} with {error}", answer.status));
                }
                Some(code) => codes.push(code.to_owned()),
            }
        }
    }
    if answer.status.is_client_error() && codes.is_empty() {
        return Err(format!("{what}: HTTP {} without an error: {}", answer.status, excerpt()));
    }
    Ok(codes)
}

/// Asserts that `answer` refuses the request: errors, all with the code `expected`.
fn refused(answer: &Answer, what: &str, expected: &str) -> Result<(), String> {
    let codes = codes(answer, what)?;
    if codes.is_empty() {
        return Err(format!("{what}: accepted: {}", answer.text.chars().take(300).collect::<String>()));
    }
    match codes.iter().find(|code| code.as_str() != expected) {
        Some(code) => Err(format!("{what}: {code} where {expected} was expected: {}", answer.text.len())),
        None => Ok(()),
    }
}

fn graphql_url(app: &TestApp) -> String {
    format!("{}/graphql", app.address)
}

/// POSTs `body` as JSON with the administrator's token.
fn post_json(app: &TestApp, body: &Value) -> RequestBuilder {
    app.client.post(graphql_url(app)).bearer_auth(&app.admin_token).json(body)
}

/// POSTs raw bytes with the given content type.
fn post_raw(app: &TestApp, content_type: &str, body: impl Into<reqwest::Body>) -> RequestBuilder {
    app.client
        .post(graphql_url(app))
        .bearer_auth(&app.admin_token)
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
}

/// Asserts the server still answers a trivial query.
async fn still_answers(app: &TestApp) {
    let answer = send(post_json(app, &json!({ "query": "{ __typename }" })), "{ __typename }")
        .await
        .unwrap_or_else(|e| panic!("the server no longer answers: {e}"));
    assert_eq!(answer.body, json!({ "data": { "__typename": "Query" } }), "{}", answer.text);
}

/// Sends each request and checks it with `check`, collecting every failure before asserting, so one
/// run reports all the inputs that fail.
async fn expect_all<F>(app: &TestApp, cases: Vec<(String, RequestBuilder)>, check: F)
where
    F: Fn(&Answer, &str) -> Result<(), String>,
{
    let mut failures = Vec::new();
    for (what, request) in cases {
        if let Err(failure) = send(request, &what).await.and_then(|answer| check(&answer, &what)) {
            failures.push(failure);
        }
    }
    still_answers(app).await;
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn oversized_documents_hit_a_limit_and_never_the_server() {
    let app = spawn_app().await;
    let big = 1024 * 1024;
    let query = |q: String| json!({ "query": q });
    let cases = vec![
        ("1 MiB of `{`", query("{".repeat(big - 64))),
        ("2 MiB of `{`", query("{".repeat(2 * big))),
        ("200k nested `[` in an argument", query(format!("{{ wards(after: {}{}) {{ totalCount }} }}", "[".repeat(200_000), "]".repeat(200_000)))),
        ("200k nested input objects in an argument", query(format!("{{ wards(after: {}1{}) {{ totalCount }} }}", "{a: ".repeat(150_000), "}".repeat(150_000)))),
        ("100k nested selections", query(format!("{}{}", "{ me ".repeat(100_000), "}".repeat(100_000)))),
        ("a query of 100k fields", query(format!("{{ me {{ {} }} }}", "id ".repeat(100_000)))),
        ("100k root fields", query(format!("{{ {} }}", "__typename ".repeat(90_000)))),
        ("50k aliases", query(format!("{{ {} }}", (0..50_000).map(|i| format!("a{i}: __typename ")).collect::<String>()))),
        ("a page size that multiplies", query("{ wards(first: 100) { edges { node { groups(first: 100) { edges { node { households(first: 100) { edges { node { id } } } } } } } } } }".into())),
        ("a fragment spread 2^30 times", query(format!("{{ ...f0 }} {} fragment f30 on Query {{ __typename }}", (0..30).map(|i| format!("fragment f{i} on Query {{ ...f{} ...f{} }} ", i + 1, i + 1)).collect::<String>()))),
        ("a batch of 11", json!(vec![json!({ "query": "{ __typename }" }); 11])),
        ("a batch of 100k", json!(vec![json!({}); 100_000])),
    ];
    let requests = cases.into_iter().map(|(what, body)| (what.to_owned(), post_json(&app, &body))).collect();
    expect_all(&app, requests, |answer, what| refused(answer, what, "LIMIT_EXCEEDED")).await;
}

#[tokio::test]
async fn huge_values_are_refused_by_the_validators_not_the_server() {
    let app = spawn_app().await;
    let huge = "ơ".repeat(400_000);
    let cases = vec![
        (
            "a 400k-character string literal",
            json!({ "query": format!("{{ wards(after: \"{huge}\") {{ totalCount }} }}") }),
            "BAD_USER_INPUT",
        ),
        (
            "a 400k-character block string",
            json!({ "query": format!("{{ wards(after: \"\"\"{huge}\"\"\") {{ totalCount }} }}") }),
            "BAD_USER_INPUT",
        ),
        (
            "a 400k-character name",
            json!({
                "query": "mutation($i: CreateWardInput!) { createWard(input: $i) { id } }",
                "variables": { "i": { "code": "X1", "name": huge, "province": "P" } },
            }),
            "BAD_USER_INPUT",
        ),
        (
            "a 400k-character username at login",
            json!({
                "query": "mutation($u: String!) { login(input: { username: $u, password: \"whatever-it-is\" }) { accessToken } }",
                "variables": { "u": huge },
            }),
            "UNAUTHENTICATED",
        ),
        (
            "a 400k-character password at login",
            json!({
                "query": "mutation($p: String!) { login(input: { username: \"root\", password: $p }) { accessToken } }",
                "variables": { "p": huge },
            }),
            "UNAUTHENTICATED",
        ),
        (
            "100k pledge items",
            json!({
                "query": "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }",
                "variables": { "i": { "year": 2024, "title": "T", "pledgeItems": vec!["x"; 100_000] } },
            }),
            "BAD_USER_INPUT",
        ),
        (
            "5,000 pledges in one call",
            json!({
                "query": "mutation($i: [RecordPledgeInput!]!) { recordPledges(inputs: $i) { clientMutationId } }",
                "variables": { "i": vec![json!({ "clientMutationId": "x", "householdId": "x", "campaignId": "x", "signerName": "x", "signedOn": "x" }); 5_000] },
            }),
            "BAD_USER_INPUT",
        ),
        (
            "200k list items in a literal",
            json!({ "query": format!("{{ wards(after: [{}]) {{ totalCount }} }}", vec!["1"; 200_000].join(",")) }),
            "BAD_USER_INPUT",
        ),
    ];
    // A login with a huge name or password fails like any wrong credentials.
    let expected: BTreeMap<String, &str> =
        cases.iter().map(|(what, _, code)| ((*what).to_owned(), *code)).collect();
    let requests =
        cases.into_iter().map(|(what, body, _)| (what.to_owned(), post_json(&app, &body))).collect();
    expect_all(&app, requests, |answer, what| refused(answer, what, expected[what])).await;
}

#[tokio::test]
async fn a_search_longer_than_a_like_pattern_may_be_is_not_an_internal_error() {
    // `filter.search` has no length limit of its own, only the body's; SQLite refuses LIKE patterns over
    // 50,000 bytes ("LIKE or GLOB pattern too complex").
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    create_household(&app, &fixture.group_id, "1", "Trần Thị Hoa").await;
    let requests = [("ơ".repeat(60_000), "60k characters"), ("%_ơ".repeat(100_000), "300k wildcards")]
        .into_iter()
        .map(|(search, what)| {
            let body = json!({
                "query": "query($g: ID!, $s: String) { households(groupId: $g, filter: { search: $s }) { totalCount } }",
                "variables": { "g": fixture.group_id, "s": search },
            });
            (format!("a search of {what}"), post_json(&app, &body))
        })
        .collect();
    expect_all(&app, requests, |answer, what| refused(answer, what, "BAD_USER_INPUT")).await;
}

#[tokio::test]
async fn broken_bodies_and_headers_are_4xx_with_a_code() {
    let app = spawn_app().await;
    let json_type = "application/json";
    let typename = r#"{"query":"{ __typename }"}"#;
    let cases: Vec<(&str, RequestBuilder)> = vec![
        ("an empty body", post_raw(&app, json_type, "")),
        ("white space", post_raw(&app, json_type, " \n\t ")),
        ("invalid UTF-8", post_raw(&app, json_type, b"{\"query\":\"{ \xff\xfe }\"}".to_vec())),
        ("an overlong UTF-8 NUL", post_raw(&app, json_type, b"{\"query\":\"{ \xc0\x80 }\"}".to_vec())),
        (
            "a UTF-8 encoded surrogate",
            post_raw(&app, json_type, b"{\"query\":\"{ \xed\xa0\x80 }\"}".to_vec()),
        ),
        (
            "a byte-order mark",
            post_raw(&app, json_type, [&b"\xef\xbb\xbf"[..], typename.as_bytes()].concat()),
        ),
        ("a raw NUL byte", post_raw(&app, json_type, b"{\"query\":\"{ __typename \x00 }\"}".to_vec())),
        (
            "a NUL byte between tokens",
            post_raw(&app, json_type, b"{\"query\":\"{ __typename }\"}\x00".to_vec()),
        ),
        (
            "a JSON lone surrogate in the query",
            post_raw(&app, json_type, r#"{"query":"{ wards(after: \"\ud800\") { totalCount } }"}"#),
        ),
        (
            "a JSON lone surrogate in a variable",
            post_raw(
                &app,
                json_type,
                r#"{"query":"query($a: String) { wards(after: $a) { totalCount } }","variables":{"a":"\udfff\ud800"}}"#,
            ),
        ),
        ("JSON that is a string", post_raw(&app, json_type, r#""{ __typename }""#)),
        ("JSON that is a number", post_raw(&app, json_type, "1e999")),
        ("JSON that is null", post_raw(&app, json_type, "null")),
        ("an array of numbers", post_raw(&app, json_type, "[1, 2, 3]")),
        ("an array of arrays", post_raw(&app, json_type, "[[{}], []]")),
        ("an empty array", post_raw(&app, json_type, "[]")),
        ("an array of nulls", post_raw(&app, json_type, "[null]")),
        ("two JSON documents", post_raw(&app, json_type, format!("{typename}{typename}"))),
        ("truncated JSON", post_raw(&app, json_type, r#"{"query":"{ __typ"#)),
        (
            "200k nested JSON arrays",
            post_raw(&app, json_type, format!("{}{}", "[".repeat(200_000), "]".repeat(200_000))),
        ),
        (
            "deeply nested variables",
            post_raw(
                &app,
                json_type,
                format!(
                    r#"{{"query":"{{ __typename }}","variables":{{"a":{}1{}}}}}"#,
                    r#"{"a":"#.repeat(100_000),
                    "}".repeat(100_000)
                ),
            ),
        ),
        ("a query that is a number", post_raw(&app, json_type, r#"{"query":12}"#)),
        ("a query that is an object", post_raw(&app, json_type, r#"{"query":{"query":"{ __typename }"}}"#)),
        (
            "variables that are a string",
            post_raw(&app, json_type, r#"{"query":"{ __typename }","variables":"{}"}"#),
        ),
        (
            "variables that are an array",
            post_raw(&app, json_type, r#"{"query":"{ __typename }","variables":[1]}"#),
        ),
        (
            "an operation name that is a number",
            post_raw(&app, json_type, r#"{"query":"{ __typename }","operationName":1}"#),
        ),
        (
            "extensions that are a string",
            post_raw(&app, json_type, r#"{"query":"{ __typename }","extensions":"x"}"#),
        ),
        (
            "a persisted hash that is a number",
            post_raw(&app, json_type, r#"{"extensions":{"persistedQuery":{"version":1,"sha256Hash":1}}}"#),
        ),
        ("no query at all", post_raw(&app, json_type, r#"{"variables":{}}"#)),
        (
            "a huge number",
            post_raw(
                &app,
                json_type,
                format!(
                    r#"{{"query":"query($f: Int) {{ wards(first: $f) {{ totalCount }} }}","variables":{{"f":1{}}}}}"#,
                    "0".repeat(400)
                ),
            ),
        ),
        ("text/plain", post_raw(&app, "text/plain", typename)),
        ("application/graphql", post_raw(&app, "application/graphql", "{ __typename }")),
        ("form data", post_raw(&app, "application/x-www-form-urlencoded", "query=%7B__typename%7D")),
        ("multipart", post_raw(&app, "multipart/form-data; boundary=x", "--x\r\n\r\n--x--")),
        ("a Latin-1 charset", post_raw(&app, "application/json; charset=latin1", typename)),
        (
            "a Latin-1 charset after 10k characters of parameters",
            post_raw(&app, &format!("application/json; {}; charset=latin1", "x".repeat(10_000)), typename),
        ),
        ("no content type", app.client.post(graphql_url(&app)).body(typename)),
        ("an Accept of only HTML", post_raw(&app, json_type, typename).header(header::ACCEPT, "text/html")),
        ("an Accept of nonsense", post_raw(&app, json_type, typename).header(header::ACCEPT, ";;;,,,q=x")),
        (
            "a mutation over GET",
            app.client.get(graphql_url(&app)).query(&[("query", "mutation { logout(refreshToken: \"x\") }")]),
        ),
        ("GET without a query", app.client.get(graphql_url(&app))),
        (
            "GET with broken variables",
            app.client.get(format!("{}?query=%7B__typename%7D&variables=%7B", graphql_url(&app))),
        ),
        (
            "GET with invalid percent-encoding",
            app.client.get(format!("{}?query=%ff%fe%7B", graphql_url(&app))),
        ),
        ("GET with a NUL", app.client.get(format!("{}?query=%7B__typename%00%7D", graphql_url(&app)))),
    ];
    let requests = cases.into_iter().map(|(what, request)| (what.to_owned(), request)).collect();
    expect_all(&app, requests, |answer, what| refused(answer, what, "BAD_USER_INPUT")).await;
    // A token that cannot be read is refused like any other invalid token.
    let raw_token = header::HeaderValue::from_bytes(b"Bearer \xff\xfe\x80").expect("opaque bytes");
    let tokens = vec![
        (
            "a bearer token of opaque bytes",
            app.client
                .post(graphql_url(&app))
                .header(header::AUTHORIZATION, raw_token)
                .json(&json!({ "query": "{ me { id } }" })),
        ),
        (
            "a bearer token of 100k characters",
            app.client
                .post(graphql_url(&app))
                .bearer_auth("e".repeat(100_000))
                .json(&json!({ "query": "{ me { id } }" })),
        ),
    ];
    let requests = tokens.into_iter().map(|(what, request)| (what.to_owned(), request)).collect();
    expect_all(&app, requests, |answer, what| refused(answer, what, "UNAUTHENTICATED")).await;
}

#[tokio::test]
async fn numbers_out_of_range_and_odd_scalars_are_bad_user_input() {
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let household = create_household(&app, &fixture.group_id, "1", "Trần Thị Hoa").await;
    let create_household_with = |count: Value| {
        json!({
            "query": "mutation($i: CreateHouseholdInput!) { createHousehold(input: $i) { id } }",
            "variables": { "i": { "groupId": fixture.group_id, "code": "N", "headName": "A", "address": "B", "memberCount": count } },
        })
    };
    let set_status_with = |version: Value| {
        json!({
            "query": "mutation($id: ID!, $v: Int!) { setHouseholdStatus(id: $id, expectedVersion: $v, status: MOVED_OUT) { id } }",
            "variables": { "id": household, "v": version },
        })
    };
    let first = |value: &str| json!({ "query": format!("{{ wards(first: {value}) {{ totalCount }} }}") });
    let year = |value: Value| {
        json!({
            "query": "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }",
            "variables": { "i": { "year": value, "title": "T", "pledgeItems": ["x"] } },
        })
    };
    let mut cases = Vec::new();
    for value in [
        json!(2_147_483_648_i64),
        json!(-2_147_483_649_i64),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e308),
        json!(-1e308),
        json!(1.5),
        json!(-0.0),
        json!(1e-300),
        json!("NaN"),
        json!("Infinity"),
        json!("1"),
        json!(""),
        json!(true),
        json!([1]),
        json!({ "n": 1 }),
        Value::Null,
    ] {
        cases.push((format!("memberCount = {value}"), create_household_with(value.clone())));
        cases.push((format!("expectedVersion = {value}"), set_status_with(value.clone())));
        cases.push((format!("year = {value}"), year(value)));
    }
    for literal in [
        "2147483648",
        "-2147483649",
        "99999999999999999999999",
        "1e999",
        "-1",
        "1.5",
        "NaN",
        "\"5\"",
        "0x10",
        "1_000",
        "01",
    ] {
        cases.push((format!("first: {literal}"), first(literal)));
    }
    let requests = cases.into_iter().map(|(what, body)| (what, post_json(&app, &body))).collect();
    expect_all(&app, requests, |answer, what| refused(answer, what, "BAD_USER_INPUT")).await;
    assert_eq!(app.count_rows("household").await, 1, "nothing was created");
    assert_eq!(app.count_rows("campaign").await, 0, "nothing was created");
}

#[tokio::test]
async fn lone_surrogates_and_odd_escapes_in_graphql_strings_are_bad_user_input() {
    let app = spawn_app().await;
    let cases = [
        r#"{ wards(after: "\ud800") { totalCount } }"#,
        r#"{ wards(after: "\udc00\ud800") { totalCount } }"#,
        r#"{ wards(after: "\u{d800}") { totalCount } }"#,
        r#"{ wards(after: "\u{110000}") { totalCount } }"#,
        r#"{ wards(after: "\u{FFFFFFFFFFFF}") { totalCount } }"#,
        r#"{ wards(after: "\uZZZZ") { totalCount } }"#,
        r#"{ wards(after: "\x41") { totalCount } }"#,
        r#"{ wards(after: "\u0000") { totalCount } }"#,
        r#"{ wards(after: "unterminated) { totalCount } }"#,
        r#"{ wards(after: """unterminated) { totalCount } }"#,
        "{ wards(after: \"a\nb\") { totalCount } }",
    ];
    let requests = cases
        .iter()
        .map(|query| (format!("{query:?}"), post_json(&app, &json!({ "query": query }))))
        .collect();
    expect_all(&app, requests, |answer, what| refused(answer, what, "BAD_USER_INPUT")).await;
}

mod crashes;
mod garbage;
mod schema_driven;
