//! Production settings (introspection, GraphiQL, suggestions), variables, 401 and the time limit.

use super::*;

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
    use pledge_api::startup::{self, Application};
    use sea_orm::EntityTrait;
    let database = crate::helpers::TestDatabase::create().await;
    // A timed-out request drops its connection mid-transaction; an in-memory SQLite database lives only
    // as long as its one connection, so this test uses a file there.
    let file = std::env::temp_dir().join(format!("pledge-timeout-{}.db", Uuid::now_v7().simple()));
    let url = if database.url.contains(":memory:") {
        format!("sqlite://{}?mode=rwc", file.display())
    } else {
        database.url.clone()
    };
    let http = pledge_api::config::HttpSettings {
        request_timeout: std::time::Duration::from_millis(1),
        ..test_http_settings()
    };
    let settings = crate::helpers::test_settings(&url, 4, http);
    let db = startup::connect(&url, settings.db_max_connections).await.expect("connect");
    startup::migrate(&db).await.expect("migrate");
    let server = Application::build(&settings, db.clone()).await.expect("build");
    let services = server.services();
    let address = format!("http://{}", server.local_addr().expect("bound"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run_until(async move {
        let _ = stopped.await;
    }));
    crate::helpers::bootstrap_admin(&services).await;
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
    let _ = std::fs::remove_file(&file);
}
