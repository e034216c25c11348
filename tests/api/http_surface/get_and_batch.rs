//! GET for queries only, batches, and the body size limit.

use super::*;

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
