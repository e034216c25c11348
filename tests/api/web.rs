//! The board at `/` and the leader's page at `/to-dan-pho`, as HTTP sees them: every page and file from
//! the service itself under a policy of this origin only, with its media type; fingerprinted files
//! kept for a year, pages revalidated by entity tag; the service worker at a stable path allowed to
//! control the page; unknown files not found; and the pages served where GraphiQL is switched off.
//! What the pages do is tested in a browser (`clients/web/`).

use reqwest::{StatusCode, header};
use serde_json::Value;

use crate::{
    helpers::{TestApp, spawn_app, spawn_app_with, test_http_settings},
    http_surface::{Answer, send, sha256},
};

async fn get(app: &TestApp, path: &str) -> Answer {
    send(app.client.get(format!("{}{path}", app.address))).await
}

/// Every `src="…"` and `href="…"` of a page, in order.
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

/// The files a page loads from `/web/`.
fn files(html: &str) -> Vec<String> {
    linked(html).into_iter().filter(|link| link.starts_with("/web/")).collect()
}

/// Asserts the pages' content policy: this origin only, nothing inline, no `eval`, no framing.
#[track_caller]
fn assert_own_origin_policy(answer: &Answer, what: &str) {
    let policy = answer.header("content-security-policy").unwrap_or_else(|| panic!("{what}: no policy"));
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    for expected in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(directives.contains(&expected), "{what}: no `{expected}` in {policy}");
    }
    assert!(
        !policy.contains("unsafe-") && !policy.contains("http") && !policy.contains("data:"),
        "{what}: {policy}"
    );
}

#[tokio::test]
async fn the_board_and_the_leader_page_are_vietnamese_pages_of_this_origin_only() {
    // Arrange
    let app = spawn_app().await;

    for path in ["/", "/to-dan-pho"] {
        // Act
        let page = get(&app, path).await;

        // Assert
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.content_type(), "text/html; charset=utf-8", "{path}");
        assert_eq!(page.header("cache-control"), Some("no-cache"), "{path}");
        assert!(page.header("etag").is_some_and(|tag| tag.len() == 18 && tag.starts_with('"')), "{path}");
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_own_origin_policy(&page, path);
        assert!(page.text.contains("<html lang=\"vi\">"), "{path}");
        assert!(!page.text.contains("http://") && !page.text.contains("https://"), "{path}: {}", page.text);
        assert!(!page.text.contains("<style") && !page.text.contains("style="), "{path}: inline style");
        assert_eq!(
            page.text.matches("<script").count(),
            page.text.matches("<script type=\"module\" src=\"/web/").count(),
            "{path}: an inline script"
        );
        assert!(!files(&page.text).is_empty(), "{path}");
    }
}

#[tokio::test]
async fn the_board_points_graphql_users_to_graphiql_and_leaders_to_their_page() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let board = get(&app, "/").await;
    let leader = get(&app, "/to-dan-pho").await;

    // Assert
    let board_links = linked(&board.text);
    assert!(board_links.contains(&"/graphql".to_owned()), "{board_links:?}");
    assert!(board_links.contains(&"/to-dan-pho".to_owned()), "{board_links:?}");
    assert!(linked(&leader.text).contains(&"/to-dan-pho/manifest.webmanifest".to_owned()));
    let graphiql =
        send(app.client.get(format!("{}/graphql", app.address)).header(header::ACCEPT, "text/html")).await;
    assert_eq!(graphiql.status, StatusCode::OK);
    assert!(graphiql.text.contains("GraphiQL"), "GraphiQL stays at /graphql");
}

#[tokio::test]
async fn every_file_of_the_pages_is_served_with_its_type_and_kept_for_a_year() {
    // Arrange
    let app = spawn_app().await;
    let mut paths = files(&get(&app, "/").await.text);
    paths.extend(files(&get(&app, "/to-dan-pho").await.text));
    paths.sort();
    paths.dedup();

    for path in &paths {
        // Act
        let answer = get(&app, path).await;

        // Assert
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        let expected = match path.rsplit('.').next() {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("svg") => "image/svg+xml",
            Some("png") => "image/png",
            other => panic!("{path}: an unexpected kind of file {other:?}"),
        };
        assert_eq!(answer.content_type(), expected, "{path}");
        assert_eq!(answer.header("cache-control"), Some("public, max-age=31536000, immutable"), "{path}");
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_own_origin_policy(&answer, path);
        // The SVG namespace is a name, never fetched.
        let text = answer.text.replace("http://www.w3.org/2000/svg", "");
        assert!(!text.contains("http://") && !text.contains("https://"), "{path} names another host");
    }
    assert!(
        paths.iter().any(|p| p.ends_with("/board.js")) && paths.iter().any(|p| p.ends_with("/leader.js"))
    );
}

#[tokio::test]
async fn a_page_the_browser_already_holds_is_answered_not_modified() {
    // Arrange
    let app = spawn_app().await;

    for path in ["/", "/to-dan-pho", "/to-dan-pho/sw.js", "/to-dan-pho/manifest.webmanifest"] {
        let first = get(&app, path).await;
        let etag = first.header("etag").expect("an entity tag").to_owned();

        // Act
        let again =
            send(app.client.get(format!("{}{path}", app.address)).header(header::IF_NONE_MATCH, &etag)).await;
        let stale =
            send(app.client.get(format!("{}{path}", app.address)).header(header::IF_NONE_MATCH, "\"0\""))
                .await;

        // Assert
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.text, "", "{path}");
        assert_eq!(again.header("etag"), Some(etag.as_str()), "{path}");
        assert_eq!(stale.status, StatusCode::OK, "{path}");
        assert_eq!(stale.text, first.text, "{path}");
    }
}

#[tokio::test]
async fn the_service_worker_is_at_a_stable_path_may_control_the_leader_page_and_keeps_its_files() {
    // Arrange
    let app = spawn_app().await;
    let leader = get(&app, "/to-dan-pho").await;

    // Act
    let worker = get(&app, "/to-dan-pho/sw.js").await;

    // Assert
    assert_eq!(worker.status, StatusCode::OK);
    assert_eq!(worker.content_type(), "text/javascript; charset=utf-8");
    assert_eq!(worker.header("service-worker-allowed"), Some("/to-dan-pho"));
    assert_eq!(worker.header("cache-control"), Some("no-cache"));
    assert_own_origin_policy(&worker, "the worker");
    let start =
        worker.text.find("const PRECACHE = ").expect("the list of kept files") + "const PRECACHE = ".len();
    let end = start + worker.text[start..].find(";\n").expect("the end of the list");
    let kept: Vec<String> = serde_json::from_str(&worker.text[start..end]).expect("a JSON list");
    assert!(
        kept.contains(&"/to-dan-pho".to_owned())
            && kept.contains(&"/to-dan-pho/manifest.webmanifest".to_owned())
    );
    for file in files(&leader.text) {
        assert!(kept.contains(&file), "{file} is not kept for offline use");
    }
    for path in &kept {
        assert_eq!(get(&app, path).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_manifest_makes_the_leader_page_an_installable_app() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let manifest = get(&app, "/to-dan-pho/manifest.webmanifest").await;

    // Assert
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(manifest.content_type(), "application/manifest+json");
    let json: Value = manifest.json();
    assert_eq!(json["start_url"], "/to-dan-pho");
    assert_eq!(json["scope"], "/to-dan-pho");
    assert_eq!(json["display"], "standalone");
    assert_eq!(json["lang"], "vi");
    let icons = json["icons"].as_array().expect("icons");
    for size in ["192x192", "512x512"] {
        let icon =
            icons.iter().find(|icon| icon["sizes"] == size).unwrap_or_else(|| panic!("no {size} icon"));
        let answer =
            send(app.client.get(format!("{}{}", app.address, icon["src"].as_str().expect("a path")))).await;
        assert_eq!(answer.status, StatusCode::OK, "{size}");
        assert_eq!(answer.content_type(), "image/png", "{size}");
    }
}

#[tokio::test]
async fn the_leader_page_with_a_trailing_slash_is_sent_to_the_page() {
    // Arrange
    let app = spawn_app().await;
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");

    // Act
    let answer = send(client.get(format!("{}/to-dan-pho/", app.address))).await;

    // Assert
    assert_eq!(answer.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(answer.header("location"), Some("/to-dan-pho"));
}

#[tokio::test]
async fn an_unknown_file_or_another_builds_fingerprint_is_not_found() {
    // Arrange
    let app = spawn_app().await;
    let board = get(&app, "/").await;
    let script = files(&board.text).into_iter().find(|f| f.ends_with("/board.js")).expect("board.js");
    let base = script.trim_end_matches("board.js");

    for path in [
        format!("{base}index.html"),
        format!("{base}board.html"),
        format!("{base}..%2F..%2FCargo.toml"),
        "/web/0123456789abcdef/board.js".into(),
        "/to-dan-pho/nothing.js".into(),
        "/bang-theo-doi".into(),
    ] {
        // Act
        let answer = get(&app, &path).await;

        // Assert
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            answer.header("content-security-policy"),
            Some("default-src 'none'; frame-ancestors 'none'")
        );
    }
}

#[tokio::test]
async fn the_pages_are_served_in_production_where_graphiql_is_not() {
    // Arrange
    let production = spawn_app_with(pledge_api::config::HttpSettings {
        introspection: false,
        graphiql: false,
        suggestions: false,
        ..test_http_settings()
    })
    .await;

    for path in ["/", "/to-dan-pho", "/to-dan-pho/sw.js", "/to-dan-pho/manifest.webmanifest"] {
        // Act
        let answer = get(&production, path).await;

        // Assert
        assert_eq!(answer.status, StatusCode::OK, "{path}");
    }
    let board = get(&production, "/").await;
    for file in files(&board.text) {
        assert_eq!(get(&production, &file).await.status, StatusCode::OK, "{file}");
    }
}

#[tokio::test]
async fn the_pages_send_each_registered_document_byte_for_byte_by_its_hash() {
    // Arrange
    let app = spawn_app().await;
    let leader = get(&app, "/to-dan-pho").await;
    let base = files(&leader.text).into_iter().find(|f| f.ends_with("/leader.js")).expect("leader.js");

    // Act
    let module = get(&app, &base.replace("/leader.js", "/operations.js")).await;

    // Assert: every file of schema/operations/, trimmed as the server registers it, under its hash.
    assert_eq!(module.status, StatusCode::OK);
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/operations");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder).expect("the folder") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().expect("a name").to_string_lossy().into_owned();
        let document = std::fs::read_to_string(&path).expect("a document").trim().to_owned();
        let line = format!(
            "  \"{name}\": {{ id: \"{}\", document: {} }},",
            sha256(&document),
            serde_json::to_string(&document).expect("a string")
        );
        assert!(module.text.contains(&line), "{name} is not in operations.js as registered");
        names.push(name);
    }
    assert!(names.contains(&"SyncPledges".to_owned()), "{names:?}");
}
