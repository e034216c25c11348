//! proptest garbage: random documents and bodies.

use super::*;

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
