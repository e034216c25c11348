//! Connect, migrate, build the router, bind, serve and shut down gracefully.
//!
//! `Application::build` binds before serving and reports the port, so tests bind port 0 and run many
//! servers side by side.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::serve::{ListenerExt, TapIo};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use tokio::net::{TcpListener, TcpStream};

use crate::{
    auth::{
        Auth,
        clock::{Clock, SystemClock},
    },
    config::Settings,
    http,
    service::Services,
};

/// How long a request waits for a database connection before it answers `SERVICE_UNAVAILABLE`. Short, so
/// that while the database is away requests fail fast instead of piling up until the request timeout;
/// sqlx keeps retrying a refused connection within it, so a database that is just restarting still
/// gets through.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Opens the database pool for `url`, creating the folder of a SQLite file first.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if url.starts_with("sqlite:") && !in_memory {
        create_sqlite_folder(url)?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).connect_timeout(ACQUIRE_TIMEOUT).acquire_timeout(ACQUIRE_TIMEOUT);
    if in_memory {
        // Every connection to an in-memory SQLite database is a database of its own: keep exactly one.
        options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None);
    } else {
        options.max_connections(max_connections);
    }
    if url.starts_with("sqlite:") {
        options.map_sqlx_sqlite_opts(|o| {
            o.foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
        });
    }
    Database::connect(options).await
}

fn create_sqlite_folder(url: &str) -> Result<(), DbErr> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| DbErr::Custom(format!("cannot create the folder {}: {e}", parent.display())))?;
    }
    Ok(())
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// A bound, ready-to-serve instance of the service.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    services: Arc<Services>,
}

impl Application {
    /// Builds the router over `db` and binds `settings.bind` (port 0 picks a free port).
    pub async fn build(settings: &Settings, db: DatabaseConnection) -> std::io::Result<Self> {
        Self::build_with_clock(settings, db, Arc::new(SystemClock)).await
    }

    /// Like `build`, with the clock tokens and throttling read (tests move it forward).
    pub async fn build_with_clock(
        settings: &Settings,
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<Self> {
        let auth = Arc::new(
            Auth::new(&settings.jwt_secret, clock).with_access_lifetime(settings.access_token_lifetime),
        );
        let services = Services::start(db, auth.clone());
        if !services.listening(Duration::from_secs(5)).await {
            tracing::warn!("not yet hearing other server processes' events; serving anyway and retrying");
        }
        if let Some(interval) = settings.coverage_check_interval {
            tokio::spawn(services.clone().check_coverage_periodically(interval));
        }
        let state = http::AppState::new(services.clone(), settings)?;
        let router = http::router(state);
        let listener = TcpListener::bind(settings.bind).await?;
        Ok(Self { listener, router, services })
    }

    /// The authentication state (tests count password verifications through it).
    pub fn auth(&self) -> Arc<Auth> {
        self.services.auth().clone()
    }

    /// The services the application runs on (tests and tools reach the service layer through them).
    pub fn services(&self) -> Arc<Services> {
        self.services.clone()
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until SIGTERM or Ctrl-C; requests in flight then finish before this returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(no_delay(self.listener), self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
    }

    /// Serves until `stop` resolves (tests use this instead of signals).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(no_delay(self.listener), self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(stop)
            .await
    }
}

/// The listener with Nagle's algorithm off on every connection. A large answer leaves in several
/// segments; with Nagle on, its last short segment waited for the client's delayed acknowledgement (up to
/// 40 ms), which paced the whole-city report while the processor idled.
fn no_delay(listener: TcpListener) -> TapIo<TcpListener, fn(&mut TcpStream)> {
    listener.tap_io(set_no_delay)
}

fn set_no_delay(stream: &mut TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "could not turn Nagle's algorithm off on a connection");
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
