//! The structural request limits at their edges, over HTTP and over WebSocket: depth 12, aliases 30,
//! root fields 20, complexity 100,000 (page sizes multiply), bracket nesting 64, and `first` at most
//! 100. A refusal is `LIMIT_EXCEEDED` naming the limit, its maximum and what was asked; it is decided
//! before authentication and before the database is touched, so nothing is ever written.

use std::time::Duration;

use async_graphql::futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest},
};

use crate::{
    drive::open_campaign,
    helpers::{
        Snapshot, TestApp, error_code, spawn_app, spawn_app_with, test_http_settings, ward_with_two_groups,
    },
    http_surface::{FORGED_TOKEN, GRAPHQL_RESPONSE, post_json},
};

/// The types a chain of fields walks through, in a cycle: group → ward → groups → edge → group.
#[derive(Clone, Copy)]
enum Step {
    Group,
    Ward,
    Connection,
    Edge,
}

impl Step {
    /// The field leading on from this type, and the type it leads to.
    fn next(self) -> (&'static str, Step) {
        match self {
            Self::Group => ("ward", Self::Ward),
            Self::Ward => ("groups(first: 1)", Self::Connection),
            Self::Connection => ("edges", Self::Edge),
            Self::Edge => ("node", Self::Group),
        }
    }

    /// A scalar field of this type, to end the chain with.
    fn leaf(self) -> &'static str {
        match self {
            Self::Group | Self::Ward => "id",
            Self::Connection => "totalCount",
            Self::Edge => "cursor",
        }
    }
}

/// A selection `depth` fields deep, starting on the type `from`.
fn chain(from: Step, depth: usize) -> String {
    if depth <= 1 {
        return from.leaf().to_owned();
    }
    let (field, to) = from.next();
    format!("{field} {{ {} }}", chain(to, depth - 1))
}

/// A query exactly `depth` fields deep, starting at `group(id: $id)`.
fn query_of_depth(depth: usize) -> String {
    format!("query($id: ID!) {{ group(id: $id) {{ {} }} }}", chain(Step::Group, depth - 1))
}

/// `n` aliased fields `a0: code`, … inside `group(id: $id)`.
fn query_with_aliases(n: usize) -> String {
    let aliases: Vec<String> = (0..n).map(|i| format!("a{i}: code")).collect();
    format!("query($id: ID!) {{ group(id: $id) {{ {} }} }}", aliases.join(" "))
}

/// `n` root fields `r0: me { username }`, ….
fn query_with_root_fields(n: usize) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!("r{i}: me {{ username }}")).collect();
    format!("{{ {} }}", fields.join(" "))
}

/// A query whose complexity is 99,907 plus `last_page + 1`, so `last_page` 92 costs exactly 100,000:
/// - `wards(first: 100) { edges { node { groups(first: 99) { edges { node { 5 scalars, ward { id code } } } } } } }`
///   costs ((8 + 1 + 1) × 99 + 1 + 1 + 1) × 100 + 1 = 99,301 (a leaf is 1, `ward { id code }` 3);
/// - six `wards(first: 100) { totalCount }` cost 101 each, 606;
/// - `wards(first: last_page) { totalCount }` costs `last_page + 1`.
fn query_of_complexity_with(last_page: usize) -> String {
    let totals: Vec<String> = (0..6).map(|i| format!("t{i}: wards(first: 100) {{ totalCount }}")).collect();
    format!(
        "{{ wards(first: 100) {{ edges {{ node {{ groups(first: 99) {{ edges {{ node {{
            id code name createdAt updatedAt ward {{ id code }}
        }} }} }} }} }} }} {} last: wards(first: {last_page}) {{ totalCount }} }}",
        totals.join(" ")
    )
}

/// `{ me { username } }` wrapped in `fragments` inline fragments, so selection sets nest `fragments + 1`
/// deep while fields nest only 2.
fn query_nested_in_fragments(fragments: usize) -> String {
    format!("{{ {}me {{ username }}{} }}", "... { ".repeat(fragments), " }".repeat(fragments))
}

/// The `extensions` of a refusal of `limit`.
fn exceeded(limit: &str, max: usize, actual: usize) -> Value {
    json!({ "code": "LIMIT_EXCEEDED", "limit": limit, "max": max, "actual": actual })
}

/// POSTs `query` with `variables` as the administrator, asking for `application/graphql-response+json`.
async fn ask(app: &TestApp, query: &str, variables: Value) -> (StatusCode, Value) {
    let answer = post_json(
        app,
        Some(&app.admin_token),
        Some(GRAPHQL_RESPONSE),
        &json!({ "query": query, "variables": variables }),
    )
    .await;
    (answer.status, answer.json())
}

/// Asserts a whole refusal: 400, no data, one error with these extensions.
#[track_caller]
fn assert_refused((status, body): &(StatusCode, Value), extensions: &Value) {
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body:#}");
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body:#}");
    assert_eq!(&body["errors"][0]["extensions"], extensions, "{body:#}");
}

/// Asserts an answer with data and no error.
#[track_caller]
fn assert_answered((status, body): &(StatusCode, Value)) {
    assert_eq!(*status, StatusCode::OK, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
}

#[tokio::test]
async fn a_query_twelve_fields_deep_is_answered_and_thirteen_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let variables = json!({ "id": fixture.group_id });

    // Act
    let twelve = ask(&app, &query_of_depth(12), variables.clone()).await;
    let thirteen = ask(&app, &query_of_depth(13), variables).await;

    // Assert
    // group → ward → its first group (group 1 again) → ward → first group → ward → groups: 2.
    let first_group = |ward: Value| json!({ "groups": { "edges": [{ "node": { "ward": ward } }] } });
    let ward = first_group(first_group(json!({ "groups": { "totalCount": 2 } })));
    assert_eq!(twelve, (StatusCode::OK, json!({ "data": { "group": { "ward": ward } } })));
    assert_refused(&thirteen, &exceeded("depth", 12, 13));
    assert_eq!(
        thirteen.1["errors"][0]["message"],
        "the query is nested too deeply: 13 where at most 12 is allowed"
    );
}

#[tokio::test]
async fn thirty_aliases_are_answered_and_thirty_one_are_refused() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let variables = json!({ "id": fixture.group_id });

    // Act
    let thirty = ask(&app, &query_with_aliases(30), variables.clone()).await;
    let thirty_one = ask(&app, &query_with_aliases(31), variables).await;

    // Assert
    assert_answered(&thirty);
    let group = thirty.1["data"]["group"].as_object().expect("the group").clone();
    assert_eq!(group.len(), 30);
    assert!(group.values().all(|code| code == "1"), "{group:#?}");
    assert_refused(&thirty_one, &exceeded("aliases", 30, 31));
}

#[tokio::test]
async fn twenty_root_fields_are_answered_and_twenty_one_are_refused() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let twenty = ask(&app, &query_with_root_fields(20), json!({})).await;
    let twenty_one = ask(&app, &query_with_root_fields(21), json!({})).await;

    // Assert
    assert_answered(&twenty);
    let data = twenty.1["data"].as_object().expect("data").clone();
    assert_eq!(data.len(), 20);
    assert!(data.values().all(|me| *me == json!({ "username": "root" })), "{data:#?}");
    assert_refused(&twenty_one, &exceeded("rootFields", 20, 21));
}

#[tokio::test]
async fn a_complexity_of_exactly_one_hundred_thousand_is_answered_and_one_more_is_refused() {
    // Arrange
    let app = spawn_app().await;
    ward_with_two_groups(&app).await;

    // Act
    let at_limit = ask(&app, &query_of_complexity_with(92), json!({})).await;
    let over = ask(&app, &query_of_complexity_with(93), json!({})).await;

    // Assert
    assert_answered(&at_limit);
    assert_eq!(at_limit.1["data"]["last"], json!({ "totalCount": 1 }));
    let groups = &at_limit.1["data"]["wards"]["edges"][0]["node"]["groups"]["edges"];
    assert_eq!(groups.as_array().map(Vec::len), Some(2), "{groups:#}");
    assert_refused(&over, &exceeded("complexity", 100_000, 100_001));
}

#[tokio::test]
async fn a_page_size_given_in_a_variable_counts_like_a_literal_one() {
    // Arrange
    let app = spawn_app().await;
    let query = query_of_complexity_with(92).replace("groups(first: 99)", "groups(first: $n)").replacen(
        '{',
        "query($n: Int) {",
        1,
    );

    // Act
    let at_limit = ask(&app, &query, json!({ "n": 99 })).await;
    let over = ask(&app, &query, json!({ "n": 100 })).await;

    // Assert
    assert_answered(&at_limit);
    assert_refused(&over, &exceeded("complexity", 100_000, 101_000));
}

#[tokio::test]
async fn a_page_of_one_hundred_is_answered_and_one_hundred_and_one_is_bad_user_input_on_first() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let hundred = ask(&app, "{ wards(first: 100) { totalCount } }", json!({})).await;
    let too_many = ask(&app, "{ wards(first: 101) { totalCount } }", json!({})).await;

    // Assert
    assert_answered(&hundred);
    assert_eq!(hundred.1, json!({ "data": { "wards": { "totalCount": 0 } } }));
    let (status, body) = too_many;
    assert_eq!(status, StatusCode::OK, "a field error, not a request error: {body:#}");
    assert_eq!(body["data"], Value::Null);
    assert_eq!(body["errors"][0]["extensions"], json!({ "code": "BAD_USER_INPUT", "field": "first" }));
    assert_eq!(body["errors"][0]["path"], json!(["wards"]));
}

/// `{ wards(after: [[…]]) { totalCount } }` with `lists` brackets in the argument: `lists + 2` deep.
fn query_with_nested_lists(lists: usize) -> String {
    format!("{{ wards(after: {}{}) {{ totalCount }} }}", "[".repeat(lists), "]".repeat(lists))
}

#[tokio::test]
async fn brackets_sixty_four_deep_reach_the_parser_and_sixty_five_are_refused_before_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let sixty_four = ask(&app, &query_with_nested_lists(62), json!({})).await;
    let sixty_five = ask(&app, &query_with_nested_lists(63), json!({})).await;

    // Assert: 64 is parsed and validated (a list is no `String`), 65 never reaches the parser.
    assert_refused(&sixty_four, &json!({ "code": "BAD_USER_INPUT", "field": "after" }));
    assert_refused(&sixty_five, &exceeded("nesting", 64, 65));
}

#[tokio::test]
async fn selection_sets_nest_as_deep_as_the_bracket_limit_whatever_the_field_depth() {
    // Arrange: inline fragments nest selection sets without nesting fields; async-graphql's own
    // recursion limit is set to the bracket limit, so the refusal is always LIMIT_EXCEEDED.
    let app = spawn_app().await;

    // Act: n fragments make n + 2 nested selection sets.
    let sixty_four = ask(&app, &query_nested_in_fragments(62), json!({})).await;
    let sixty_five = ask(&app, &query_nested_in_fragments(63), json!({})).await;

    // Assert
    assert_eq!(sixty_four, (StatusCode::OK, json!({ "data": { "me": { "username": "root" } } })));
    assert_refused(&sixty_five, &exceeded("nesting", 64, 65));
}

#[tokio::test]
async fn brackets_after_a_block_string_holding_a_lone_quote_are_counted() {
    // Arrange: read as three one-quote strings, `"""x"y"""` would leave a string open to the end.
    let app = spawn_app().await;
    let hidden = |lists: usize| {
        format!(
            "{{ wards(after: \"\"\"x\"y\"\"\", first: {}{}) {{ totalCount }} }}",
            "[".repeat(lists),
            "]".repeat(lists)
        )
    };

    // Act
    let sixty_four = ask(&app, &hidden(62), json!({})).await;
    let sixty_five = ask(&app, &hidden(63), json!({})).await;

    // Assert
    assert_refused(&sixty_four, &json!({ "code": "BAD_USER_INPUT", "field": "first" }));
    assert_refused(&sixty_five, &exceeded("nesting", 64, 65));
}

#[tokio::test]
async fn a_chain_of_fragments_nests_like_the_selection_sets_it_stands_for() {
    // Arrange: each fragment spreads the next; the operation's selection set is 1 deep, f0's 2, ….
    let app = spawn_app().await;
    let chain = |n: usize| {
        let fragments: String =
            (0..n).map(|i| format!("fragment f{i} on Query {{ ...f{} }}\n", i + 1)).collect();
        format!("{{ ...f0 }}\n{fragments}fragment f{n} on Query {{ me {{ username }} }}")
    };

    // Act
    let sixty_four = ask(&app, &chain(61), json!({})).await;
    let sixty_five = ask(&app, &chain(62), json!({})).await;

    // Assert
    assert_eq!(sixty_four, (StatusCode::OK, json!({ "data": { "me": { "username": "root" } } })));
    assert_refused(&sixty_five, &exceeded("nesting", 64, 65));
}

#[tokio::test]
async fn a_million_open_brackets_are_refused_without_harm_to_the_server() {
    // Arrange
    let app = spawn_app().await;
    let query = format!("{{ wards(after: {}) {{ totalCount }} }}", "[".repeat(1_000_000));

    // Act
    let refused = ask(&app, &query, json!({})).await;
    let after = ask(&app, "{ me { username } }", json!({})).await;

    // Assert
    assert_refused(&refused, &exceeded("nesting", 64, 1_000_002));
    assert_eq!(after.1, json!({ "data": { "me": { "username": "root" } } }));
}

#[tokio::test]
async fn limits_are_checked_before_authentication() {
    // Arrange
    let app = spawn_app().await;
    let query = json!({ "query": query_with_root_fields(21) });

    for (name, token) in [("an invalid token", Some(FORGED_TOKEN)), ("no token", None)] {
        for accept in [GRAPHQL_RESPONSE, "application/json"] {
            // Act
            let answer = post_json(&app, token, Some(accept), &query).await;

            // Assert: had the token been read first, this would be UNAUTHENTICATED (401).
            let expected = if accept == GRAPHQL_RESPONSE { StatusCode::BAD_REQUEST } else { StatusCode::OK };
            assert_eq!(answer.status, expected, "{name}, {accept}: {}", answer.text);
            assert_eq!(answer.json()["errors"][0]["extensions"], exceeded("rootFields", 20, 21), "{name}");
        }
    }
}

#[tokio::test]
async fn a_refusal_never_reaches_the_database() {
    // Arrange: the server's pool is closed, so anything that reaches the database fails.
    let app = spawn_app().await;
    app.db.clone().close().await.expect("the pool closes");

    // Act
    let over_limit = ask(&app, &query_with_root_fields(21), json!({})).await;
    let within = ask(&app, &query_with_root_fields(1), json!({})).await;

    // Assert: even the valid token is never looked up.
    assert_refused(&over_limit, &exceeded("rootFields", 20, 21));
    assert_eq!(within.0, StatusCode::SERVICE_UNAVAILABLE, "the control reaches the database: {:#}", within.1);
    assert_eq!(error_code(&within.1), "SERVICE_UNAVAILABLE");
}

#[tokio::test]
async fn a_mutation_over_any_limit_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let before = Snapshot::take(&app).await;
    let create = |code: &str| {
        format!(r#"createWard(input: {{ code: "{code}", name: "Phường", province: "Thanh Hóa" }})"#)
    };
    let cases = [
        (
            "thirteen deep",
            format!("mutation {{ {} {{ {} }} }}", create("D13"), chain(Step::Ward, 12)),
            exceeded("depth", 12, 13),
        ),
        (
            "thirty-one aliases",
            format!(
                "mutation {{ {} {{ {} }} }}",
                create("A31"),
                (0..31).map(|i| format!("a{i}: id")).collect::<Vec<_>>().join(" ")
            ),
            exceeded("aliases", 30, 31),
        ),
        (
            "twenty-one root fields",
            format!(
                "mutation {{ {} }}",
                (0..21)
                    .map(|i| format!("w{i}: {} {{ id }}", create(&format!("R{i}"))))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            exceeded("rootFields", 20, 21),
        ),
        (
            "sixty-five brackets",
            format!("mutation {{ {}{} {{ id }}{} }}", "... { ".repeat(62), create("N65"), " }".repeat(62)),
            exceeded("nesting", 64, 65),
        ),
    ];

    for (name, mutation, extensions) in cases {
        // Act
        let answer = ask(&app, &mutation, json!({})).await;

        // Assert
        assert_eq!(answer.1["errors"][0]["extensions"], extensions, "{name}");
        assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{name}");
    }
    let after = Snapshot::take(&app).await;
    assert_eq!(before.changed_tables(&after), Vec::<&str>::new(), "nothing written");
    assert_eq!(after.counts(), before.counts());
}

#[tokio::test]
async fn an_operation_over_a_limit_in_a_batch_is_refused_alone() {
    // Arrange
    let app = spawn_app().await;
    let batch = json!([
        { "query": "mutation { createWard(input: { code: \"OK1\", name: \"Phường\", province: \"Thanh Hóa\" }) { code } }" },
        { "query": query_with_root_fields(21) },
    ]);

    // Act
    let answer = post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &batch).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body[0], json!({ "data": { "createWard": { "code": "OK1" } } }));
    assert_eq!(body[1]["errors"][0]["extensions"], exceeded("rootFields", 20, 21));
    assert_eq!(app.count_rows("ward").await, 1);
}

#[tokio::test]
async fn tighter_limits_from_the_settings_apply() {
    // Arrange
    let app = spawn_app_with(pledge_api::config::HttpSettings {
        limits: pledge_api::config::Limits {
            max_depth: 3,
            max_complexity: 50,
            max_aliases: 2,
            max_root_fields: 2,
        },
        ..test_http_settings()
    })
    .await;

    // Act
    let depth = ask(&app, "{ me { roleAssignments { ward { id } } } }", json!({})).await;
    let aliases = ask(&app, "{ me { a: id b: id c: id } }", json!({})).await;
    let roots = ask(&app, "{ me { id } me { id } me { id } }", json!({})).await;
    let complexity = ask(&app, "{ wards(first: 50) { totalCount } }", json!({})).await;
    let within = ask(&app, "{ me { a: id b: username } wards(first: 46) { totalCount } }", json!({})).await;

    // Assert
    assert_refused(&depth, &exceeded("depth", 3, 4));
    assert_refused(&aliases, &exceeded("aliases", 2, 3));
    assert_refused(&roots, &exceeded("rootFields", 2, 3));
    assert_refused(&complexity, &exceeded("complexity", 50, 51));
    assert_answered(&within);
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens `/graphql/ws` with `graphql-transport-ws` and signs in as `token`.
async fn signed_in_socket(app: &TestApp, token: &str) -> Socket {
    let url = format!("{}/graphql/ws", app.address.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("a WebSocket request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("WebSocket handshake");
    let init =
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.expect("sent");
    assert_eq!(next_message(&mut socket).await, Some(json!({ "type": "connection_ack" })));
    socket
}

/// Sends a `subscribe` of `query` with `variables` as id "1".
async fn subscribe(socket: &mut Socket, query: &str, variables: Value) {
    let message =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } });
    socket.send(Message::text(message.to_string())).await.expect("sent");
}

/// The next text message within a second, skipping pings; `None` when nothing came.
async fn next_message(socket: &mut Socket) -> Option<Value> {
    loop {
        let frame = match tokio::time::timeout(Duration::from_secs(1), socket.next()).await {
            Ok(Some(frame)) => frame.expect("a readable frame"),
            Ok(None) => panic!("the socket ended"),
            Err(_) => return None,
        };
        match frame {
            Message::Text(text) => return Some(serde_json::from_str(&text).expect("JSON")),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// `coverageUpdated` selecting its group `depth - 1` fields deep, so the document is `depth` deep.
fn subscription_of_depth(depth: usize) -> String {
    format!(
        "subscription($c: ID!) {{ coverageUpdated(campaignId: $c) {{ group {{ {} }} }} }}",
        chain(Step::Group, depth - 2)
    )
}

#[tokio::test]
async fn a_subscription_thirteen_fields_deep_is_refused_over_websocket() {
    // Arrange
    let app = spawn_app().await;
    let campaign = open_campaign(&app, "Toàn thành phố 2023", None).await;
    let mut socket = signed_in_socket(&app, &app.admin_token).await;

    // Act
    subscribe(&mut socket, &subscription_of_depth(13), json!({ "c": campaign })).await;
    let refusal = next_message(&mut socket).await;

    // Assert: the refusal is the operation's only answer.
    assert_eq!(
        refusal,
        Some(json!({ "id": "1", "type": "next", "payload": { "data": null, "errors": [{
            "message": "the query is nested too deeply: 13 where at most 12 is allowed",
            "extensions": exceeded("depth", 12, 13)
        }] } }))
    );
    assert_eq!(next_message(&mut socket).await, Some(json!({ "id": "1", "type": "complete" })));
}

#[tokio::test]
async fn a_subscription_twelve_fields_deep_is_accepted_over_websocket() {
    // Arrange
    let app = spawn_app().await;
    let campaign = open_campaign(&app, "Toàn thành phố 2023", None).await;
    let mut socket = signed_in_socket(&app, &app.admin_token).await;

    // Act
    subscribe(&mut socket, &subscription_of_depth(12), json!({ "c": campaign })).await;

    // Assert: nothing is refused (no event is due either: nothing changed).
    assert_eq!(next_message(&mut socket).await, None);
}

#[tokio::test]
async fn a_query_over_a_limit_is_refused_over_websocket_too() {
    // Arrange
    let app = spawn_app().await;
    let mut socket = signed_in_socket(&app, &app.admin_token).await;

    // Act
    subscribe(&mut socket, &query_with_root_fields(21), json!({})).await;

    // Assert
    let refusal = next_message(&mut socket).await.expect("an answer");
    assert_eq!((&refusal["id"], &refusal["type"]), (&json!("1"), &json!("next")), "{refusal:#}");
    assert_eq!(refusal["payload"]["data"], Value::Null);
    assert_eq!(refusal["payload"]["errors"][0]["extensions"], exceeded("rootFields", 20, 21));
}

#[tokio::test]
async fn introspection_switched_off_is_refused_over_websocket_too() {
    // Arrange
    let app =
        spawn_app_with(pledge_api::config::HttpSettings { introspection: false, ..test_http_settings() })
            .await;
    let mut socket = signed_in_socket(&app, &app.admin_token).await;

    // Act
    subscribe(&mut socket, "{ __schema { queryType { name } } }", json!({})).await;

    // Assert
    assert_eq!(
        next_message(&mut socket).await,
        Some(json!({ "id": "1", "type": "next", "payload": { "data": null, "errors": [{
            "message": "introspection is switched off on this server",
            "extensions": { "code": "BAD_USER_INPUT" }
        }] } }))
    );
}
