//! Faults: the database goes away under a running server and comes back. While it is away, requests
//! fail fast with `SERVICE_UNAVAILABLE` (HTTP 503) and `/readyz` answers 503; once it is back, the same
//! server answers again without a restart.
//!
//! PostgreSQL only: the server reaches the test database through a small TCP proxy the test switches
//! off (every connection cut, new ones refused) and on again. SIGTERM durability is checked by
//! `bench/faults.sh` against the release binary.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use pledge_api::{
    auth::clock::OffsetClock,
    startup::{self, Application},
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
};

use crate::helpers::{TEST_PASSWORD, TestDatabase, bootstrap_admin, test_http_settings, test_settings};

/// How long a request may take to fail while the database is away: the pool's 2 s acquire timeout and
/// some slack.
const FAIL_FAST: Duration = Duration::from_secs(3);

const ME: &str = "{ me { username } }";

/// A TCP proxy to the database that can be switched off (connections cut, new ones refused) and on.
struct Proxy {
    address: SocketAddr,
    switch: watch::Sender<bool>,
}

impl Proxy {
    /// Listens on a free port of 127.0.0.1 and forwards to `target`.
    async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let address = listener.local_addr().expect("proxy address");
        let (switch, on) = watch::channel(true);
        tokio::spawn(serve_proxy(listener, address, target, on));
        Self { address, switch }
    }

    /// Cuts every connection and refuses new ones (the port is closed, as when the database is down).
    async fn switch_off(&self) {
        self.switch.send_replace(false);
        self.wait_until(|reachable| !reachable).await;
    }

    /// Accepts connections again.
    async fn switch_on(&self) {
        self.switch.send_replace(true);
        self.wait_until(|reachable| reachable).await;
    }

    async fn wait_until(&self, wanted: impl Fn(bool) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !wanted(TcpStream::connect(self.address).await.is_ok()) {
            assert!(Instant::now() < deadline, "the proxy did not switch in time");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Accepts while switched on; when switched off, drops the listener (so connecting is refused) and
/// binds the same port again when switched back on. Stops when the `Proxy` is dropped.
async fn serve_proxy(
    listener: TcpListener,
    address: SocketAddr,
    target: String,
    mut on: watch::Receiver<bool>,
) {
    let mut listener = Some(listener);
    loop {
        match listener.take() {
            Some(open) => {
                tokio::select! {
                    accepted = open.accept() => {
                        if let Ok((inbound, _)) = accepted {
                            tokio::spawn(forward(inbound, target.clone(), on.clone()));
                        }
                        listener = Some(open);
                    }
                    changed = on.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        if *on.borrow_and_update() {
                            listener = Some(open);
                        }
                    }
                }
            }
            None => {
                if on.changed().await.is_err() {
                    return;
                }
                if *on.borrow_and_update() {
                    listener = Some(TcpListener::bind(address).await.expect("bind the proxy port again"));
                }
            }
        }
    }
}

/// Copies bytes both ways until either side closes or the proxy is switched off.
async fn forward(mut inbound: TcpStream, target: String, mut on: watch::Receiver<bool>) {
    let Ok(mut outbound) = TcpStream::connect(&target).await else { return };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
        _ = on.wait_for(|up| !*up) => {}
    }
}

/// The parts of a `postgres://user@host:port/database` URL: before the host, `host:port`, and after.
fn url_parts(url: &str) -> (String, String, String) {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (user, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    let host = if host.contains(':') { host.to_owned() } else { format!("{host}:5432") };
    (format!("{scheme}://{user}"), host, format!("/{path}"))
}

/// A server whose database connections all go through a proxy.
struct FaultyApp {
    address: String,
    client: reqwest::Client,
    proxy: Proxy,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    // Dropped last: the server's connections are gone by then.
    _database: TestDatabase,
}

impl Drop for FaultyApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl FaultyApp {
    /// `None` unless `TEST_DATABASE_URL` is PostgreSQL.
    async fn spawn() -> Option<Self> {
        let database = TestDatabase::create().await;
        if !database.is_postgres() {
            return None;
        }
        let (before, target, after) = url_parts(&database.url);
        let proxy = Proxy::start(target).await;
        let proxied_url = format!("{before}{}{after}", proxy.address);
        let settings = test_settings(&proxied_url, 4, test_http_settings());
        let db = startup::connect(&proxied_url, settings.db_max_connections).await.expect("connect");
        let clock = Arc::new(OffsetClock::default());
        let app = Application::build_with_clock(&settings, db.clone(), clock).await.expect("build");
        bootstrap_admin(&app.services()).await;
        let address = format!("http://{}", app.local_addr().expect("bound"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        let mut app = Self {
            address,
            client: reqwest::Client::new(),
            proxy,
            token: String::new(),
            stop: Some(stop),
            _database: database,
        };
        let (_, body, _) = app.gql(None, LOGIN, json!({ "u": "root", "p": TEST_PASSWORD })).await;
        app.token = body["data"]["login"]["accessToken"].as_str().expect("login").to_owned();
        Some(app)
    }

    /// POSTs a GraphQL request; returns the status, the body and how long the answer took.
    async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> (StatusCode, Value, Duration) {
        let started = Instant::now();
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let body = response.json().await.expect("JSON body");
        (status, body, started.elapsed())
    }

    /// `GET /readyz`: the status and how long it took.
    async fn readyz(&self) -> (StatusCode, Duration) {
        let started = Instant::now();
        let response = self.client.get(format!("{}/readyz", self.address)).send().await.expect("sent");
        (response.status(), started.elapsed())
    }
}

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { accessToken } }";

const CREATE_WARD: &str = "mutation($code: String!) {
    createWard(input: { code: $code, name: \"Phường Faults\", province: \"Hà Nội\" }) { code }
}";

fn first_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("<no code>")
}

#[tokio::test]
async fn without_the_database_requests_fail_fast_as_service_unavailable_and_recover_when_it_returns() {
    // Arrange
    let Some(app) = FaultyApp::spawn().await else { return };
    let token = Some(app.token.as_str());
    let (status, body, _) = app.gql(token, ME, json!({})).await;
    assert_eq!((status, &body["data"]["me"]["username"]), (StatusCode::OK, &json!("root")), "{body:#}");
    assert_eq!(app.readyz().await.0, StatusCode::OK);

    // Act: the database goes away.
    app.proxy.switch_off().await;

    // Assert: a query that needs the database (the caller is loaded from it) is a request error.
    let (status, body, took) = app.gql(token, ME, json!({})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body:#}");
    assert_eq!(first_code(&body), "SERVICE_UNAVAILABLE", "{body:#}");
    assert_eq!(body["errors"][0]["message"], "the database is not reachable; try again shortly");
    assert!(body.get("data").is_none_or(Value::is_null), "{body:#}");
    assert!(took < FAIL_FAST, "the query took {took:?} to fail");
    // A write fails the same way.
    let (status, body, took) = app.gql(token, CREATE_WARD, json!({ "code": "F1" })).await;
    assert_eq!((status, first_code(&body)), (StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE"));
    assert!(took < FAIL_FAST, "the mutation took {took:?} to fail");
    // An anonymous login reaches the database in its resolver: a field error with the same code, and
    // with nothing answered, the same status.
    let (status, body, took) = app.gql(None, LOGIN, json!({ "u": "root", "p": TEST_PASSWORD })).await;
    assert_eq!(
        (status, first_code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE"),
        "{body:#}"
    );
    assert!(took < FAIL_FAST, "the login took {took:?} to fail");
    let (status, took) = app.readyz().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(took < FAIL_FAST, "/readyz took {took:?}");

    // Act: the database comes back; the server is the same one.
    app.proxy.switch_on().await;

    // Assert: the very next requests succeed.
    assert_eq!(app.readyz().await.0, StatusCode::OK);
    let (status, body, _) = app.gql(token, ME, json!({})).await;
    assert_eq!((status, &body["data"]["me"]["username"]), (StatusCode::OK, &json!("root")), "{body:#}");
    let (status, body, _) = app.gql(token, CREATE_WARD, json!({ "code": "F1" })).await;
    assert_eq!((status, &body["data"]["createWard"]["code"]), (StatusCode::OK, &json!("F1")), "{body:#}");
    let (_, body, _) = app.gql(None, LOGIN, json!({ "u": "root", "p": TEST_PASSWORD })).await;
    assert!(body["data"]["login"]["accessToken"].is_string(), "{body:#}");
}

#[tokio::test]
async fn the_service_survives_several_outages_in_a_row() {
    let Some(app) = FaultyApp::spawn().await else { return };
    let token = Some(app.token.as_str());
    for round in 0..3 {
        app.proxy.switch_off().await;
        let (status, body, took) = app.gql(token, ME, json!({})).await;
        assert_eq!(
            (status, first_code(&body)),
            (StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE"),
            "round {round}: {body:#}"
        );
        assert!(took < FAIL_FAST, "round {round}: the query took {took:?} to fail");
        app.proxy.switch_on().await;
        let (status, body, _) = app.gql(token, ME, json!({})).await;
        assert_eq!((status, &body["data"]["me"]["username"]), (StatusCode::OK, &json!("root")), "{body:#}");
    }
}
