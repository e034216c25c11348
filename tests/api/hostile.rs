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

/// Asserts that `answer` refuses the request: errors, all with one of `expected` codes.
fn refused(answer: &Answer, what: &str, expected: &[&str]) -> Result<(), String> {
    let codes = codes(answer, what)?;
    if codes.is_empty() {
        return Err(format!("{what}: accepted: {}", answer.text.chars().take(300).collect::<String>()));
    }
    match codes.iter().find(|code| !expected.contains(&code.as_str())) {
        Some(code) => Err(format!("{what}: {code} where {expected:?} was expected: {}", answer.text.len())),
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

const STRUCTURAL: &[&str] = &["BAD_USER_INPUT", "LIMIT_EXCEEDED"];

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
    expect_all(&app, requests, |answer, what| refused(answer, what, STRUCTURAL)).await;
}

#[tokio::test]
async fn huge_values_are_refused_by_the_validators_not_the_server() {
    let app = spawn_app().await;
    let huge = "ơ".repeat(400_000);
    let cases = vec![
        (
            "a 400k-character string literal",
            json!({ "query": format!("{{ wards(after: \"{huge}\") {{ totalCount }} }}") }),
        ),
        (
            "a 400k-character block string",
            json!({ "query": format!("{{ wards(after: \"\"\"{huge}\"\"\") {{ totalCount }} }}") }),
        ),
        (
            "a 400k-character name",
            json!({
                "query": "mutation($i: CreateWardInput!) { createWard(input: $i) { id } }",
                "variables": { "i": { "code": "X1", "name": huge, "province": "P" } },
            }),
        ),
        (
            "a 400k-character username at login",
            json!({
                "query": "mutation($u: String!) { login(input: { username: $u, password: \"whatever-it-is\" }) { accessToken } }",
                "variables": { "u": huge },
            }),
        ),
        (
            "a 400k-character password at login",
            json!({
                "query": "mutation($p: String!) { login(input: { username: \"root\", password: $p }) { accessToken } }",
                "variables": { "p": huge },
            }),
        ),
        (
            "100k pledge items",
            json!({
                "query": "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }",
                "variables": { "i": { "year": 2024, "title": "T", "pledgeItems": vec!["x"; 100_000] } },
            }),
        ),
        (
            "5,000 pledges in one call",
            json!({
                "query": "mutation($i: [RecordPledgeInput!]!) { recordPledges(inputs: $i) { clientMutationId } }",
                "variables": { "i": vec![json!({ "clientMutationId": "x", "householdId": "x", "campaignId": "x", "signerName": "x", "signedOn": "x" }); 5_000] },
            }),
        ),
        (
            "200k list items in a literal",
            json!({ "query": format!("{{ wards(after: [{}]) {{ totalCount }} }}", vec!["1"; 200_000].join(",")) }),
        ),
    ];
    let requests = cases.into_iter().map(|(what, body)| (what.to_owned(), post_json(&app, &body))).collect();
    expect_all(&app, requests, |answer, what| {
        refused(answer, what, &["BAD_USER_INPUT", "LIMIT_EXCEEDED", "UNAUTHENTICATED"])
    })
    .await;
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
    expect_all(&app, requests, |answer, what| codes(answer, what).map(|_| ())).await;
}

#[tokio::test]
async fn broken_bodies_and_headers_are_4xx_with_a_code() {
    let app = spawn_app().await;
    let json_type = "application/json";
    let typename = r#"{"query":"{ __typename }"}"#;
    let mut cases: Vec<(&str, RequestBuilder)> = vec![
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
    let raw_token = header::HeaderValue::from_bytes(b"Bearer \xff\xfe\x80").expect("opaque bytes");
    cases.push((
        "a bearer token of opaque bytes",
        app.client
            .post(graphql_url(&app))
            .header(header::AUTHORIZATION, raw_token)
            .json(&json!({ "query": "{ me { id } }" })),
    ));
    cases.push((
        "a bearer token of 100k characters",
        app.client
            .post(graphql_url(&app))
            .bearer_auth("e".repeat(100_000))
            .json(&json!({ "query": "{ me { id } }" })),
    ));
    let requests = cases.into_iter().map(|(what, request)| (what.to_owned(), request)).collect();
    expect_all(&app, requests, |answer, what| {
        let codes = codes(answer, what)?;
        if codes.is_empty() {
            return Err(format!("{what}: accepted: {}", answer.text));
        }
        Ok(())
    })
    .await;
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
    expect_all(&app, requests, |answer, what| refused(answer, what, &["BAD_USER_INPUT"])).await;
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
    expect_all(&app, requests, |answer, what| refused(answer, what, &["BAD_USER_INPUT"])).await;
}

/// Ids of a world with one of everything, so that the arguments of every operation can point at
/// something real.
struct World {
    ids: BTreeMap<&'static str, String>,
}

impl World {
    async fn build(app: &TestApp) -> Self {
        set_clock(app, VIETNAM_NOON);
        let fixture = ward_with_two_groups(app).await;
        let household = create_household(app, &fixture.group_id, "1", "Trần Thị Hoa").await;
        let unsigned = create_household(app, &fixture.group_id, "2", "Lê Văn Tám").await;
        let campaign = open_campaign(app, "Chiến dịch 2023", None).await;
        let pledge = app
            .gql_ok(
                "mutation($i: RecordPledgeInput!) { recordPledge(input: $i) { id } }",
                json!({ "i": {
                    "clientMutationId": Uuid::now_v7(), "householdId": household, "campaignId": campaign,
                    "signerName": "Trần Thị Hoa", "signedOn": "2023-05-01",
                } }),
            )
            .await["recordPledge"]["id"]
            .clone();
        let deed = app
            .gql_ok(
                "mutation($i: RecordGoodDeedInput!) { recordGoodDeed(input: $i) { id } }",
                json!({ "i": {
                    "clientMutationId": Uuid::now_v7(), "groupId": fixture.group_id, "category": "PATROL",
                    "occurredOn": "2023-05-01", "description": "Tuần tra",
                } }),
            )
            .await["recordGoodDeed"]["id"]
            .clone();
        let user = app.gql_ok("{ me { id } }", json!({})).await["me"]["id"].clone();
        let text = |v: Value| v.as_str().expect("an id").to_owned();
        let ids = BTreeMap::from([
            ("ward", fixture.ward_id),
            ("group", fixture.group_id),
            ("household", household),
            ("unsigned household", unsigned),
            ("campaign", campaign),
            ("pledge", text(pledge)),
            ("goodDeed", text(deed)),
            ("user", text(user)),
        ]);
        Self { ids }
    }

    /// The id an argument or input field called `name` of `operation` most likely wants.
    fn id_for(&self, operation: &str, name: &str) -> String {
        let kind = match name {
            "wardId" => "ward",
            "groupId" => "group",
            "householdId" => "household",
            "campaignId" => "campaign",
            "actorId" | "targetId" => "user",
            _ if operation.contains("Group") || operation == "group" => "group",
            _ if operation.contains("Household") || operation == "household" => "household",
            _ if operation.contains("Campaign") || operation.starts_with("campaign") => "campaign",
            _ if operation.contains("Pledge") => "pledge",
            _ if operation.contains("GoodDeed") => "goodDeed",
            _ if operation.contains("User") => "user",
            _ => "ward",
        };
        self.ids[kind].clone()
    }
}

/// The schema as the committed SDL describes it: what each argument and input field expects.
struct Schema {
    operations: Vec<Operation>,
    inputs: BTreeMap<String, Vec<InputValueDefinition>>,
    enums: BTreeMap<String, Vec<String>>,
}

/// One root field.
struct Operation {
    kind: &'static str,
    name: String,
    arguments: Vec<InputValueDefinition>,
    returns_object: bool,
}

impl Schema {
    fn load() -> Self {
        let sdl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql"))
            .expect("schema/schema.graphql");
        let document = parse_schema(&sdl).expect("the committed SDL parses");
        let mut schema = Schema { operations: Vec::new(), inputs: BTreeMap::new(), enums: BTreeMap::new() };
        let mut roots = Vec::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else { continue };
            let name = definition.node.name.node.to_string();
            match definition.node.kind {
                TypeKind::InputObject(input) => {
                    schema.inputs.insert(name, input.fields.into_iter().map(|f| f.node).collect());
                }
                TypeKind::Enum(values) => {
                    schema
                        .enums
                        .insert(name, values.values.iter().map(|v| v.node.value.node.to_string()).collect());
                }
                TypeKind::Object(object) => {
                    if let Some(kind) = match name.as_str() {
                        "Query" => Some("query"),
                        "Mutation" => Some("mutation"),
                        _ => None,
                    } {
                        roots.push((kind, object));
                    }
                }
                _ => {}
            }
        }
        for (kind, object) in roots {
            for field in object.fields {
                let returns = named(&field.node.ty.node).to_owned();
                schema.operations.push(Operation {
                    kind,
                    name: field.node.name.node.to_string(),
                    arguments: field.node.arguments.into_iter().map(|a| a.node).collect(),
                    returns_object: !schema.is_leaf(&returns),
                });
            }
        }
        schema
    }

    fn is_leaf(&self, name: &str) -> bool {
        matches!(name, "String" | "ID" | "Int" | "Float" | "Boolean" | "Date" | "DateTime" | "JSON")
            || self.enums.contains_key(name)
    }

    /// A plausible value of `ty` for the argument or field `name` of `operation`.
    fn valid(&self, world: &World, operation: &str, name: &str, ty: &Type, depth: usize) -> Value {
        match &ty.base {
            BaseType::List(item) => json!([self.valid(world, operation, name, item, depth)]),
            BaseType::Named(type_name) => match type_name.as_str() {
                "ID" => json!(world.id_for(operation, name)),
                "Int" => json!(match name {
                    "year" => 2023,
                    "expectedVersion" => 1,
                    "memberCount" => 3,
                    _ => 5,
                }),
                "Float" => json!(1.5),
                "Boolean" => json!(true),
                "DateTime" => json!("2023-05-01T00:00:00Z"),
                "String" if name.ends_with("On") || name == "from" || name == "to" => json!("2023-05-01"),
                "String" if name == "clientMutationId" => json!(Uuid::now_v7()),
                "String" if name.ends_with("Id") => json!(world.id_for(operation, name)),
                "String" | "Date" => json!(format!("valid {name}")),
                other if self.enums.contains_key(other) => json!(self.enums[other][0]),
                other if depth < 4 => Value::Object(
                    self.inputs
                        .get(other)
                        .map(|fields| {
                            fields
                                .iter()
                                .map(|f| {
                                    (
                                        f.name.node.to_string(),
                                        self.valid(world, operation, &f.name.node, &f.ty.node, depth + 1),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
                _ => json!({}),
            },
        }
    }

    /// Every path to a value inside `ty` (the value itself, then each field of an input object and the
    /// first item of a list), with the named type found there and whether it may be null.
    fn paths(&self, ty: &Type, prefix: Vec<String>, out: &mut Vec<(Vec<String>, String, bool)>) {
        match &ty.base {
            BaseType::List(item) => {
                out.push((prefix.clone(), "[list]".into(), ty.nullable));
                let mut path = prefix;
                path.push("0".into());
                self.paths(item, path, out);
            }
            BaseType::Named(name) => {
                out.push((prefix.clone(), name.to_string(), ty.nullable));
                if let Some(fields) = self.inputs.get(name.as_str()) {
                    for field in fields {
                        let mut path = prefix.clone();
                        path.push(field.name.node.to_string());
                        self.paths(&field.ty.node, path, out);
                    }
                }
            }
        }
    }
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

impl Schema {
    /// Values no input of `type_name` accepts. GraphQL coerces a single value into a list and an integer
    /// into an `ID` or a `Float`, and `{}` is a valid input object when every field is optional, so those
    /// are left out where they would be accepted.
    fn wrong_values(&self, type_name: &str, nullable: bool) -> Vec<Value> {
        let deep = (0..100).fold(json!(1), |inner, _| json!({ "a": inner }));
        let mut values = match type_name {
            "JSON" => Vec::new(),
            "[list]" => vec![json!({ "unknown": 1 }), json!([[[[[1]]]]]), deep],
            _ => vec![json!({ "unknown": 1 }), json!([[1]]), deep, json!(""), json!(true), json!(1.5)],
        };
        match type_name {
            "String" | "Date" | "DateTime" => values.extend([json!(1), json!({}), json!(-7)]),
            "ID" => values.extend([json!({}), json!(1e300)]),
            "Int" => values.extend([json!("1"), json!({}), json!(1e300), json!("NaN"), json!(-0.5)]),
            "Float" => values.extend([json!("1"), json!({}), json!("NaN")]),
            "Boolean" => values.extend([json!("true"), json!(1), json!(0), json!({})]),
            "[list]" | "JSON" => {}
            enumeration if self.enums.contains_key(enumeration) => {
                values.extend([json!(1), json!({}), json!("NOT_A_VALUE"), json!("patrol")]);
            }
            input
                if self
                    .inputs
                    .get(input)
                    .is_some_and(|fields| fields.iter().any(|f| !f.ty.node.nullable)) =>
            {
                values.extend([json!({}), json!("x"), json!(1)]);
            }
            _ => values.extend([json!("x"), json!(1)]),
        }
        match type_name {
            "String" | "Date" | "DateTime" | "ID" => values.retain(|v| !v.is_string()),
            "Boolean" => values.retain(|v| !v.is_boolean()),
            "Float" => values.retain(|v| !v.is_number()),
            _ => {}
        }
        if !nullable {
            values.push(Value::Null);
        }
        values
    }
}

fn set_path(value: &mut Value, path: &[String], new: Value) {
    let Some((first, rest)) = path.split_first() else {
        *value = new;
        return;
    };
    let slot = match value {
        Value::Array(items) => first.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        Value::Object(fields) => Some(fields.entry(first.clone()).or_insert(Value::Null)),
        _ => None,
    };
    if let Some(slot) = slot {
        set_path(slot, rest, new);
    }
}

/// The document calling `operation` with every argument as a variable of the same name.
fn document(operation: &Operation) -> String {
    let list =
        |items: Vec<String>| if items.is_empty() { String::new() } else { format!("({})", items.join(", ")) };
    let definitions =
        list(operation.arguments.iter().map(|a| format!("${}: {}", a.name.node, a.ty.node)).collect());
    let arguments = list(operation.arguments.iter().map(|a| format!("{0}: ${0}", a.name.node)).collect());
    let selection = if operation.returns_object { " { __typename }" } else { "" };
    let (kind, name) = (operation.kind, &operation.name);
    format!("{kind} {name}{definitions} {{ {name}{arguments}{selection} }}")
}

#[tokio::test]
async fn every_argument_of_every_operation_given_the_wrong_type_is_bad_user_input() {
    // Arrange
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let schema = Schema::load();
    let before = app.count_rows("audit_event").await;
    let mut requests = Vec::new();
    for operation in &schema.operations {
        let query = document(operation);
        let valid: serde_json::Map<String, Value> = operation
            .arguments
            .iter()
            .map(|a| {
                (a.name.node.to_string(), schema.valid(&world, &operation.name, &a.name.node, &a.ty.node, 0))
            })
            .collect();
        for argument in &operation.arguments {
            let mut paths = Vec::new();
            schema.paths(&argument.ty.node, vec![argument.name.node.to_string()], &mut paths);
            for (path, type_name, nullable) in paths {
                for wrong in schema.wrong_values(&type_name, nullable) {
                    let mut variables = Value::Object(valid.clone());
                    set_path(&mut variables, &path, wrong.clone());
                    let what = format!(
                        "{} with {} = {}",
                        operation.name,
                        path.join("."),
                        wrong.to_string().chars().take(40).collect::<String>()
                    );
                    requests
                        .push((what, post_json(&app, &json!({ "query": query, "variables": variables }))));
                }
            }
        }
    }
    assert!(requests.len() > 500, "{} requests: the schema was not read", requests.len());

    // Act and assert: refused before anything runs.
    expect_all(&app, requests, |answer, what| refused(answer, what, &["BAD_USER_INPUT"])).await;
    assert_eq!(app.count_rows("audit_event").await, before, "no operation ran");
}

#[tokio::test]
async fn every_operation_with_plausible_arguments_answers_with_codes_only() {
    // Not a contract on what succeeds: only that a well-typed call never fails inside the server.
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let schema = Schema::load();
    let requests = schema
        .operations
        .iter()
        .filter(|o| o.name != "logout" && o.name != "changePassword" && o.name != "setUserActive")
        .map(|operation| {
            let variables: serde_json::Map<String, Value> = operation
                .arguments
                .iter()
                .map(|a| {
                    (
                        a.name.node.to_string(),
                        schema.valid(&world, &operation.name, &a.name.node, &a.ty.node, 0),
                    )
                })
                .collect();
            (
                operation.name.clone(),
                post_json(&app, &json!({ "query": document(operation), "variables": variables })),
            )
        })
        .collect();
    expect_all(&app, requests, |answer, what| codes(answer, what).map(|_| ())).await;
}

/// Every text argument and input field that reaches the database as a parameter or a stored value.
fn text_inputs(world: &World, nul: &str) -> Vec<(&'static str, Value)> {
    let group = &world.ids["group"];
    let household = &world.ids["unsigned household"];
    let campaign = &world.ids["campaign"];
    let cursor = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c1:{}\n{nul}", Uuid::nil()))
    };
    vec![
        (
            "login username",
            json!({
                "query": "mutation($u: String!) { login(input: { username: $u, password: \"whatever-it-is\" }) { accessToken } }",
                "variables": { "u": format!("root{nul}") },
            }),
        ),
        (
            "login password",
            json!({
                "query": "mutation($p: String!) { login(input: { username: \"nobody\", password: $p }) { accessToken } }",
                "variables": { "p": format!("pass{nul}word-123") },
            }),
        ),
        (
            "refresh token",
            json!({
                "query": "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
                "variables": { "t": format!("token{nul}") },
            }),
        ),
        (
            "household search",
            json!({
                "query": "query($g: ID!, $s: String) { households(groupId: $g, filter: { search: $s }) { totalCount } }",
                "variables": { "g": group, "s": format!("a{nul}b") },
            }),
        ),
        (
            "a list cursor whose sort key holds NUL",
            json!({
                "query": "query($g: ID!, $a: String) { households(groupId: $g, after: $a) { totalCount } }",
                "variables": { "g": group, "a": cursor },
            }),
        ),
        (
            "audit action filter",
            json!({
                "query": "query($a: String) { auditEvents(filter: { action: $a }) { totalCount } }",
                "variables": { "a": format!("pledge.record{nul}") },
            }),
        ),
        (
            "good-deed description",
            json!({
                "query": "mutation($i: RecordGoodDeedInput!) { recordGoodDeed(input: $i) { id } }",
                "variables": { "i": { "clientMutationId": Uuid::now_v7(), "groupId": group, "category": "PATROL", "occurredOn": "2023-05-01", "description": format!("a{nul}b") } },
            }),
        ),
        (
            "pledge note",
            json!({
                "query": "mutation($i: RecordPledgeInput!) { recordPledge(input: $i) { id } }",
                "variables": { "i": { "clientMutationId": Uuid::now_v7(), "householdId": household, "campaignId": campaign, "signerName": "Hoa", "signedOn": "2023-05-01", "note": format!("a{nul}b") } },
            }),
        ),
        (
            "pledge withdrawal reason",
            json!({
                "query": "mutation($id: ID!, $r: String) { withdrawPledge(id: $id, reason: $r) { id } }",
                "variables": { "id": world.ids["pledge"], "r": format!("a{nul}b") },
            }),
        ),
        (
            "good-deed verification note",
            json!({
                "query": "mutation($id: ID!, $n: String) { verifyGoodDeed(id: $id, approve: true, note: $n) { id } }",
                "variables": { "id": world.ids["goodDeed"], "n": format!("a{nul}b") },
            }),
        ),
        (
            "pledge items",
            json!({
                "query": "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }",
                "variables": { "i": { "year": 2024, "title": "T", "pledgeItems": [format!("a{nul}b")] } },
            }),
        ),
        (
            "ward name",
            json!({
                "query": "mutation($i: CreateWardInput!) { createWard(input: $i) { id } }",
                "variables": { "i": { "code": "N1", "name": format!("a{nul}b"), "province": "P" } },
            }),
        ),
        (
            "household phone",
            json!({
                "query": "mutation($i: CreateHouseholdInput!) { createHousehold(input: $i) { id } }",
                "variables": { "i": { "groupId": group, "code": "N1", "headName": "A", "address": "B", "memberCount": 1, "phone": format!("0912{nul}345678") } },
            }),
        ),
        (
            "good-deed report period",
            json!({
                "query": "query($f: String) { goodDeedReport(from: $f) { total } }",
                "variables": { "f": format!("2023-01-01{nul}") },
            }),
        ),
        (
            "change feed cursor",
            json!({
                "query": "query($s: String) { changes(since: $s) { hasMore } }",
                "variables": { "s": nul },
            }),
        ),
    ]
}

#[tokio::test]
async fn nul_characters_in_text_inputs_never_cause_an_internal_error() {
    // PostgreSQL refuses U+0000 in text values and parameters; a client must get a code it can act on.
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let requests = text_inputs(&world, "\u{0}")
        .into_iter()
        .map(|(what, body)| (what.to_owned(), post_json(&app, &body)))
        .collect();
    expect_all(&app, requests, |answer, what| codes(answer, what).map(|_| ())).await;
}

#[tokio::test]
async fn other_control_and_invisible_characters_in_text_inputs_never_cause_an_internal_error() {
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let mut requests = Vec::new();
    for odd in ["\u{1}", "\u{7f}", "\u{202e}", "\u{feff}", "\u{fffd}", "\u{10ffff}", "😀\u{200d}😀", "\\%_"]
    {
        for (what, body) in text_inputs(&world, odd) {
            requests.push((format!("{what} with {odd:?}"), post_json(&app, &body)));
        }
    }
    expect_all(&app, requests, |answer, what| codes(answer, what).map(|_| ())).await;
}

/// One server for a whole property run (proptest's runner is synchronous).
fn with_server(cases: u32, test: impl Fn(&tokio::runtime::Runtime, &TestApp, &mut TestRunner)) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let app = runtime.block_on(spawn_app());
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    test(&runtime, &app, &mut runner);
    runtime.block_on(still_answers(&app));
}

fn block_on<T>(runtime: &tokio::runtime::Runtime, future: impl Future<Output = T>) -> T {
    runtime.block_on(future)
}

/// GraphQL-looking token soup: valid tokens in random order, so that the parser gets far.
fn token_soup() -> impl Strategy<Value = String> {
    const TOKENS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ":",
        "$",
        "!",
        "@",
        "...",
        "=",
        "|",
        "&",
        ",",
        "query",
        "mutation",
        "subscription",
        "fragment",
        "on",
        "Query",
        "me",
        "id",
        "wards",
        "first:",
        "after:",
        "edges",
        "node",
        "__typename",
        "__schema",
        "types",
        "name",
        "\"s\"",
        "\"\"\"b\"\"\"",
        "\"\\u00e9\"",
        "1",
        "-1.5e3",
        "true",
        "null",
        "ENUM",
        "$v",
        "$v: Int",
        "# c\n",
        "\n",
        "\u{feff}",
        "login",
        "input:",
        "@skip(if: true)",
    ];
    vec(proptest::sample::select(TOKENS), 0..120).prop_map(|tokens| tokens.join(" "))
}

/// Any JSON a client could POST: objects with odd members, arrays, scalars.
fn garbage_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        hostile_text().prop_map(Value::from),
        token_soup().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::from),
            vec(
                (
                    prop_oneof![
                        Just("query".to_owned()),
                        Just("variables".to_owned()),
                        Just("operationName".to_owned()),
                        Just("extensions".to_owned()),
                        "[a-z]{1,6}"
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

#[test]
fn garbage_documents_get_codes_never_a_server_error() {
    with_server(300, |runtime, app, runner| {
        let strategy = prop_oneof![hostile_text(), token_soup()];
        let result = runner.run(&strategy, |document| {
            for (method, request) in [
                ("POST", post_json(app, &json!({ "query": document }))),
                (
                    "GET",
                    app.client
                        .get(graphql_url(app))
                        .bearer_auth(&app.admin_token)
                        .query(&[("query", &document)]),
                ),
            ] {
                let answer = block_on(runtime, send(request, method)).map_err(TestCaseError::fail)?;
                codes(&answer, method).map_err(TestCaseError::fail)?;
            }
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{failure}");
        }
    });
}

#[test]
fn garbage_bodies_get_codes_never_a_server_error() {
    with_server(300, |runtime, app, runner| {
        let strategy = prop_oneof![
            garbage_json().prop_map(|json| json.to_string().into_bytes()),
            vec(any::<u8>(), 0..200),
            hostile_text().prop_map(String::into_bytes),
        ];
        let result = runner.run(&strategy, |body| {
            let request = post_raw(app, "application/json", body);
            let answer = block_on(runtime, send(request, "POST")).map_err(TestCaseError::fail)?;
            codes(&answer, "POST").map_err(TestCaseError::fail)?;
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{failure}");
        }
    });
}

/// A `pledge-api serve` of its own, in a child process, for documents that have crashed the server:
/// a regression then fails one test instead of aborting the whole suite.
struct ChildServer {
    child: std::process::Child,
    url: String,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl ChildServer {
    fn start() -> Self {
        use std::io::{BufRead, BufReader};
        let dir = std::env::temp_dir().join(format!("pledge-hostile-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pledge-api"))
            .arg("serve")
            .env("DATABASE_URL", format!("sqlite://{}/db.sqlite?mode=rwc", dir.display()))
            .env("PLEDGE_BIND", "127.0.0.1:0")
            .env("PLEDGE_ENV", "development")
            .env("PLEDGE_RATE_LIMIT_ADDRESS", "off")
            .env("PLEDGE_RATE_LIMIT_TOKEN", "off")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start pledge-api");
        let stdout = child.stdout.take().expect("stdout");
        let url = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split_whitespace().find(|word| word.starts_with("http://")).map(str::to_owned)
            })
            .expect("the server prints its address");
        Self { child, url, _dir: TempDir(dir) }
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each document to a fresh child server and reports those that kill it or are not refused with
/// one of `expected`.
async fn crash_candidates(expected: &[&str], documents: Vec<(String, String)>) {
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for (what, document) in documents {
        let mut server = ChildServer::start();
        let request = client.post(&server.url).json(&json!({ "query": document }));
        let answer = send(request, &what).await.and_then(|answer| refused(&answer, &what, expected));
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !server.alive() {
            failures.push(format!("{what}: the server process died ({} bytes)", document.len()));
        } else if let Err(failure) = answer {
            failures.push(failure);
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn brackets_hidden_after_a_block_string_do_not_crash_the_server() {
    // A block string with a lone `"` inside: a scanner that reads `"""` as three one-quote strings thinks
    // everything after it is inside a string, and lets the brackets that follow reach the parser.
    // The documents nest more than `MAX_TEXT_NESTING` deep, so each must be refused as LIMIT_EXCEEDED;
    // from about 2,000 levels a release build's parser overflows the stack of its worker and the
    // process aborts.
    let hidden = |n: usize| {
        format!(
            "{{ wards(after: \"\"\"x\"y\"\"\", first: {}{}) {{ totalCount }} }}",
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    crash_candidates(
        &["LIMIT_EXCEEDED"],
        vec![
            ("100 `[` after \"\"\"x\"y\"\"\"".into(), hidden(100)),
            ("3,000 `[` after \"\"\"x\"y\"\"\"".into(), hidden(3_000)),
            ("100k `[` after \"\"\"x\"y\"\"\"".into(), hidden(100_000)),
            (
                "5,000 `{` after an escaped block quote".into(),
                format!(
                    "{{ a(b: \"\"\" \\\"\"\" \"\"\", c: {}1{}) }}",
                    "{a: ".repeat(5_000),
                    "}".repeat(5_000)
                ),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_long_chain_of_fragments_does_not_crash_the_server() {
    // Each fragment spreads the next: checking the limits recursively walks the whole chain.
    let chain = |n: usize| {
        let fragments: String =
            (0..n).map(|i| format!("fragment f{i} on Query {{ ...f{} }}\n", i + 1)).collect();
        format!("{{ ...f0 }}\n{fragments}fragment f{n} on Query {{ __typename }}")
    };
    crash_candidates(
        STRUCTURAL,
        vec![
            ("a chain of 1,000 fragments".into(), chain(1_000)),
            ("a chain of 8,000 fragments".into(), chain(8_000)),
            ("a chain of 20,000 fragments".into(), chain(20_000)),
        ],
    )
    .await;
}
