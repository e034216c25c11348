//! Prometheus metrics served at `GET /metrics`. Labels hold operation names, outcomes (error codes) and
//! reasons only: never an id, a name, a token or anything a client typed, apart from operation names,
//! which are bounded (see `operation_label`).

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
};

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::DatabaseConnection;

/// Request durations, in seconds: from 1 ms to 10 s, the request timeout.
const DURATION_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
/// Distinct operation names kept as labels; later names count as `other`.
const MAX_OPERATION_LABELS: usize = 200;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder (once; later calls return the same handle).
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&DURATION_BUCKETS)
                .expect("the bucket list is not empty");
            match builder.install_recorder() {
                Ok(handle) => handle,
                // Another recorder is installed (an embedding program's): render our own, empty one.
                Err(_) => PrometheusBuilder::new().build_recorder().handle(),
            }
        })
        .clone()
}

/// A bounded label for a client-chosen operation name: names that look like GraphQL names, up to
/// `MAX_OPERATION_LABELS` distinct ones, so a client cannot grow the metrics without bound.
pub fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name.filter(|n| {
        n.len() <= 64
            && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }) else {
        return "anonymous".into();
    };
    let mut seen = SEEN.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if seen.contains(name) || (seen.len() < MAX_OPERATION_LABELS && seen.insert(name.to_owned())) {
        name.to_owned()
    } else {
        "other".into()
    }
}

/// One GraphQL operation answered: `outcome` is `ok` or the first error's code.
pub fn request(operation: &str, outcome: &str, seconds: f64) {
    let labels = [("operation", operation.to_owned()), ("outcome", outcome.to_owned())];
    metrics::counter!("pledge_graphql_requests_total", &labels).increment(1);
    metrics::histogram!("pledge_graphql_request_duration_seconds", &labels).record(seconds);
}

/// A request refused before it ran: `reason` is a limit, `rate_limited`, `timeout`, `malformed`….
pub fn refused(reason: &'static str) {
    metrics::counter!("pledge_requests_refused_total", "reason" => reason).increment(1);
}

/// A query whose answer may be kept: `reused` (answered from a kept body) or `computed`.
pub fn kept_answer(outcome: &'static str) {
    metrics::counter!("pledge_kept_answers_total", "outcome" => outcome).increment(1);
}

/// A login that failed: `reason` is `credentials` or `throttled`.
pub fn login_failed(reason: &'static str) {
    metrics::counter!("pledge_login_failures_total", "reason" => reason).increment(1);
}

/// A session (or every session of a user) ended before its time: logout, refresh-token reuse,
/// deactivation, password change. Counted where it is announced, once per end.
pub fn session_ended() {
    metrics::counter!("pledge_sessions_ended_total").increment(1);
}

/// An open WebSocket connection closed by the server because its session ended or its token expired:
/// `reason` is `session_ended` or `token_expired`.
pub fn socket_closed(reason: &'static str) {
    metrics::counter!("pledge_websocket_closed_total", "reason" => reason).increment(1);
}

/// Coverage counters that `verify-coverage --repair` (or a repair by an operator) fixed.
pub fn coverage_repaired(counters: usize) {
    metrics::counter!("pledge_coverage_counter_repairs_total").increment(counters as u64);
}

/// The text served at `/metrics`, with the database pool's current use.
pub fn render(handle: &PrometheusHandle, (size, idle): (u32, usize)) -> String {
    metrics::gauge!("pledge_db_pool_connections").set(size as f64);
    metrics::gauge!("pledge_db_pool_idle_connections").set(idle as f64);
    metrics::gauge!("pledge_db_pool_in_use_connections").set((size as usize).saturating_sub(idle) as f64);
    handle.render()
}

/// Open and idle connections of the pool.
pub fn pool_use(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    }
}
