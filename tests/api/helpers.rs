//! `spawn_app()`: a real server on a free port over a fresh database, and helpers to call it.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use pledge_api::{
    auth::{Auth, Role, clock::OffsetClock},
    config::{Environment, HttpSettings, Secret, Settings},
    service::{
        Services,
        user::{NewAssignment, NewUser},
    },
    startup::{self, Application},
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

/// The database of one test; a PostgreSQL one is dropped when the test ends.
pub struct TestDatabase {
    pub url: String,
    admin_url: Option<String>,
    name: String,
}

impl TestDatabase {
    /// A fresh, migrated database on the backend `TEST_DATABASE_URL` names (SQLite in memory by default).
    pub async fn create() -> Self {
        Self::create_from(true).await
    }

    /// A fresh database with no tables, for testing the migrations themselves.
    pub async fn create_empty() -> Self {
        Self::create_from(false).await
    }

    async fn create_from(migrated: bool) -> Self {
        let Some(admin_url) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres"))
        else {
            return Self { url: "sqlite::memory:".into(), admin_url: None, name: String::new() };
        };
        let name = format!("pledge_test_{}", Uuid::now_v7().simple());
        let template = if migrated { migrated_template(&admin_url).await } else { "template1".to_owned() };
        let admin = sea_orm::Database::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .await
            .expect("create the test database");
        admin.close().await.ok();
        Self { url: database_url(&admin_url, &name), admin_url: Some(admin_url), name }
    }

    pub fn is_postgres(&self) -> bool {
        self.admin_url.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(admin_url) = self.admin_url.clone() else {
            return;
        };
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread of our own.
        let dropped = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                let admin = sea_orm::Database::connect(&admin_url).await?;
                admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(base, _)| base);
    format!("{base}/{name}")
}

/// A PostgreSQL database with every migration applied, made once per migration list and then copied for
/// each test: `CREATE DATABASE … TEMPLATE` is much faster than migrating every test database.
async fn migrated_template(admin_url: &str) -> String {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            use migration::MigratorTrait;
            let names: Vec<String> =
                migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
            let digest = names.join(",").bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            });
            let template = format!("pledge_template_{digest:016x}");
            let admin = sea_orm::Database::connect(admin_url).await.expect("connect to TEST_DATABASE_URL");
            let exists = admin
                .query_one_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT 1 AS found FROM pg_database WHERE datname = '{template}'"),
                ))
                .await
                .expect("look for the template")
                .is_some();
            if !exists {
                // Built under a temporary name and renamed, so a run that dies half-way leaves no broken template.
                let building = format!("pledge_building_{}", Uuid::now_v7().simple());
                admin.execute_unprepared(&format!("CREATE DATABASE {building}")).await.expect("create");
                let db = startup::connect(&database_url(admin_url, &building), 1).await.expect("connect");
                startup::migrate(&db).await.expect("migrate the template");
                db.close().await.ok();
                if admin
                    .execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {template}"))
                    .await
                    .is_err()
                {
                    // Another test process made it first.
                    admin.execute_unprepared(&format!("DROP DATABASE {building}")).await.ok();
                }
            }
            admin.close().await.ok();
            template
        })
        .await
        .clone()
}

/// A running server and a client for it. `gql` calls go out as the bootstrap administrator.
pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    /// The services the server runs on.
    pub services: Arc<Services>,
    pub client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub database: TestDatabase,
    /// The server's clock: move it forward to expire tokens without sleeping.
    pub clock: Arc<OffsetClock>,
    /// The server's authentication state (password verification counts).
    pub auth: Arc<Auth>,
    /// The access token of the bootstrap administrator `root`.
    pub admin_token: String,
    /// Statements sent to the database by the server (and by the test through `db`) so far.
    statements: Arc<AtomicUsize>,
}

/// The password of every user the tests create.
pub const TEST_PASSWORD: &str = "test-password-123";

/// Development settings without rate limits (the tests send hundreds of requests from one address;
/// the rate-limit tests set their own).
pub fn test_http_settings() -> HttpSettings {
    HttpSettings {
        rate_limit_per_address: None,
        rate_limit_per_token: None,
        ..HttpSettings::defaults(Environment::Development)
    }
}

/// Settings of a test server on `database_url`, a free port and the test secret.
pub fn test_settings(database_url: &str, db_max_connections: u32, http: HttpSettings) -> Settings {
    Settings {
        database_url: Secret::new(database_url),
        bind: "127.0.0.1:0".parse().expect("address"),
        environment: Environment::Development,
        db_max_connections,
        jwt_secret: Secret::new("test-secret-that-is-long-enough-for-hs256!"),
        jwt_secret_generated: false,
        http,
        coverage_check_interval: None,
        access_token_lifetime: std::time::Duration::from_secs(15 * 60),
    }
}

/// Creates the administrator `root` (password `TEST_PASSWORD`) directly in the database.
pub async fn bootstrap_admin(services: &Arc<Services>) {
    let root = NewUser {
        username: "root".into(),
        display_name: "Root".into(),
        password: TEST_PASSWORD.into(),
        assignments: vec![NewAssignment { role: Role::Admin, ward_id: None, group_id: None }],
    };
    services.system().users().create(root).await.expect("bootstrap admin");
}

/// Starts the service on a fresh, migrated database and a free port.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_http_settings()).await
}

/// Like `spawn_app`, with the HTTP surface configured by `http` (limits, rate limits, CORS, persisted
/// operations, production-like switches).
pub async fn spawn_app_with(http: HttpSettings) -> TestApp {
    let database = TestDatabase::create().await;
    let settings = test_settings(&database.url, 8, http);
    let mut db = startup::connect(&database.url, settings.db_max_connections).await.expect("connect");
    startup::migrate(&db).await.expect("migrate");
    let statements = Arc::new(AtomicUsize::new(0));
    let counted = statements.clone();
    db.set_metric_callback(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
    });
    let clock = Arc::new(OffsetClock::default());
    let app = Application::build_with_clock(&settings, db.clone(), clock.clone()).await.expect("build");
    let auth = app.auth();
    let services = app.services();
    let address = format!("http://{}", app.local_addr().expect("bound"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    bootstrap_admin(&services).await;
    let mut app = TestApp {
        address,
        db,
        services,
        client: reqwest::Client::new(),
        stop: Some(stop),
        database,
        clock,
        auth,
        admin_token: String::new(),
        statements,
    };
    app.admin_token = app.login("root", TEST_PASSWORD).await;
    app
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    /// POSTs a GraphQL request as the bootstrap administrator and returns the whole response body.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_with(Some(&self.admin_token), query, variables).await
    }

    /// POSTs a GraphQL request with `token` as bearer (none: anonymous).
    pub async fn gql_with(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        assert!(response.status().is_success(), "HTTP {}", response.status());
        response.json().await.expect("JSON body")
    }

    /// Like `gql`, but asserts there are no errors and returns `data`.
    pub async fn gql_ok(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Statements the server sent to the database while `request` ran (nothing else may use the
    /// database meanwhile), with what `request` returned.
    pub async fn statements_during<T>(&self, request: impl std::future::Future<Output = T>) -> (usize, T) {
        let before = self.statements.load(Ordering::SeqCst);
        let value = request.await;
        (self.statements.load(Ordering::SeqCst) - before, value)
    }

    /// Waits until the server answers `token` without reading its caller from the database (the caller
    /// is remembered; on PostgreSQL a server first proves it hears every revocation, a fraction of a
    /// second after it starts).
    pub async fn until_caller_remembered(&self, token: &str) {
        for _ in 0..100 {
            let (statements, _) =
                self.statements_during(self.gql_with(Some(token), "{ __typename }", json!({}))).await;
            if statements == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the server still reads the caller of every request after 2 s");
    }

    /// Signs in and returns the access token, asserting success.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let body = self.gql_with(None, LOGIN, json!({ "u": username, "p": password })).await;
        body["data"]["login"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("login of {username} failed: {body:#}"))
            .to_owned()
    }

    /// Creates a user with one role (as the bootstrap administrator) and returns their access token.
    pub async fn user_with_role(
        &self,
        username: &str,
        role: &str,
        ward_id: Option<&str>,
        group_id: Option<&str>,
    ) -> String {
        self.gql_ok(
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            json!({ "input": {
                "username": username, "displayName": username, "password": TEST_PASSWORD,
                "roleAssignments": [{ "role": role, "wardId": ward_id, "groupId": group_id }]
            } }),
        )
        .await;
        self.login(username, TEST_PASSWORD).await
    }

    /// Counts rows of a table, to assert what a request left behind.
    pub async fn count_rows(&self, table: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {table}")))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("n")
    }
}

/// The login mutation, with variables `u` and `p`.
pub const LOGIN: &str = "mutation($u: String!, $p: String!) {
    login(input: { username: $u, password: $p }) { accessToken refreshToken expiresAt user { id username } }
}";

/// The `extensions.code` of the first error, asserting there is one.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no error code in {body:#}"))
}

/// The `extensions.field` of the first error.
pub fn error_field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"].as_str().unwrap_or_else(|| panic!("no error field in {body:#}"))
}

/// Ids of a fixture: one ward with two groups.
pub struct Fixture {
    pub ward_id: String,
    pub group_id: String,
    pub other_group_id: String,
}

/// Creates ward "W1" with groups "1" and "2".
pub async fn ward_with_two_groups(app: &TestApp) -> Fixture {
    let ward = app
        .gql_ok(
            "mutation($input: CreateWardInput!) { createWard(input: $input) { id } }",
            json!({ "input": { "code": "W1", "name": "Phường Lam Sơn", "province": "Thanh Hóa" } }),
        )
        .await;
    let ward_id = ward["createWard"]["id"].as_str().expect("ward id").to_owned();
    let mut groups = Vec::new();
    for code in ["1", "2"] {
        let group = app
            .gql_ok(
                "mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }",
                json!({ "input": { "wardId": ward_id, "code": code, "name": format!("Tổ dân phố {code}") } }),
            )
            .await;
        groups.push(group["createGroup"]["id"].as_str().expect("group id").to_owned());
    }
    let other_group_id = groups.pop().expect("two groups");
    let group_id = groups.pop().expect("two groups");
    Fixture { ward_id, group_id, other_group_id }
}

/// Creates a household in `group_id` and returns its id.
pub async fn create_household(app: &TestApp, group_id: &str, code: &str, head_name: &str) -> String {
    let data = app
        .gql_ok(
            "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }",
            json!({ "input": {
                "groupId": group_id, "code": code, "headName": head_name,
                "address": format!("Số {code} Lê Hoàn"), "memberCount": 4
            } }),
        )
        .await;
    data["createHousehold"]["id"].as_str().expect("household id").to_owned()
}

/// The `node.code` of every edge of a connection, in order.
pub fn edge_codes(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {connection:#}"))
        .iter()
        .map(|edge| edge["node"]["code"].as_str().unwrap_or_else(|| panic!("no code in {edge:#}")).to_owned())
        .collect()
}

/// Creates a ward with `code` and returns its id.
pub async fn create_ward(app: &TestApp, code: &str, name: &str) -> String {
    let data = app
        .gql_ok(
            "mutation($input: CreateWardInput!) { createWard(input: $input) { id } }",
            json!({ "input": { "code": code, "name": name, "province": "Thanh Hóa" } }),
        )
        .await;
    data["createWard"]["id"].as_str().expect("ward id").to_owned()
}

/// Creates a group with `code` in `ward_id` and returns its id.
pub async fn create_group(app: &TestApp, ward_id: &str, code: &str) -> String {
    let data = app
        .gql_ok(
            "mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }",
            json!({ "input": { "wardId": ward_id, "code": code, "name": format!("Tổ dân phố {code}") } }),
        )
        .await;
    data["createGroup"]["id"].as_str().expect("group id").to_owned()
}

/// Row counts of the hierarchy tables: (wards, groups, households).
pub async fn hierarchy_rows(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count_rows("ward").await,
        app.count_rows("residential_group").await,
        app.count_rows("household").await,
    )
}

/// A UUID that names nothing in any test database.
pub fn unknown_id() -> String {
    Uuid::now_v7().to_string()
}

/// The backend the suite runs on, for failure messages.
pub fn backend(app: &TestApp) -> &'static str {
    if app.database.is_postgres() { "PostgreSQL" } else { "SQLite" }
}

/// Creates a user (as the bootstrap administrator) with `role_assignments` (a JSON list of
/// `RoleAssignmentInput`) and the password `TEST_PASSWORD`, without signing them in; returns the id.
pub async fn create_user(
    app: &TestApp,
    username: &str,
    display_name: &str,
    role_assignments: Value,
) -> String {
    let data = app
        .gql_ok(
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
            json!({ "input": {
                "username": username, "displayName": display_name, "password": TEST_PASSWORD,
                "roleAssignments": role_assignments
            } }),
        )
        .await;
    data["createUser"]["id"].as_str().expect("user id").to_owned()
}

/// The whole response of a `login` as anyone, without asserting success.
pub async fn login_body(app: &TestApp, username: &str, password: &str) -> Value {
    app.gql_with(None, LOGIN, json!({ "u": username, "p": password })).await
}

/// Signs in, asserting success, and returns (access token, refresh token).
pub async fn login_session(app: &TestApp, username: &str, password: &str) -> (String, String) {
    let body = login_body(app, username, password).await;
    let token = |name: &str| {
        body["data"]["login"][name]
            .as_str()
            .unwrap_or_else(|| panic!("login of {username} failed: {body:#}"))
            .to_owned()
    };
    (token("accessToken"), token("refreshToken"))
}

/// Every row of the tables the tested operations write (the hierarchy, users and sessions, and the audit
/// trail and change log every write adds to), each ordered by key: two snapshots are equal exactly when
/// none of them was written in between.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub wards: Vec<pledge_api::entities::ward::Model>,
    pub groups: Vec<pledge_api::entities::residential_group::Model>,
    pub households: Vec<pledge_api::entities::household::Model>,
    pub users: Vec<pledge_api::entities::app_user::Model>,
    pub assignments: Vec<pledge_api::entities::role_assignment::Model>,
    pub refresh_tokens: Vec<pledge_api::entities::refresh_token::Model>,
    pub audit_events: Vec<pledge_api::entities::audit_event::Model>,
    pub changes: Vec<pledge_api::entities::change_log::Model>,
}

/// Row counts of every table, in the order of `Snapshot`'s fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub wards: usize,
    pub groups: usize,
    pub households: usize,
    pub users: usize,
    pub assignments: usize,
    pub refresh_tokens: usize,
    pub audit_events: usize,
    pub changes: usize,
}

impl Snapshot {
    /// Reads every table of `app`'s database.
    pub async fn take(app: &TestApp) -> Self {
        use pledge_api::entities::{
            app_user, audit_event, change_log, household, refresh_token, residential_group, role_assignment,
            ward,
        };
        use sea_orm::{EntityTrait, QueryOrder};
        Self {
            wards: ward::Entity::find().order_by_asc(ward::Column::Id).all(&app.db).await.expect("wards"),
            groups: residential_group::Entity::find()
                .order_by_asc(residential_group::Column::Id)
                .all(&app.db)
                .await
                .expect("groups"),
            households: household::Entity::find()
                .order_by_asc(household::Column::Id)
                .all(&app.db)
                .await
                .expect("households"),
            users: app_user::Entity::find()
                .order_by_asc(app_user::Column::Id)
                .all(&app.db)
                .await
                .expect("users"),
            assignments: role_assignment::Entity::find()
                .order_by_asc(role_assignment::Column::Id)
                .all(&app.db)
                .await
                .expect("assignments"),
            refresh_tokens: refresh_token::Entity::find()
                .order_by_asc(refresh_token::Column::Id)
                .all(&app.db)
                .await
                .expect("refresh tokens"),
            audit_events: audit_event::Entity::find()
                .order_by_asc(audit_event::Column::Id)
                .all(&app.db)
                .await
                .expect("audit events"),
            changes: change_log::Entity::find()
                .order_by_asc(change_log::Column::Seq)
                .all(&app.db)
                .await
                .expect("change log"),
        }
    }

    /// How many rows each table holds.
    pub fn counts(&self) -> RowCounts {
        RowCounts {
            wards: self.wards.len(),
            groups: self.groups.len(),
            households: self.households.len(),
            users: self.users.len(),
            assignments: self.assignments.len(),
            refresh_tokens: self.refresh_tokens.len(),
            audit_events: self.audit_events.len(),
            changes: self.changes.len(),
        }
    }

    /// The tables whose rows differ between `self` and `later`.
    pub fn changed_tables(&self, later: &Self) -> Vec<&'static str> {
        [
            ("ward", self.wards != later.wards),
            ("residential_group", self.groups != later.groups),
            ("household", self.households != later.households),
            ("app_user", self.users != later.users),
            ("role_assignment", self.assignments != later.assignments),
            ("refresh_token", self.refresh_tokens != later.refresh_tokens),
            ("audit_event", self.audit_events != later.audit_events),
            ("change_log", self.changes != later.changes),
        ]
        .into_iter()
        .filter_map(|(table, changed)| changed.then_some(table))
        .collect()
    }

    /// The user named `username` (case as stored).
    pub fn user(&self, username: &str) -> &pledge_api::entities::app_user::Model {
        self.users
            .iter()
            .find(|u| u.username == username)
            .unwrap_or_else(|| panic!("no user {username} in {:#?}", self.users))
    }
}

/// Another server process on the same database as `app`, with the same secret and clock, where the
/// database allows one (PostgreSQL); on SQLite in memory, the one server `app` is.
pub struct OtherServer {
    pub address: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl OtherServer {
    pub async fn start(app: &TestApp) -> Self {
        Self::start_with(app, test_http_settings()).await
    }

    /// Like `start`, with the HTTP surface configured by `http` (it should match `app`'s).
    pub async fn start_with(app: &TestApp, http: HttpSettings) -> Self {
        if !app.database.is_postgres() {
            return Self { address: app.address.clone(), stop: None };
        }
        let settings = test_settings(&app.database.url, 4, http);
        let db = startup::connect(&app.database.url, settings.db_max_connections).await.expect("connect");
        let other =
            Application::build_with_clock(&settings, db, app.clock.clone()).await.expect("a second server");
        let address = format!("http://{}", other.local_addr().expect("bound"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(other.run_until(async move {
            let _ = stopped.await;
        }));
        Self { address, stop: Some(stop) }
    }

    /// POSTs a GraphQL request to this server with `token` as bearer.
    pub async fn gql_with(&self, app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = app
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent").json().await.expect("JSON body")
    }
}

impl Drop for OtherServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
