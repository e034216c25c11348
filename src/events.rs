//! Events every server process must hear: coverage that moved (for live dashboards and the shared
//! figures) and sessions that ended (for open WebSocket connections, and any cache of callers).
//!
//! After a change commits, the service handle publishes what it did. On PostgreSQL each event goes out
//! with `NOTIFY`, and every server process on the database LISTENs and forwards what it hears to its own
//! subscribers (marking its shared coverage figures stale first); on SQLite (one process) events go
//! straight to the subscribers. This is the one place that says "this session is over".

use std::{sync::Arc, time::Duration};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::service::Caches;

/// The PostgreSQL channel of coverage events.
const COVERAGE: &str = "pledge_coverage";
/// The PostgreSQL channel of ended sessions.
const SESSIONS: &str = "pledge_sessions";

/// Coverage of a group moved: for one campaign, or for all (`campaign_id` none: a household changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageEvent {
    /// The campaign, or none for every campaign.
    pub campaign_id: Option<Uuid>,
    /// The group.
    pub group_id: Uuid,
    /// Its ward.
    pub ward_id: Uuid,
}

/// Sessions of a user ended: one (`session_id`), or all of them (deactivation, password change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionEnded {
    /// Whose.
    pub user_id: Uuid,
    /// Which session; none for every session of the user.
    pub session_id: Option<Uuid>,
}

impl SessionEnded {
    /// Whether this ends the session `session_id` of `user_id`.
    pub fn ends(&self, user_id: Uuid, session_id: Uuid) -> bool {
        self.user_id == user_id && self.session_id.is_none_or(|s| s == session_id)
    }
}

/// Publishes and delivers events.
pub struct EventBus {
    coverage: broadcast::Sender<CoverageEvent>,
    sessions: broadcast::Sender<SessionEnded>,
    db: DatabaseConnection,
}

impl EventBus {
    /// A bus over `db`; on PostgreSQL it starts listening for the events of every process, marking
    /// `caches` stale for each coverage event.
    pub fn start(db: DatabaseConnection, caches: Arc<Caches>) -> Arc<Self> {
        let bus =
            Arc::new(Self { coverage: broadcast::channel(1024).0, sessions: broadcast::channel(1024).0, db });
        if bus.db.get_database_backend() == DbBackend::Postgres {
            tokio::spawn(listen(bus.clone(), caches));
        }
        bus
    }

    /// Announces coverage changes after they committed. Best effort: a dashboard that misses one
    /// catches up with the next, or by asking `coverageUpdated`'s report again.
    pub async fn publish_coverage(&self, events: impl IntoIterator<Item = CoverageEvent>) {
        let mut events: Vec<CoverageEvent> = events.into_iter().collect();
        events.sort_by_key(|e| (e.campaign_id, e.group_id));
        events.dedup();
        for event in events {
            self.publish(COVERAGE, &self.coverage, event).await;
        }
    }

    /// Announces ended sessions after the revocation committed.
    pub async fn publish_session_ends(&self, ends: impl IntoIterator<Item = SessionEnded>) {
        for end in ends {
            crate::metrics::session_ended();
            self.publish(SESSIONS, &self.sessions, end).await;
        }
    }

    async fn publish<E: Serialize + Clone>(&self, channel: &str, local: &broadcast::Sender<E>, event: E) {
        if self.db.get_database_backend() != DbBackend::Postgres {
            // No subscriber is not an error.
            let _ = local.send(event);
            return;
        }
        let Ok(payload) = serde_json::to_string(&event) else { return };
        let notify = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [channel.into(), payload.into()],
        );
        if let Err(err) = self.db.execute_raw(notify).await {
            tracing::warn!(error = %err, channel, "could not announce an event");
        }
    }

    /// Coverage events from now on.
    pub fn subscribe_coverage(&self) -> broadcast::Receiver<CoverageEvent> {
        self.coverage.subscribe()
    }

    /// Ended sessions from now on.
    pub fn subscribe_sessions(&self) -> broadcast::Receiver<SessionEnded> {
        self.sessions.subscribe()
    }
}

/// Forwards the database's notifications to local subscribers, reconnecting when the database goes away.
async fn listen(bus: Arc<EventBus>, caches: Arc<Caches>) {
    loop {
        let pool = bus.db.get_postgres_connection_pool().clone();
        let Err(err) = forward(&pool, &bus, &caches).await;
        tracing::warn!(error = %err, "event listener lost the database; retrying");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn forward(
    pool: &sea_orm::sqlx::PgPool,
    bus: &EventBus,
    caches: &Caches,
) -> Result<std::convert::Infallible, sea_orm::sqlx::Error> {
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen_all([COVERAGE, SESSIONS]).await?;
    // Changes made while the listener was away were not heard: cached figures may be stale. (Open
    // sockets re-check their sessions on a timer of their own.)
    caches.moved();
    loop {
        let notification = listener.recv().await?;
        if notification.channel() == SESSIONS {
            deliver(&bus.sessions, notification.payload());
        } else {
            caches.moved();
            deliver(&bus.coverage, notification.payload());
        }
    }
}

fn deliver<E: DeserializeOwned>(local: &broadcast::Sender<E>, payload: &str) {
    match serde_json::from_str::<E>(payload) {
        Ok(event) => {
            let _ = local.send(event);
        }
        Err(err) => tracing::warn!(error = %err, "unreadable notification"),
    }
}
