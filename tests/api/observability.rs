//! What operators see: `/metrics` in the Prometheus text format (operations by name and outcome,
//! refusals by reason, failed logins, the database pool), and the logs of the real binary, which are
//! JSON lines tied to a request id and hold no password, token or personal data, at `debug` as at
//! `info`.
//!
//! The metrics recorder is one per process and the tests run side by side, so counters other tests
//! also move are asserted to grow by at least what this test did; counters under an operation name
//! only this file uses are asserted exactly.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Read},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

use chrono::{Datelike, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::{TestApp, login_body, spawn_app},
    http_surface::{Answer, GRAPHQL_RESPONSE, post_json, send},
};

/// One sample of the metrics text: its labels and value.
type Labels = BTreeMap<String, String>;

/// Every sample of the metric `name` in the Prometheus text `text`.
fn samples(text: &str, name: &str) -> Vec<(Labels, f64)> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, labels) = match series.split_once('{') {
                Some((metric, rest)) => (metric, rest.strip_suffix('}')?),
                None => (series, ""),
            };
            if metric != name {
                return None;
            }
            let labels = labels
                .split("\",")
                .filter(|pair| !pair.is_empty())
                .filter_map(|pair| {
                    let (key, value) = pair.split_once("=\"")?;
                    Some((key.to_owned(), value.trim_end_matches('"').to_owned()))
                })
                .collect();
            Some((labels, value.parse().ok()?))
        })
        .collect()
}

/// The value of `name` with exactly `labels`; `None` when there is no such sample.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let wanted: Labels = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    samples(text, name).into_iter().find(|(labels, _)| *labels == wanted).map(|(_, value)| value)
}

/// `GET /metrics`, asserting its status and media type.
async fn metrics(app: &TestApp) -> String {
    let answer = send(app.client.get(format!("{}/metrics", app.address))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type(), "text/plain; version=0.0.4; charset=utf-8");
    answer.text
}

#[tokio::test]
async fn operations_are_counted_by_name_and_outcome() {
    // Arrange
    let app = spawn_app().await;
    let ok = json!({ "query": "query ObservabilityProbe { me { username } }" });
    let refused = json!({ "query": format!(
        "query ObservabilityRefused {{ {} }}",
        (0..21).map(|i| format!("r{i}: me {{ id }}")).collect::<Vec<_>>().join(" ")
    ) });

    // Act
    for _ in 0..2 {
        post_json(&app, Some(&app.admin_token), None, &ok).await;
    }
    let refusal = post_json(&app, Some(&app.admin_token), None, &refused).await;
    let text = metrics(&app).await;

    // Assert
    assert_eq!(refusal.code(), "LIMIT_EXCEEDED");
    let counter = "pledge_graphql_requests_total";
    assert_eq!(sample(&text, counter, &[("operation", "ObservabilityProbe"), ("outcome", "ok")]), Some(2.0));
    assert_eq!(
        sample(&text, counter, &[("operation", "ObservabilityRefused"), ("outcome", "LIMIT_EXCEEDED")]),
        Some(1.0)
    );
    let durations = "pledge_graphql_request_duration_seconds_count";
    assert_eq!(
        sample(&text, durations, &[("operation", "ObservabilityProbe"), ("outcome", "ok")]),
        Some(2.0)
    );
}

#[tokio::test]
async fn refusals_are_counted_by_reason() {
    // Arrange
    let app = spawn_app().await;
    let reason = |text: &str, reason: &str| {
        sample(text, "pledge_requests_refused_total", &[("reason", reason)]).unwrap_or(0.0)
    };
    let before = metrics(&app).await;
    let too_deep = json!({ "query": format!("{{ {} }}", (0..21).map(|i| format!("r{i}: me {{ id }}")).collect::<Vec<_>>().join(" ")) });

    // Act
    post_json(&app, Some(&app.admin_token), None, &too_deep).await;
    post_json(&app, Some(&app.admin_token), Some("text/html"), &json!({ "query": "{ me { id } }" })).await;
    send(app.client.post(format!("{}/graphql", app.address)).body("{}")).await;
    let after = metrics(&app).await;

    // Assert
    for name in ["rootFields", "not_acceptable", "media_type"] {
        assert!(reason(&after, name) >= reason(&before, name) + 1.0, "{name}: {after}");
    }
}

#[tokio::test]
async fn reports_asked_again_are_counted_as_reused() {
    // Arrange
    let app = spawn_app().await;
    let campaign = crate::drive::open_campaign(&app, "Toàn thành phố 2023", None).await;
    let count = |text: &str, outcome: &str| {
        sample(text, "pledge_kept_answers_total", &[("outcome", outcome)]).unwrap_or(0.0)
    };
    let report = "query($c: ID!) { coverageReport(campaignId: $c) { totalHouseholds groups { coverage } } }";
    // On PostgreSQL, once this process provably hears every event (as a caller is remembered).
    app.until_caller_remembered(&app.admin_token).await;
    let before = metrics(&app).await;

    // Act
    for _ in 0..3 {
        app.gql_ok(report, json!({ "c": campaign })).await;
    }
    app.gql_ok("{ me { id } }", json!({})).await;
    let after = metrics(&app).await;

    // Assert
    assert!(count(&after, "computed") >= count(&before, "computed") + 1.0, "{after}");
    assert!(count(&after, "reused") >= count(&before, "reused") + 2.0, "{after}");
}

#[tokio::test]
async fn failed_logins_are_counted_by_reason() {
    // Arrange: a username of this test alone, so its throttle is this test's.
    let app = spawn_app().await;
    let failures = |text: &str, reason: &str| {
        sample(text, "pledge_login_failures_total", &[("reason", reason)]).unwrap_or(0.0)
    };
    let before = metrics(&app).await;

    // Act: five wrong passwords, then the throttle answers the sixth.
    for _ in 0..5 {
        let body = login_body(&app, "nobody.observed", "wrong-password").await;
        assert_eq!(crate::helpers::error_code(&body), "UNAUTHENTICATED");
    }
    let throttled = login_body(&app, "nobody.observed", "wrong-password").await;
    let after = metrics(&app).await;

    // Assert
    assert_eq!(crate::helpers::error_code(&throttled), "RATE_LIMITED");
    assert!(failures(&after, "credentials") >= failures(&before, "credentials") + 5.0, "{after}");
    assert!(failures(&after, "throttled") >= failures(&before, "throttled") + 1.0, "{after}");
}

#[tokio::test]
async fn the_database_pool_is_exposed_as_gauges() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let text = metrics(&app).await;

    // Assert
    let gauge = |name: &str| {
        let value = sample(&text, name, &[]).unwrap_or_else(|| panic!("no {name} in {text}"));
        assert!(value.is_finite() && value >= 0.0, "{name} = {value}");
        value
    };
    assert!(gauge("pledge_db_pool_connections") >= 1.0);
    gauge("pledge_db_pool_idle_connections");
    gauge("pledge_db_pool_in_use_connections");
}

#[tokio::test]
async fn metrics_hold_no_value_a_client_sent() {
    // Arrange
    let app = spawn_app().await;
    let body = json!({
        "query": "query($id: ID!) { ward(id: $id) { id } }",
        "variables": { "id": "Zentharion-Ward-Id" }
    });

    // Act
    post_json(&app, Some(&app.admin_token), Some(GRAPHQL_RESPONSE), &body).await;
    let text = metrics(&app).await;

    // Assert
    assert!(!text.contains("Zentharion"), "{text}");
    assert!(!text.contains(&app.admin_token), "{text}");
}

// ---------------------------------------------------------------------------------------------------
// The real binary's logs.

/// Values that must never reach a log line. Each name and the address carry an ASCII word of their
/// own, so a log that transliterates or escapes them is caught too.
const ADMIN_PASSWORD: &str = "pumpkin-7781-Secret!x";
const WRONG_PASSWORD: &str = "wrong-pass-4411-zebra";
const HEAD_NAME: &str = "Phạm Thị Quorvex";
const ADDRESS: &str = "Số 77 ngõ Plimbat, Lê Hoàn";
const SIGNER_NAME: &str = "Đoàn Minh Zenthor";
const PHONE: &str = "0983 517 246";
/// The phone as the client may write it and as it is stored (`+84…`).
const PHONE_FORMS: [&str; 7] =
    ["0983 517 246", "0983517246", "+84983517246", "84983517246", "983517246", "517 246", "517-246"];
/// A request id the client sends, to find its lines.
const PROBE_REQUEST_ID: &str = "privacy-probe-42";

/// A temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("pledge-logs-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary, configured for a fresh SQLite file under `dir`, JSON logs and `rust_log`; run in `dir`
/// so no `.env` of the repository is read.
fn binary(dir: &TempDir, rust_log: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pledge-api"));
    command
        .current_dir(&dir.0)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", format!("sqlite://{}/pledge.db?mode=rwc", dir.0.display()))
        .env("PLEDGE_LOG_FORMAT", "json")
        .env("RUST_LOG", rust_log)
        .env("PLEDGE_BIND", "127.0.0.1:0")
        .env("PLEDGE_JWT_SECRET", "a-jwt-secret-for-the-log-privacy-test-0123456789")
        .env("PLEDGE_COVERAGE_CHECK_HOURS", "0")
        .env("PLEDGE_ADMIN_PASSWORD", ADMIN_PASSWORD);
    command
}

/// A running server and everything it has written so far.
struct Server {
    child: Child,
    address: String,
    output: Arc<Mutex<String>>,
    stdout_lines: Arc<Mutex<Vec<String>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts `serve` and waits for the line that gives its address.
    fn start(dir: &TempDir, rust_log: &str) -> Self {
        let mut child = binary(dir, rust_log)
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let output = Arc::new(Mutex::new(String::new()));
        let stdout_lines = Arc::new(Mutex::new(Vec::new()));
        let (ready, address) = mpsc::channel::<String>();
        let stdout = child.stdout.take().expect("stdout");
        let (out, lines) = (output.clone(), stdout_lines.clone());
        let stdout_reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let line = line.expect("UTF-8 output");
                if let Some(rest) = line.strip_prefix("pledge-api is ready: open http://") {
                    let _ = ready.send(rest.split('/').next().unwrap_or_default().to_owned());
                }
                out.lock().expect("lock").push_str(&format!("{line}\n"));
                lines.lock().expect("lock").push(line);
            }
        });
        let mut stderr = child.stderr.take().expect("stderr");
        let err = output.clone();
        let stderr_reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            err.lock().expect("lock").push_str(&text);
        });
        let address = match address.recv_timeout(Duration::from_secs(30)) {
            Ok(address) => format!("http://{address}"),
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start: {}", output.lock().expect("lock"));
            }
        };
        Self { child, address, output, stdout_lines, readers: vec![stdout_reader, stderr_reader] }
    }

    /// Stops the server as an orchestrator would (SIGTERM), waits for it, and returns (everything it
    /// wrote, its standard output by line).
    fn stop(mut self) -> (String, Vec<String>) {
        let pid = self.child.id().to_string();
        let signalled = Command::new("kill").args(["-TERM", &pid]).status().is_ok_and(|s| s.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while signalled && std::time::Instant::now() < deadline {
            if self.child.try_wait().expect("wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if self.child.try_wait().expect("wait").is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        for reader in self.readers.drain(..) {
            reader.join().expect("a reader");
        }
        let output = self.output.lock().expect("lock").clone();
        let lines = self.stdout_lines.lock().expect("lock").clone();
        (output, lines)
    }
}

/// POSTs a GraphQL request to the subprocess server.
async fn call(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let mut request =
        client.post(format!("{address}/graphql")).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request sent");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("JSON")
}

/// The campaign year that covers today in Vietnam (a year runs from 1 November of the year before).
fn campaign_year_and_today() -> (i32, String) {
    let today = (Utc::now() + chrono::Duration::hours(7)).date_naive();
    let year = if today.month() >= 11 { today.year() + 1 } else { today.year() };
    (year, today.format("%Y-%m-%d").to_string())
}

/// Drives the server through sign-ins, a household, a pledge and a GET with variables in the URL;
/// returns the tokens it was given and how many GraphQL operations it sent.
async fn exercise(address: &str) -> (Vec<String>, usize) {
    let client = reqwest::Client::new();
    let mut operations = 0;
    let mut gql = async |token: Option<&str>, query: &str, variables: Value| {
        operations += 1;
        call(&client, address, token, query, variables).await
    };
    let login = "mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { accessToken refreshToken } }";
    let wrong = gql(None, login, json!({ "u": "admin", "p": WRONG_PASSWORD })).await;
    assert_eq!(crate::helpers::error_code(&wrong), "UNAUTHENTICATED");
    let session = gql(None, login, json!({ "u": "admin", "p": ADMIN_PASSWORD })).await;
    let refresh = session["data"]["login"]["refreshToken"].as_str().expect("a refresh token").to_owned();
    let refreshed = gql(
        None,
        "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }",
        json!({ "t": refresh }),
    )
    .await;
    let token =
        refreshed["data"]["refreshSession"]["accessToken"].as_str().expect("an access token").to_owned();
    let tokens = vec![
        session["data"]["login"]["accessToken"].as_str().expect("an access token").to_owned(),
        refresh,
        token.clone(),
        refreshed["data"]["refreshSession"]["refreshToken"].as_str().expect("a refresh token").to_owned(),
    ];
    let t = Some(token.as_str());
    let ward = gql(t, "mutation { createWard(input: { code: \"LOG1\", name: \"Phường Lam Sơn\", province: \"Thanh Hóa\" }) { id } }", json!({})).await;
    let ward = ward["data"]["createWard"]["id"].as_str().expect("a ward").to_owned();
    let group = gql(t, "mutation($w: ID!) { createGroup(input: { wardId: $w, code: \"1\", name: \"Tổ dân phố 1\" }) { id } }", json!({ "w": ward })).await;
    let group = group["data"]["createGroup"]["id"].as_str().expect("a group").to_owned();
    let create = "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id phone } }";
    let input = json!({ "groupId": group, "code": "H1", "headName": HEAD_NAME, "address": ADDRESS, "memberCount": 4, "phone": PHONE });
    let household = gql(t, create, json!({ "input": input })).await;
    assert_eq!(household["data"]["createHousehold"]["phone"], "+84983517246", "{household:#}");
    let household = household["data"]["createHousehold"]["id"].as_str().expect("a household").to_owned();
    // The same again is a CONFLICT, and a malformed phone is BAD_USER_INPUT: error paths log too.
    let again = gql(t, create, json!({ "input": input })).await;
    assert_eq!(crate::helpers::error_code(&again), "CONFLICT");
    let bad_phone = json!({ "groupId": group, "code": "H2", "headName": HEAD_NAME, "address": ADDRESS, "memberCount": 4, "phone": "0983-517-246-99" });
    let rejected = gql(t, create, json!({ "input": bad_phone })).await;
    assert_eq!(crate::helpers::error_code(&rejected), "BAD_USER_INPUT");
    let (year, today) = campaign_year_and_today();
    let campaign = gql(
        t,
        "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }",
        json!({ "input": { "year": year, "title": "Toàn dân bảo vệ an ninh Tổ quốc", "pledgeItems": ["Giữ gìn an ninh trật tự"] } }),
    )
    .await;
    let campaign = campaign["data"]["createCampaign"]["id"].as_str().expect("a campaign").to_owned();
    gql(t, "mutation($id: ID!) { openCampaign(id: $id) { status } }", json!({ "id": campaign })).await;
    let pledge = gql(
        t,
        "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { signerName } }",
        json!({ "input": {
            "clientMutationId": Uuid::now_v7().to_string(), "householdId": household, "campaignId": campaign,
            "signerName": SIGNER_NAME, "signedOn": today
        } }),
    )
    .await;
    assert_eq!(pledge["data"]["recordPledge"]["signerName"], SIGNER_NAME, "{pledge:#}");
    // A GET whose URL carries personal data in its variables (one of them unused by the query).
    let variables = json!({ "g": group, "q": "Quorvex", "phone": PHONE }).to_string();
    let answer: Answer = send(
        client
            .get(format!("{address}/graphql"))
            .bearer_auth(&token)
            .header("x-request-id", PROBE_REQUEST_ID)
            .query(&[
                ("query", "query Search($g: ID!, $q: String) { households(groupId: $g, filter: { search: $q }) { edges { node { headName } } } }"),
                ("variables", &variables),
            ]),
    )
    .await;
    operations += 1;
    assert_eq!(
        answer.json()["data"]["households"]["edges"][0]["node"]["headName"],
        HEAD_NAME,
        "{}",
        answer.text
    );
    (tokens, operations)
}

/// Runs `create-admin` and `serve` with `RUST_LOG=rust_log`, exercises the server, and asserts what
/// its logs hold.
async fn assert_private_logs(rust_log: &str) {
    // Arrange
    let dir = TempDir::new();
    let created = binary(&dir, rust_log)
        .args(["create-admin", "--username", "admin"])
        .output()
        .expect("create-admin runs");
    assert!(created.status.success(), "create-admin: {}", String::from_utf8_lossy(&created.stderr));
    let server = Server::start(&dir, rust_log);

    // Act
    let (tokens, operations) = exercise(&server.address).await;
    let (output, stdout_lines) = server.stop();

    // Assert: nothing secret or personal, in either program's output.
    let everything = format!(
        "{}{}{output}",
        String::from_utf8_lossy(&created.stdout),
        String::from_utf8_lossy(&created.stderr)
    );
    let mut forbidden: Vec<&str> = vec![
        ADMIN_PASSWORD,
        WRONG_PASSWORD,
        HEAD_NAME,
        "Quorvex",
        ADDRESS,
        "Plimbat",
        SIGNER_NAME,
        "Zenthor",
    ];
    forbidden.extend(PHONE_FORMS);
    forbidden.extend(tokens.iter().map(String::as_str));
    let found: Vec<&str> = forbidden.into_iter().filter(|secret| everything.contains(secret)).collect();
    assert_eq!(found, Vec::<&str>::new(), "RUST_LOG={rust_log}: found in the output:\n{everything}");

    // Assert: every line is JSON but the start-up banner; lines of a request carry its id.
    let mut answered = Vec::new();
    for line in stdout_lines.iter().filter(|line| !line.is_empty()) {
        if line.starts_with("pledge-api is ready") {
            continue;
        }
        let log: Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("RUST_LOG={rust_log}: not JSON: {line}"));
        assert!(log["level"].is_string() && log["timestamp"].is_string(), "{line}");
        if log["span"]["name"] == "request" {
            let id = log["span"]["request_id"].as_str().unwrap_or_default();
            assert!(
                id == PROBE_REQUEST_ID || Uuid::parse_str(id).is_ok(),
                "RUST_LOG={rust_log}: request id `{id}` in {line}"
            );
        }
        if log["fields"]["message"] == "graphql operation answered" {
            answered.push(log);
        }
    }
    assert_eq!(answered.len(), operations, "RUST_LOG={rust_log}: one line per operation:\n{output}");
    assert!(answered.iter().all(|log| log["span"]["name"] == "request"), "{answered:#?}");
    let probe: Vec<&Value> =
        answered.iter().filter(|log| log["span"]["request_id"] == PROBE_REQUEST_ID).collect();
    assert_eq!(probe.len(), 1, "{answered:#?}");
    assert_eq!(
        (&probe[0]["fields"]["operation"], &probe[0]["span"]["method"]),
        (&json!("Search"), &json!("GET"))
    );
    assert_eq!(probe[0]["span"]["path"], "/graphql", "the path only, never the query string");
}

#[tokio::test]
async fn debug_logs_are_json_lines_with_a_request_id_and_nothing_private() {
    assert_private_logs("debug").await;
}

#[tokio::test]
async fn info_logs_are_json_lines_with_a_request_id_and_nothing_private() {
    assert_private_logs("info").await;
}
