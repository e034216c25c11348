//! The HTTP surface: `/graphql` (POST, and GraphiQL on GET in development), `/healthz`, `/readyz`.

use std::{sync::Arc, time::Duration};

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse},
    routing::get,
};
use sea_orm::DatabaseConnection;
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer, trace::TraceLayer};

use crate::{
    auth::Actor,
    config::{Environment, Settings},
    graphql::{AppSchema, RequestContext},
};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest a request may run before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    db: DatabaseConnection,
    schema: AppSchema,
    graphiql: bool,
}

impl AppState {
    /// State for the router.
    pub fn new(db: DatabaseConnection, schema: AppSchema, settings: &Settings) -> Arc<Self> {
        Arc::new(Self {
            db,
            schema,
            graphiql: settings.environment == Environment::Development,
        })
    }
}

/// The router with every route and the cross-cutting layers.
pub fn router(state: Arc<AppState>) -> Router {
    let graphql_route = if state.graphiql {
        get(graphiql).post(graphql)
    } else {
        axum::routing::post(graphql)
    };
    Router::new()
        .route("/graphql", graphql_route)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn graphql(State(state): State<Arc<AppState>>, request: GraphQLRequest) -> GraphQLResponse {
    let context = RequestContext::new(Actor::system(), state.db.clone());
    state
        .schema
        .execute(request.into_inner().data(context))
        .await
        .into()
}

async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("pledge-api")
            .finish(),
    )
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
