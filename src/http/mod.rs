//! The HTTP surface: `/graphql` (POST, and GraphiQL on GET in development), `/exports/…`, `/healthz`,
//! `/readyz`.

mod exports;

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use axum::{
    Router,
    extract::{ConnectInfo, State, WebSocketUpgrade},
    http::{HeaderMap, StatusCode, header::AUTHORIZATION},
    response::{Html, IntoResponse},
    routing::{get, post},
};
use sea_orm::DatabaseConnection;
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer, trace::TraceLayer};

use crate::{
    auth::Auth,
    config::{Environment, Settings},
    error::AppError,
    events::CoverageBus,
    graphql::{AppSchema, Caller, RequestContext},
    service,
};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest a request may run before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Shared state of the HTTP handlers.
pub struct AppState {
    db: DatabaseConnection,
    schema: AppSchema,
    auth: Arc<Auth>,
    bus: Arc<CoverageBus>,
    graphiql: bool,
}

impl AppState {
    /// State for the router.
    pub fn new(db: DatabaseConnection, schema: AppSchema, auth: Arc<Auth>, settings: &Settings) -> Arc<Self> {
        let graphiql = settings.environment == Environment::Development;
        let bus = CoverageBus::start(db.clone());
        Arc::new(Self { db, schema, auth, bus, graphiql })
    }
}

/// The router with every route and the cross-cutting layers.
pub fn router(state: Arc<AppState>) -> Router {
    let graphql_route = if state.graphiql { get(graphiql).post(graphql) } else { post(graphql) };
    Router::new()
        .route("/graphql", graphql_route)
        .route("/graphql/ws", get(graphql_ws))
        .route("/exports/coverage.csv", get(exports::coverage_csv))
        .route("/exports/coverage.xlsx", get(exports::coverage_xlsx))
        .route("/exports/unsigned.csv", get(exports::unsigned_csv))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn graphql(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let caller = match authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(err) => {
            let error = async_graphql::Error::from(err).into_server_error(async_graphql::Pos::default());
            return async_graphql::Response::from_errors(vec![error]).into();
        }
    };
    let context = RequestContext::new(
        caller,
        state.db.clone(),
        state.auth.clone(),
        state.bus.clone(),
        client_address(peer),
    );
    let mut response = state.schema.execute(request.into_inner().data(context)).await;
    for error in &mut response.errors {
        label_document_error(error);
    }
    response.into()
}

/// Errors async-graphql raises itself (syntax, unknown fields, wrong or missing input values) carry no
/// code; every error must. They are all the client's to fix: `BAD_USER_INPUT`, naming the argument
/// when the message does.
fn label_document_error(error: &mut async_graphql::ServerError) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_some() {
        return;
    }
    extensions.set("code", "BAD_USER_INPUT");
    let argument = error
        .message
        .split_once("argument \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(name, _)| name.to_owned());
    if let Some(argument) = argument {
        extensions.set("field", argument);
    }
}

/// graphql-ws (graphql-transport-ws) subscriptions, authenticated by the `connection_init` payload:
/// `{"Authorization": "Bearer <accessToken>"}`.
async fn graphql_ws(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> axum::response::Response {
    let schema = state.schema.clone();
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| {
        GraphQLWebSocket::new(socket, schema, protocol)
            .on_connection_init(move |payload| async move {
                let token = ["Authorization", "authorization"]
                    .iter()
                    .find_map(|key| payload.get(*key).and_then(|v| v.as_str()))
                    .map(str::to_owned)
                    .or_else(|| payload.get("token").and_then(|v| v.as_str()).map(|t| format!("Bearer {t}")));
                let mut headers = HeaderMap::new();
                if let Some(value) = token.and_then(|t| axum::http::HeaderValue::from_str(&t).ok()) {
                    headers.insert(AUTHORIZATION, value);
                }
                let caller = authenticate(&state, &headers).await?;
                if !matches!(caller, Caller::User(_)) {
                    return Err(AppError::Unauthenticated(
                        "send {\"Authorization\": \"Bearer <accessToken>\"} in connection_init",
                    )
                    .into());
                }
                let context = RequestContext::new(
                    caller,
                    state.db.clone(),
                    state.auth.clone(),
                    state.bus.clone(),
                    client_address(peer),
                );
                let mut data = async_graphql::Data::default();
                data.insert(context);
                Ok(data)
            })
            .serve()
    })
}

fn client_address(peer: SocketAddr) -> IpAddr {
    peer.ip()
}

/// Reads `Authorization: Bearer <token>`: no header is anonymous; a header that fails any check
/// (format, signature, algorithm, issuer, audience, expiry, user inactive, token version) is invalid.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, AppError> {
    let Some(header) = headers.get(AUTHORIZATION) else {
        return Ok(Caller::Anonymous);
    };
    let token = header.to_str().ok().and_then(|value| {
        let (scheme, token) = value.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    let Some(claims) = token.and_then(|token| state.auth.keys.verify(token, state.auth.clock.now())) else {
        return Ok(Caller::InvalidToken);
    };
    Ok(match service::user::load_actor(&state.db, claims.sub, claims.ver).await? {
        Some(actor) => Caller::User(Arc::new(actor)),
        None => Caller::InvalidToken,
    })
}

async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").title("pledge-api").finish())
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
