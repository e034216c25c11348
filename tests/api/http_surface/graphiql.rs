//! The GraphiQL page and its files: all served by the service itself, with a content policy of this
//! origin only, their media types, and a year of caching for the fingerprinted files.

use super::*;

/// The page as a browser asks for it.
async fn graphiql_page(app: &TestApp) -> Answer {
    send(app.client.get(format!("{}/graphql", app.address)).header(header::ACCEPT, "text/html")).await
}

/// Every `src="…"` and `href="…"` of the page, in order.
fn linked(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            links.push(rest[..rest.find('"').expect("a closing quote")].to_owned());
        }
    }
    links
}

/// Asserts the page's content policy: this origin only, no inline script, no `eval`.
#[track_caller]
fn assert_own_origin_policy(answer: &Answer, what: &str) {
    let policy = answer.header("content-security-policy").unwrap_or_else(|| panic!("{what}: no policy"));
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    for expected in
        ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]
    {
        assert!(directives.contains(&expected), "{what}: no `{expected}` in {policy}");
    }
    assert!(!policy.contains("unsafe-") && !policy.contains("http"), "{what}: {policy}");
}

#[tokio::test]
async fn the_graphiql_page_loads_every_file_from_the_service_under_a_strict_policy() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let page = graphiql_page(&app).await;

    // Assert
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.content_type(), "text/html; charset=utf-8");
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_own_origin_policy(&page, "the page");
    assert!(!page.text.contains("http://") && !page.text.contains("https://"), "{}", page.text);
    assert!(!page.text.contains("<script>") && !page.text.contains("style="), "inline code: {}", page.text);
    let files: Vec<String> = linked(&page.text).into_iter().filter(|link| link != "data:,").collect();
    let names: Vec<&str> = files.iter().map(|f| f.rsplit('/').next().unwrap_or_default()).collect();
    assert_eq!(
        names,
        [
            "react.production.min.js",
            "react-dom.production.min.js",
            "graphiql.min.js",
            "init.js",
            "graphiql.min.css",
            "page.css"
        ]
    );
    for file in &files {
        assert!(file.starts_with("/graphiql/"), "{file}");
        let answer = send(app.client.get(format!("{}{file}", app.address))).await;
        assert_eq!(answer.status, StatusCode::OK, "{file}");
        let expected =
            if file.ends_with(".js") { "text/javascript; charset=utf-8" } else { "text/css; charset=utf-8" };
        assert_eq!(answer.content_type(), expected, "{file}");
        assert_eq!(answer.header("cache-control"), Some("public, max-age=31536000, immutable"), "{file}");
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{file}");
        assert_own_origin_policy(&answer, file);
        assert!(!answer.text.is_empty(), "{file}");
    }
}

#[tokio::test]
async fn graphiql_runs_the_pinned_production_builds() {
    // Arrange
    let app = spawn_app().await;
    let page = graphiql_page(&app).await;
    let file = |name: &str| {
        let path = linked(&page.text).into_iter().find(|l| l.ends_with(name)).expect("the file is linked");
        send(app.client.get(format!("{}{path}", app.address)))
    };

    // Act
    let react = file("/react.production.min.js").await;
    let react_dom = file("/react-dom.production.min.js").await;
    let init = file("/init.js").await;

    // Assert: production React, and GraphiQL pointed at this service's endpoints.
    assert!(
        react.text.starts_with("/**\n * @license React\n * react.production.min.js"),
        "{}",
        &react.text[..80]
    );
    assert!(react_dom.text.contains("react-dom.production.min.js"));
    assert!(page.text.contains(r#"data-endpoint="/graphql" data-subscription-endpoint="/graphql/ws""#));
    assert!(init.text.contains("GraphiQL.createFetcher"), "{}", init.text);
}

#[tokio::test]
async fn an_unknown_file_or_another_builds_fingerprint_is_not_found() {
    // Arrange
    let app = spawn_app().await;
    let page = graphiql_page(&app).await;
    let init = linked(&page.text).into_iter().find(|l| l.ends_with("/init.js")).expect("init.js");
    let base = init.trim_end_matches("init.js");

    for path in [
        format!("{base}index.html"),
        format!("{base}..%2F..%2FCargo.toml"),
        "/graphiql/0123456789abcdef/init.js".into(),
    ] {
        // Act
        let answer = send(app.client.get(format!("{}{path}", app.address))).await;

        // Assert
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn production_settings_serve_no_graphiql_file() {
    // Arrange
    let development = spawn_app().await;
    let page = graphiql_page(&development).await;
    let production = spawn_app_with(production_like()).await;

    for file in linked(&page.text).into_iter().filter(|l| l.starts_with("/graphiql/")) {
        // Act
        let answer = send(production.client.get(format!("{}{file}", production.address))).await;

        // Assert
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{file}");
        assert_eq!(
            answer.header("content-security-policy"),
            Some("default-src 'none'; frame-ancestors 'none'")
        );
    }
}
