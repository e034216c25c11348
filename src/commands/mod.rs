//! What each command of the `pledge-api` command line does; `main.rs` only parses the arguments and
//! calls in here.
//!
//! - `serve.rs`: the API, optionally over the demo data;
//! - `admin.rs`: `create-admin`, `verify-coverage`, `seed-bench`;
//! - `schema.rs`: `export-schema`, `operations` (no database needed).

mod admin;
mod schema;
mod serve;

use std::sync::Arc;

pub use admin::{create_admin, seed_bench, verify_coverage};
pub use schema::{export_schema, print_operations};
pub use serve::serve;
use tracing_subscriber::EnvFilter;

use crate::{
    auth::{Auth, clock::SystemClock},
    config::Settings,
    service::Services,
    startup,
};

/// Logs go to standard output: one JSON object per line in production (for the log collector), text
/// in development.
pub fn init_tracing(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().with_current_span(true).with_span_list(false).init();
    } else {
        builder.init();
    }
}

/// Opens and migrates the database of `settings`.
pub async fn open_database(settings: &Settings) -> Result<sea_orm::DatabaseConnection, String> {
    let db = startup::connect(settings.database_url.expose(), settings.db_max_connections)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    startup::migrate(&db).await.map_err(|e| format!("cannot apply migrations: {e}"))?;
    Ok(db)
}

/// The services of a one-off command (no server): writes it makes still reach running servers'
/// subscribers through the database's event bus.
pub fn command_services(settings: &Settings, db: sea_orm::DatabaseConnection) -> Arc<Services> {
    let auth = Auth::new(&settings.jwt_secret, Arc::new(SystemClock))
        .with_access_lifetime(settings.access_token_lifetime);
    Services::start(db, Arc::new(auth))
}
