//! The HTTP surface: `/graphql` (GraphQL over HTTP, and GraphiQL in development, with its files under
//! `/graphiql/`), `/graphql/ws`, `/exports/…`, the officials' board at `/` and the leader's page at
//! `/to-dan-pho` (with their files under `/web/`), `/healthz`, `/readyz` and `/metrics`, with the
//! cross-cutting layers: request ids, tracing, timeouts, rate limits, CORS and security headers.

mod exports;
mod fingerprinted;
mod graphiql;
mod graphql;
mod rate_limit;
mod socket;
mod web;

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use axum::{
    Router,
    extract::{ConnectInfo, DefaultBodyLimit, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header, header::AUTHORIZATION},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use crate::{
    config::{HttpSettings, Settings},
    error::AppError,
    graphql::{AppSchema, Caller, guard::Guard, persisted::PersistedOperations},
    service::Services,
};

/// The header carrying the request id, set by the client or made here, and echoed in the answer.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The client address of a request: the peer, or behind a trusted proxy, the address it forwarded.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub IpAddr);

/// What `/graphql` allows, from the settings.
struct GraphqlOptions {
    limits: crate::config::Limits,
    max_batch: usize,
    max_body_bytes: usize,
    introspection: bool,
    graphiql: bool,
    persisted: Arc<PersistedOperations>,
}

/// Shared state of the HTTP handlers.
pub struct AppState {
    services: Arc<Services>,
    /// The schema over HTTP, and over WebSocket (with the guard as an extension).
    schema: AppSchema,
    socket_schema: AppSchema,
    /// The checks every operation passes before it runs.
    guard: Guard,
    graphql: GraphqlOptions,
    /// Documents already parsed, by text.
    documents: graphql::Documents,
    /// Queries learned through Apollo's automatic persisted queries.
    automatic: graphql::AutomaticQueries,
    /// Which operations' answers may be kept.
    answerable: crate::graphql::answerable::Answerable,
    metrics: PrometheusHandle,
    http: HttpSettings,
}

impl AppState {
    /// State for the router, with the built-in registered operations and those of
    /// `settings.http.operations_dir`.
    pub fn new(services: Arc<Services>, settings: &Settings) -> std::io::Result<Arc<Self>> {
        let http = settings.http.clone();
        let persisted = match &http.operations_dir {
            Some(folder) => PersistedOperations::load(folder),
            None => Ok(PersistedOperations::built_in()),
        };
        let persisted = Arc::new(persisted.map_err(std::io::Error::other)?);
        match &http.operations_dir {
            Some(folder) => tracing::info!(
                built_in = persisted.built_in_count(),
                from_folder = persisted.from_folder_count(),
                distinct = persisted.len(),
                folder = %folder.display(),
                "registered operations loaded"
            ),
            None => tracing::info!(built_in = persisted.built_in_count(), "registered operations loaded"),
        }
        if http.leaders_persisted_only && persisted.is_empty() {
            return Err(std::io::Error::other(
                "PLEDGE_LEADERS_PERSISTED_ONLY is on but no operation is registered",
            ));
        }
        let guard = Guard {
            limits: http.limits,
            persisted: persisted.clone(),
            leaders_persisted_only: http.leaders_persisted_only,
            introspection: http.introspection,
        };
        let schema = crate::graphql::schema(http.suggestions);
        let socket_schema = crate::graphql::socket_schema(guard.clone(), http.suggestions);
        let graphql = GraphqlOptions {
            limits: http.limits,
            max_batch: http.max_batch,
            max_body_bytes: http.max_body_bytes,
            introspection: http.introspection,
            graphiql: http.graphiql,
            persisted,
        };
        let metrics = crate::metrics::install();
        let documents = graphql::Documents::default();
        let answerable = crate::graphql::answerable::Answerable::from_sdl(&schema.sdl());
        let automatic = graphql::AutomaticQueries::default();
        let state = Self {
            services,
            schema,
            socket_schema,
            guard,
            graphql,
            documents,
            automatic,
            answerable,
            metrics,
            http,
        };
        Ok(Arc::new(state))
    }
}

/// The router with every route and the cross-cutting layers.
pub fn router(state: Arc<AppState>) -> Router {
    let limiter =
        rate_limit::RateLimiter::start(state.http.rate_limit_per_address, state.http.rate_limit_per_token);
    let limited = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(socket::graphql_ws))
        .route("/exports/coverage.csv", get(exports::coverage_csv))
        .route("/exports/coverage.xlsx", get(exports::coverage_xlsx))
        .route("/exports/unsigned.csv", get(exports::unsigned_csv))
        .route("/exports/unsigned.xlsx", get(exports::unsigned_xlsx))
        .route("/exports/movement-year.xlsx", get(exports::movement_year_xlsx))
        .layer(middleware::from_fn_with_state(limiter, rate_limit::enforce));
    let timeout = state.http.request_timeout;
    let mut router = Router::new().merge(limited).merge(web::routes());
    if state.http.graphiql {
        router = router
            .route(&format!("{}/{{fingerprint}}/{{name}}", graphiql::ASSETS_PATH), get(graphiql::asset));
    }
    let router = router
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(state.http.max_body_bytes))
        .layer(middleware::from_fn(move |request, next| with_timeout(timeout, request, next)))
        .layer(middleware::from_fn_with_state(state.clone(), client_address))
        .layer(cors(&state.http.cors_origins));
    with_security_headers(router)
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
            // The path only: a GET query string may hold variables with personal data.
            tracing::info_span!(
                "request",
                request_id = %id,
                method = %request.method(),
                path = %request.uri().path(),
                operation = tracing::field::Empty,
            )
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Security headers on every answer. The GraphiQL page, the board, the leader's page and their files
/// set their own content policy (this origin only) and cache lifetime, which are kept.
fn with_security_headers(router: Router<Arc<AppState>>) -> Router<Arc<AppState>> {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
    ];
    let mut router = router;
    for (name, value) in fixed {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router
}

/// CORS for the listed origins only; with none, browsers on other origins are not let in.
fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, REQUEST_ID])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// Answers `TIMEOUT` (504) when a request runs longer than the limit; its work is dropped, so an
/// unfinished write rolls back.
async fn with_timeout(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            crate::metrics::refused("timeout");
            AppError::Timeout(limit).into_response()
        }
    }
}

/// Resolves the client address: the peer, or the last address a trusted proxy appended to
/// `X-Forwarded-For`.
async fn client_address(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let address = forwarded_client(peer.ip(), request.headers(), &state.http.trusted_proxies);
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}

/// The client behind `peer`: walks `X-Forwarded-For` from the right while the hop is a trusted proxy.
/// Addresses are compared in canonical form (an IPv4-mapped IPv6 peer is its IPv4 address). A hop that
/// does not read as an address (`unknown`, one with a port) stops the walk at the last proxy that
/// wrote it: everything left of it may have been written by the client.
fn forwarded_client(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|t| t.to_canonical() == address.to_canonical());
    let peer = peer.to_canonical();
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Ok(address) = hop.parse::<IpAddr>().map(|a| a.to_canonical()) else { return client };
        client = address;
        if !is_trusted(&address) {
            return address;
        }
    }
    client
}

/// Reads `Authorization: Bearer <token>`: no header is anonymous; a header that fails any check
/// (format, signature, algorithm, issuer, audience, expiry, user inactive, token version) is invalid.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, AppError> {
    let Some(header) = headers.get(AUTHORIZATION) else {
        return Ok(Caller::Anonymous);
    };
    let Some(token) = header.to_str().ok().and_then(bearer) else { return Ok(Caller::InvalidToken) };
    Ok(match state.services.sessions().authenticate(token).await? {
        Some(actor) => Caller::User(actor),
        None => Caller::InvalidToken,
    })
}

/// The token of an `Authorization` value `Bearer <token>` (the scheme in any case).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn healthz() -> &'static str {
    "ok"
}

async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let body = crate::metrics::render(&state.metrics, state.services.pool_use());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
}

async fn readyz(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    match state.services.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = ?err, "database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(peer: &str, forwarded: &str, trusted: &[&str]) -> String {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(forwarded).expect("a header"));
        let trusted: Vec<IpAddr> = trusted.iter().map(|t| t.parse().expect("an address")).collect();
        forwarded_client(peer.parse().expect("an address"), &headers, &trusted).to_string()
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        assert_eq!(client("10.0.0.1", "198.51.100.7", &["10.0.0.1"]), "198.51.100.7");
        assert_eq!(client("10.0.0.1", "203.0.113.9, 198.51.100.7", &["10.0.0.1"]), "198.51.100.7");
        assert_eq!(client("10.0.0.2", "198.51.100.7", &["10.0.0.1"]), "10.0.0.2", "an untrusted peer");
    }

    #[test]
    fn an_ipv4_mapped_peer_is_its_ipv4_address() {
        assert_eq!(client("::ffff:10.0.0.1", "198.51.100.7", &["10.0.0.1"]), "198.51.100.7");
        assert_eq!(client("::ffff:10.0.0.2", "198.51.100.7", &["10.0.0.1"]), "10.0.0.2");
    }

    #[test]
    fn an_unreadable_hop_stops_the_walk_so_a_forged_one_left_of_it_is_not_believed() {
        assert_eq!(client("10.0.0.1", "203.0.113.9, 198.51.100.7:5678", &["10.0.0.1"]), "10.0.0.1");
        assert_eq!(client("10.0.0.1", "203.0.113.9, unknown", &["10.0.0.1"]), "10.0.0.1");
    }
}
