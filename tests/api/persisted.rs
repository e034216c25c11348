//! Persisted operations (Apollo's `persistedQuery` extension): a registered document runs from its
//! hash alone; an unknown hash or a hash that does not match the query is refused; with
//! `leaders_persisted_only`, a group leader's token runs registered documents only, while officials and
//! administrators still send any query. Every document of `schema/operations/` (the mobile app's) runs
//! against the schema as it is.

use std::path::{Path, PathBuf};

use pledge_api::{
    auth::clock::OffsetClock,
    config::HttpSettings,
    startup::{self, Application},
};
use reqwest::StatusCode;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::{
    drive::{TODAY, VIETNAM_NOON, open_campaign, pledge_input, recorded, set_clock},
    helpers::{
        Snapshot, TEST_PASSWORD, TestApp, create_household, error_code, login_session, spawn_app,
        spawn_app_with, test_http_settings, ward_with_two_groups,
    },
    http_surface::{GRAPHQL_RESPONSE, JSON_UTF8, get, post_json, send, sha256},
};

/// The registered operations of the mobile app.
fn operations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/operations")
}

/// Every registered operation: (name, document as registered: the file's text, trimmed).
fn registered_operations() -> Vec<(String, String)> {
    let mut operations: Vec<(String, String)> = std::fs::read_dir(operations_dir())
        .expect("schema/operations exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "graphql"))
        .map(|path| {
            let name = path.file_stem().expect("a file name").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("a readable operation");
            (name, text.trim().to_owned())
        })
        .collect();
    operations.sort();
    operations
}

/// The registered document `name`, as registered.
fn registered(name: &str) -> String {
    registered_operations()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no operation {name} in schema/operations"))
        .1
}

/// The `extensions` of a hash-only request for `document`.
fn persisted(document: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(document) } })
}

/// A request of the registered operation `name` by its hash alone, with `variables`.
fn by_hash(name: &str, variables: Value) -> Value {
    json!({ "extensions": persisted(&registered(name)), "variables": variables })
}

/// Settings holding group leaders to the registered operations of `dir`.
fn leaders_persisted_only(dir: PathBuf) -> HttpSettings {
    HttpSettings { leaders_persisted_only: true, operations_dir: Some(dir), ..test_http_settings() }
}

const ME: &str = "{ me { username } }";

#[tokio::test]
async fn a_registered_operation_runs_from_its_hash_alone() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer =
        post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &by_hash("Me", json!({}))).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let me = &answer.json()["data"]["me"];
    assert_eq!((&me["username"], &me["displayName"]), (&json!("root"), &json!("Root")), "{me:#}");
    assert_eq!(
        me["roleAssignments"],
        json!([{ "role": "ADMIN", "ward": null, "group": null, "__typename": "RoleAssignment" }]),
        "the registered documents are the ones Apollo Client sends, with `__typename`"
    );
}

#[tokio::test]
async fn a_hash_is_found_in_either_case_and_over_get() {
    // Arrange
    let app = spawn_app().await;
    let upper =
        json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(&registered("Me")).to_uppercase() } });
    let extensions = persisted(&registered("Me")).to_string();

    // Act
    let post = post_json(&app, Some(&app.admin_token), None, &json!({ "extensions": upper })).await;
    let get = send(get(&app, Some(&app.admin_token), None, &[("extensions", &extensions)])).await;

    // Assert
    for (what, answer) in [("POST, upper case", post), ("GET", get)] {
        assert_eq!(answer.status, StatusCode::OK, "{what}: {}", answer.text);
        assert_eq!(answer.json()["data"]["me"]["username"], "root", "{what}");
    }
}

#[tokio::test]
async fn an_unknown_hash_is_persisted_query_not_found_and_runs_nothing() {
    // Arrange
    let app = spawn_app().await;
    let body = json!({ "extensions": persisted(ME) });

    // Act
    let strict = post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &body).await;
    let legacy = post_json(&app, Some(&app.admin_token), Some("application/json"), &body).await;

    // Assert
    assert_eq!(strict.status, StatusCode::NOT_FOUND, "{}", strict.text);
    assert_eq!(legacy.status, StatusCode::OK, "{}", legacy.text);
    for answer in [strict, legacy] {
        assert_eq!(
            answer.json(),
            json!({ "errors": [{
                "message": "PersistedQueryNotFound",
                "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" }
            }] })
        );
    }
}

#[tokio::test]
async fn a_query_sent_with_a_hash_of_other_text_is_400_and_runs_nothing() {
    // Arrange
    let app = spawn_app().await;
    let before = Snapshot::take(&app).await;
    let create =
        "mutation { createWard(input: { code: \"H1\", name: \"Phường\", province: \"Thanh Hóa\" }) { id } }";
    let body = json!({ "query": create, "extensions": persisted(&registered("Me")) });

    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        // Act
        let answer = post_json(&app, Some(&app.admin_token), Some(accept), &body).await;

        // Assert
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (StatusCode::BAD_REQUEST, "BAD_USER_INPUT"),
            "{accept}"
        );
    }
    assert_eq!(before.changed_tables(&Snapshot::take(&app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn a_query_sent_with_its_own_hash_runs_whether_registered_or_not() {
    // Arrange
    let app = spawn_app().await;
    let registered_me = registered("Me");

    for (what, query) in [("registered", registered_me.as_str()), ("not registered", ME)] {
        // Act
        let body = json!({ "query": query, "extensions": persisted(query) });
        let answer = post_json(&app, Some(&app.admin_token), None, &body).await;

        // Assert
        assert_eq!(answer.status, StatusCode::OK, "{what}");
        assert_eq!(answer.json()["data"]["me"]["username"], "root", "{what}: {}", answer.text);
    }
}

/// An app holding leaders to `schema/operations`, with ward W1, groups 1 and 2, and tokens of
/// `leader.1` (GROUP_LEADER of group 1), `official` (WARD_OFFICIAL of W1) and `both` (leader of group 1
/// and official of W1).
struct Held {
    app: TestApp,
    ward_id: String,
    group_id: String,
    leader: String,
    official: String,
    both: String,
}

impl Held {
    async fn build() -> Self {
        let app = spawn_app_with(leaders_persisted_only(operations_dir())).await;
        let fixture = ward_with_two_groups(&app).await;
        let leader = app.user_with_role("leader.1", "GROUP_LEADER", None, Some(&fixture.group_id)).await;
        let official = app.user_with_role("official", "WARD_OFFICIAL", Some(&fixture.ward_id), None).await;
        crate::helpers::create_user(
            &app,
            "both",
            "Both",
            json!([
                { "role": "GROUP_LEADER", "groupId": fixture.group_id },
                { "role": "WARD_OFFICIAL", "wardId": fixture.ward_id }
            ]),
        )
        .await;
        let both = app.login("both", TEST_PASSWORD).await;
        Self { app, ward_id: fixture.ward_id, group_id: fixture.group_id, leader, official, both }
    }

    /// `createHousehold` as an ad-hoc (unregistered) document, for code `code` in group 1.
    fn ad_hoc_create(&self, code: &str) -> Value {
        json!({
            "query": "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { code } }",
            "variables": { "input": self.household(code) }
        })
    }

    fn household(&self, code: &str) -> Value {
        json!({ "groupId": self.group_id, "code": code, "headName": "Lê Thị Hoa", "address": "Số 3 Lê Hoàn", "memberCount": 3 })
    }
}

#[tokio::test]
async fn a_group_leader_sending_an_ad_hoc_document_is_refused_and_nothing_runs() {
    // Arrange
    let held = Held::build().await;
    let app = &held.app;
    let before = Snapshot::take(app).await;

    for (accept, status) in [(GRAPHQL_RESPONSE, StatusCode::FORBIDDEN), ("application/json", StatusCode::OK)]
    {
        for (what, body) in [("a query", json!({ "query": ME })), ("a mutation", held.ad_hoc_create("H1"))] {
            // Act
            let answer = post_json(app, Some(&held.leader), Some(accept), &body).await;

            // Assert
            assert_eq!(answer.status, status, "{what}, {accept}: {}", answer.text);
            assert_eq!(
                answer.json(),
                json!({ "errors": [{
                    "message": "group leaders may run only the app's registered operations: send extensions.persistedQuery",
                    "extensions": { "code": "PERSISTED_QUERY_REQUIRED" }
                }] }),
                "{what}, {accept}"
            );
        }
    }
    assert_eq!(before.changed_tables(&Snapshot::take(app).await), Vec::<&str>::new(), "nothing written");
}

#[tokio::test]
async fn a_group_leader_runs_a_registered_document_by_hash_or_by_its_exact_text() {
    // Arrange
    let held = Held::build().await;
    let app = &held.app;
    let create = registered("CreateHousehold");

    // Act
    let me = post_json(app, Some(&held.leader), Some(GRAPHQL_RESPONSE), &by_hash("Me", json!({}))).await;
    let by_hash = post_json(
        app,
        Some(&held.leader),
        Some(GRAPHQL_RESPONSE),
        &by_hash("CreateHousehold", json!({ "input": held.household("H1") })),
    )
    .await;
    let by_text = post_json(
        app,
        Some(&held.leader),
        Some(GRAPHQL_RESPONSE),
        &json!({ "query": create, "variables": { "input": held.household("H2") } }),
    )
    .await;
    let with_file_newline = post_json(
        app,
        Some(&held.leader),
        Some(GRAPHQL_RESPONSE),
        &json!({ "query": format!("{create}\n"), "variables": { "input": held.household("H3") } }),
    )
    .await;

    // Assert
    assert_eq!(me.json()["data"]["me"]["username"], "leader.1", "{}", me.text);
    for (what, answer, code) in [
        ("by hash", by_hash, "H1"),
        ("by text", by_text, "H2"),
        ("with the file's newline", with_file_newline, "H3"),
    ] {
        assert_eq!(answer.status, StatusCode::OK, "{what}: {}", answer.text);
        assert_eq!(answer.json()["data"]["createHousehold"]["code"], code, "{what}");
    }
    assert_eq!(app.count_rows("household").await, 3);
}

#[tokio::test]
async fn a_registered_document_changed_in_any_way_is_ad_hoc() {
    // Arrange
    let held = Held::build().await;
    let app = &held.app;
    let me = registered("Me");
    let changed = [
        ("a field less", me.replace(" displayName", "")),
        ("reformatted", me.replace("  me {", "me {")),
        ("with a comment", format!("# mine\n{me}")),
    ];

    for (what, query) in changed {
        assert_ne!(query, me, "{what} must differ");
        // Act
        let answer =
            post_json(app, Some(&held.leader), Some(GRAPHQL_RESPONSE), &json!({ "query": query })).await;

        // Assert
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (StatusCode::FORBIDDEN, "PERSISTED_QUERY_REQUIRED"),
            "{what}"
        );
    }
}

#[tokio::test]
async fn officials_administrators_and_leaders_who_are_also_officials_still_send_any_document() {
    // Arrange
    let held = Held::build().await;
    let app = &held.app;
    let admin = app.admin_token.clone();

    for (who, token, code) in [
        ("official", &held.official, "O1"),
        ("administrator", &admin, "A1"),
        ("leader and official", &held.both, "B1"),
    ] {
        // Act
        let me = post_json(app, Some(token), Some(GRAPHQL_RESPONSE), &json!({ "query": ME })).await;
        let created = post_json(app, Some(token), Some(GRAPHQL_RESPONSE), &held.ad_hoc_create(code)).await;

        // Assert
        assert_eq!(me.status, StatusCode::OK, "{who}: {}", me.text);
        assert_eq!(me.content_type(), "application/graphql-response+json; charset=utf-8");
        assert!(me.json()["data"]["me"]["username"].is_string(), "{who}: {}", me.text);
        assert_eq!(created.json(), json!({ "data": { "createHousehold": { "code": code } } }), "{who}");
    }
    assert_eq!(app.count_rows("household").await, 3);
}

#[tokio::test]
async fn signing_in_with_an_ad_hoc_login_is_open_to_everyone() {
    // Arrange: no token yet, so nobody is held to anything.
    let held = Held::build().await;

    // Act
    let (access, _) = login_session(&held.app, "leader.1", TEST_PASSWORD).await;

    // Assert: the token it gives is held, though.
    let answer = post_json(&held.app, Some(&access), None, &json!({ "query": ME })).await;
    assert_eq!((answer.status, answer.content_type()), (StatusCode::OK, JSON_UTF8));
    assert_eq!(answer.code(), "PERSISTED_QUERY_REQUIRED");
}

#[tokio::test]
async fn a_leaders_batch_runs_its_registered_operations_and_refuses_the_others() {
    // Arrange
    let held = Held::build().await;

    // Act
    let batch = json!([by_hash("Me", json!({})), { "query": ME }]);
    let answer = post_json(&held.app, Some(&held.leader), Some(GRAPHQL_RESPONSE), &batch).await;

    // Assert
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(body[0]["data"]["me"]["username"], "leader.1");
    assert_eq!(error_code(&body[1]), "PERSISTED_QUERY_REQUIRED");
}

/// A fresh folder under the system's temporary one, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("pledge-operations-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn the_configured_folder_adds_its_graphql_files_trimmed_to_the_built_in_operations() {
    // Arrange
    let dir = TempDir::new();
    let username = "query Username { me { username } }";
    std::fs::write(dir.0.join("Username.graphql"), format!("\n\n{username}\n  \n")).expect("written");
    std::fs::write(dir.0.join("Notes.txt"), ME).expect("written");
    let app = spawn_app_with(leaders_persisted_only(dir.0.clone())).await;
    let fixture = ward_with_two_groups(&app).await;
    let leader = app.user_with_role("leader.1", "GROUP_LEADER", None, Some(&fixture.group_id)).await;

    // Act
    let registered =
        post_json(&app, Some(&leader), None, &json!({ "extensions": persisted(username) })).await;
    let not_a_graphql_file =
        post_json(&app, Some(&leader), None, &json!({ "extensions": persisted(ME) })).await;
    let built_in = post_json(&app, Some(&leader), None, &by_hash("Me", json!({}))).await;

    // Assert
    assert_eq!(registered.json(), json!({ "data": { "me": { "username": "leader.1" } } }));
    assert_eq!(not_a_graphql_file.code(), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(built_in.json()["data"]["me"]["username"], "leader.1", "{}", built_in.text);
}

#[tokio::test]
async fn manifests_in_apollo_and_relay_formats_are_safelists_for_leaders() {
    // Arrange: the documents as each client prints them, under the ids each tool gives.
    let dir = TempDir::new();
    let apollo = "query AppUsername {\n  me {\n    username\n    __typename\n  }\n}";
    let relay = "query appUsernameQuery {\n  me {\n    username\n    id\n  }\n}\n";
    let manifest = json!({ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        { "id": sha256(apollo), "name": "AppUsername", "type": "query", "body": apollo }
    ] });
    std::fs::write(dir.0.join("persisted-query-manifest.json"), manifest.to_string()).expect("written");
    std::fs::write(dir.0.join("persisted_queries.json"), json!({ "0c5a9a1e7f": relay }).to_string())
        .expect("written");
    let app = spawn_app_with(leaders_persisted_only(dir.0.clone())).await;
    let fixture = ward_with_two_groups(&app).await;
    let leader = app.user_with_role("leader.1", "GROUP_LEADER", None, Some(&fixture.group_id)).await;

    // Act
    let by_apollo_hash =
        post_json(&app, Some(&leader), None, &json!({ "extensions": persisted(apollo) })).await;
    let apollo_in_full = post_json(&app, Some(&leader), None, &json!({ "query": apollo })).await;
    let by_relay_id = post_json(&app, Some(&leader), None, &json!({ "doc_id": "0c5a9a1e7f" })).await;
    let by_document_id =
        post_json(&app, Some(&leader), None, &json!({ "documentId": "0c5a9a1e7f", "variables": {} })).await;
    let unknown_id = post_json(&app, Some(&leader), None, &json!({ "documentId": "ffff" })).await;

    // Assert
    let me = json!({ "username": "leader.1", "__typename": "User" });
    assert_eq!(by_apollo_hash.json(), json!({ "data": { "me": me } }));
    assert_eq!(apollo_in_full.json(), json!({ "data": { "me": me } }), "the text itself is on the safelist");
    for answer in [by_relay_id, by_document_id] {
        assert_eq!(answer.json()["data"]["me"]["username"], "leader.1", "{}", answer.text);
    }
    assert_eq!(unknown_id.code(), "PERSISTED_QUERY_NOT_FOUND");
}

#[tokio::test]
async fn the_server_does_not_start_from_a_missing_folder_or_a_broken_manifest() {
    // Arrange
    let missing = std::env::temp_dir().join(format!("pledge-operations-{}", Uuid::now_v7().simple()));
    let broken = TempDir::new();
    std::fs::write(broken.0.join("persisted_queries.json"), "{\"abc\": 7}").expect("written");
    let duplicate = TempDir::new();
    std::fs::write(duplicate.0.join("a.json"), json!({ "x1": "{ me { id } }" }).to_string())
        .expect("written");
    std::fs::write(duplicate.0.join("b.json"), json!({ "x1": "{ me { username } }" }).to_string())
        .expect("written");

    for (folder, expected) in [
        (missing.clone(), format!("cannot read {}", missing.display())),
        (
            broken.0.clone(),
            format!(
                "{}: `abc` must map to the document's text",
                broken.0.join("persisted_queries.json").display()
            ),
        ),
        (duplicate.0.clone(), "id x1 is already registered for another document".to_owned()),
    ] {
        let settings = crate::helpers::test_settings("sqlite::memory:", 1, leaders_persisted_only(folder));
        let db = startup::connect("sqlite::memory:", 1).await.expect("connect");

        // Act
        let built =
            Application::build_with_clock(&settings, db, std::sync::Arc::new(OffsetClock::default())).await;

        // Assert
        let error = built.err().expect("the server refuses to start").to_string();
        assert!(error.contains(&expected), "{error}");
    }
}

#[tokio::test]
async fn a_query_sent_with_its_hash_is_remembered_for_the_hash_alone() {
    // Arrange: Apollo's automatic persisted queries: a miss, then the hash with the query, then the hash.
    let app = spawn_app().await;
    let query = "query AdHoc { me { username } }";
    let hash_only = json!({ "extensions": persisted(query) });

    // Act
    let first = post_json(&app, Some(&app.admin_token), None, &hash_only).await;
    let with_query = json!({ "query": query, "extensions": persisted(query) });
    let second = post_json(&app, Some(&app.admin_token), None, &with_query).await;
    let third = post_json(&app, Some(&app.admin_token), None, &hash_only).await;

    // Assert
    assert_eq!(first.code(), "PERSISTED_QUERY_NOT_FOUND");
    for answer in [second, third] {
        assert_eq!(answer.json(), json!({ "data": { "me": { "username": "root" } } }));
    }
}

#[tokio::test]
async fn a_query_refused_to_a_held_leader_is_not_remembered_for_anyone() {
    // Arrange
    let held = Held::build().await;
    let query = "query Sneaky { me { username } }";
    let with_query = json!({ "query": query, "extensions": persisted(query) });
    let hash_only = json!({ "extensions": persisted(query) });

    // Act
    let refused = post_json(&held.app, Some(&held.leader), None, &with_query).await;
    let by_official = post_json(&held.app, Some(&held.official), None, &hash_only).await;
    let by_leader = post_json(&held.app, Some(&held.leader), None, &hash_only).await;

    // Assert
    assert_eq!(refused.code(), "PERSISTED_QUERY_REQUIRED");
    assert_eq!(by_official.code(), "PERSISTED_QUERY_NOT_FOUND", "nothing was learned from the refusal");
    assert_eq!(by_leader.code(), "PERSISTED_QUERY_NOT_FOUND");
    // Learned from an official, the query still does not open the safelist to the leader.
    post_json(&held.app, Some(&held.official), None, &with_query).await;
    let learned = post_json(&held.app, Some(&held.leader), None, &hash_only).await;
    assert_eq!(learned.code(), "PERSISTED_QUERY_REQUIRED");
}

/// An open survey of `ward_id` with one question, made by the administrator: its id and the question's.
async fn open_survey(app: &TestApp, ward_id: &str) -> (String, String) {
    let input = json!({
        "clientMutationId": Uuid::now_v7().to_string(), "wardId": ward_id, "title": "Khảo sát 2023",
        "conductedOn": "2023-08-11", "questions": [{ "text": "Đánh giá chung về Công an phường" }],
    });
    let created = app
        .gql_with(
            Some(&app.admin_token),
            "mutation($i: CreateSurveyInput!) { createSurvey(input: $i) { id questions { id } } }",
            json!({ "i": input }),
        )
        .await;
    let survey = &created["data"]["createSurvey"];
    let opened = app
        .gql_with(
            Some(&app.admin_token),
            "mutation($id: ID!) { openSurvey(id: $id, expectedVersion: 1) { status } }",
            json!({ "id": survey["id"] }),
        )
        .await;
    assert_eq!(opened["data"]["openSurvey"]["status"], "OPEN", "{created:#} {opened:#}");
    let id = |value: &Value| value.as_str().expect("an id").to_owned();
    (id(&survey["id"]), id(&survey["questions"][0]["id"]))
}

/// The variables each registered operation runs with, for `leader.1` of group 1 (households H1 to H4,
/// a pledge of H1 in an open campaign, an open survey of the ward) and two sessions of theirs.
struct Drive {
    held: Held,
    campaign: String,
    /// An open survey of the ward and the id of its one question.
    survey: (String, String),
    households: [String; 4],
    pledge: String,
    refresh_tokens: [String; 2],
}

impl Drive {
    async fn build() -> Self {
        let held = Held::build().await;
        let app = &held.app;
        set_clock(app, VIETNAM_NOON);
        let campaign = open_campaign(app, "Toàn dân bảo vệ an ninh Tổ quốc năm 2023", None).await;
        let households = [
            create_household(app, &held.group_id, "H1", "Nguyễn Văn An").await,
            create_household(app, &held.group_id, "H2", "Trần Thị Bình").await,
            create_household(app, &held.group_id, "H3", "Lê Văn Cường").await,
            create_household(app, &held.group_id, "H4", "Phạm Thị Dung").await,
        ];
        let pledge = recorded(
            app,
            &app.admin_token,
            &pledge_input(&Uuid::now_v7().to_string(), &households[0], &campaign),
        )
        .await["id"]
            .as_str()
            .expect("a pledge id")
            .to_owned();
        let refresh_tokens = [
            login_session(app, "leader.1", TEST_PASSWORD).await.1,
            login_session(app, "leader.1", TEST_PASSWORD).await.1,
        ];
        let survey = open_survey(app, &held.ward_id).await;
        Self { held, campaign, survey, households, pledge, refresh_tokens }
    }

    /// The variables of the registered operation `name`; a new operation must be added here.
    fn variables(&self, name: &str) -> Value {
        let group = &self.held.group_id;
        match name {
            "Campaigns" => json!({ "first": 10 }),
            "Changes" => json!({ "since": null, "first": 10 }),
            "CreateHousehold" => json!({ "input": self.held.household("H9") }),
            "GroupCoverage" => json!({ "campaignId": self.campaign, "groupId": group, "first": 10 }),
            "GroupHouseholds" => json!({
                "groupId": group, "campaignId": self.campaign, "first": 10, "filter": { "search": "tran thi" }
            }),
            "Login" => json!({ "input": { "username": "leader.1", "password": TEST_PASSWORD } }),
            "Logout" => json!({ "refreshToken": self.refresh_tokens[0] }),
            "Me" => json!({}),
            "RecordGoodDeed" => json!({ "input": {
                "clientMutationId": Uuid::now_v7().to_string(), "groupId": group, "householdId": self.households[1],
                "category": "PATROL", "occurredOn": TODAY, "description": "Tuần tra đêm cùng tổ bảo vệ dân phố"
            } }),
            "RecordPledge" => {
                json!({ "input": pledge_input(&Uuid::now_v7().to_string(), &self.households[1], &self.campaign) })
            }
            "RecordPledges" => {
                json!({ "inputs": [pledge_input(&Uuid::now_v7().to_string(), &self.households[2], &self.campaign)] })
            }
            "RefreshSession" => json!({ "refreshToken": self.refresh_tokens[1] }),
            "SyncPledges" => {
                json!({ "inputs": [pledge_input(&Uuid::now_v7().to_string(), &self.households[3], &self.campaign)] })
            }
            "UpdateHousehold" => {
                json!({ "id": self.households[2], "expectedVersion": 1, "input": { "memberCount": 5 } })
            }
            "RecordSurveyBallots" => json!({
                "surveyId": self.survey.0, "groupId": group, "ballots": [{
                    "clientMutationId": Uuid::now_v7().to_string(),
                    "answers": [{ "questionId": self.survey.1, "rating": "SATISFIED" }]
                }]
            }),
            "WardSurveys" => json!({ "wardId": self.held.ward_id, "first": 10 }),
            "WithdrawPledge" => json!({ "id": self.pledge, "reason": "Hộ đề nghị ký lại" }),
            other => panic!("schema/operations/{other}.graphql is new: give it variables in persisted.rs"),
        }
    }
}

#[tokio::test]
async fn every_registered_operation_runs_for_a_group_leader_held_to_them() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.held.app;
    let operations = registered_operations();
    assert!(operations.len() >= 13, "{operations:?}");

    // Subscriptions run over WebSocket (tests/api/subscriptions.rs); every other operation runs here.
    for (name, document) in operations.iter().filter(|(_, document)| !document.starts_with("subscription")) {
        // Act
        let body = json!({ "extensions": persisted(document), "variables": drive.variables(name) });
        let answer = post_json(app, Some(&drive.held.leader), Some(GRAPHQL_RESPONSE), &body).await;

        // Assert: no error at all (an unknown field, argument or type would be one), and data.
        assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.text);
        let body = answer.json();
        assert!(body.get("errors").is_none(), "{name}: {body:#}");
        let data: &Map<String, Value> =
            body["data"].as_object().unwrap_or_else(|| panic!("{name}: {body:#}"));
        assert_eq!(data.len(), 1, "{name}: one root field");
        assert!(data.values().all(|v| !v.is_null()), "{name}: {body:#}");
    }
}

#[tokio::test]
async fn every_registered_operation_is_valid_against_the_schema() {
    // Arrange: the schema alone, no server: validation only (execution fails without a request context).
    let schema = pledge_api::graphql::schema_builder().finish();

    for (name, document) in registered_operations() {
        // Act: a subscription's first answer is its validation result (or the resolver's refusal).
        let request = async_graphql::Request::new(document.clone());
        let response = if document.starts_with("subscription") {
            use async_graphql::futures_util::StreamExt;
            let mut stream = schema.execute_stream(request);
            let first = tokio::time::timeout(std::time::Duration::from_secs(5), stream.next());
            first.await.expect("a subscription answers at once without a context").expect("an answer")
        } else {
            schema.execute(request).await
        };

        // Assert: every error is from execution (it has a path), none from validation.
        let validation: Vec<&str> =
            response.errors.iter().filter(|e| e.path.is_empty()).map(|e| e.message.as_str()).collect();
        assert_eq!(validation, Vec::<&str>::new(), "{name}");
    }
}
