//! Coverage events for live dashboards (`coverageUpdated`).
//!
//! After a change that moves coverage commits, the service handle publishes which (campaign, group)
//! moved. On PostgreSQL the event goes out with `NOTIFY`, and every server process on the database
//! LISTENs, marks its shared figures stale and forwards what it hears to its own subscribers; on SQLite
//! (one process) it goes straight to them.

use std::{sync::Arc, time::Duration};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::service::Caches;

/// The PostgreSQL channel.
const CHANNEL: &str = "pledge_coverage";

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

/// Publishes and delivers coverage events.
pub struct CoverageBus {
    sender: broadcast::Sender<CoverageEvent>,
    db: DatabaseConnection,
}

impl CoverageBus {
    /// A bus over `db`; on PostgreSQL it starts listening for the events of every process, marking
    /// `caches` stale for each.
    pub fn start(db: DatabaseConnection, caches: Arc<Caches>) -> Arc<Self> {
        let (sender, _) = broadcast::channel(1024);
        let bus = Arc::new(Self { sender, db });
        if bus.db.get_database_backend() == DbBackend::Postgres {
            tokio::spawn(listen(bus.db.clone(), bus.sender.clone(), caches));
        }
        bus
    }

    /// Announces events after their change committed. Best effort: a dashboard that misses one
    /// catches up with the next, or by asking `coverageReport`.
    pub async fn publish(&self, events: impl IntoIterator<Item = CoverageEvent>) {
        let mut events: Vec<CoverageEvent> = events.into_iter().collect();
        events.sort_by_key(|e| (e.campaign_id, e.group_id));
        events.dedup();
        for event in events {
            if self.db.get_database_backend() == DbBackend::Postgres {
                let Ok(payload) = serde_json::to_string(&event) else { continue };
                let notify = Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CHANNEL.into(), payload.into()],
                );
                if let Err(err) = self.db.execute_raw(notify).await {
                    tracing::warn!(error = %err, "could not announce a coverage change");
                }
            } else {
                // No subscriber is not an error.
                let _ = self.sender.send(event);
            }
        }
    }

    /// Events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<CoverageEvent> {
        self.sender.subscribe()
    }
}

/// Forwards the database's notifications to local subscribers, reconnecting when the database goes away.
async fn listen(db: DatabaseConnection, sender: broadcast::Sender<CoverageEvent>, caches: Arc<Caches>) {
    loop {
        let pool = db.get_postgres_connection_pool().clone();
        let Err(err) = forward(&pool, &sender, &caches).await;
        tracing::warn!(error = %err, "coverage listener lost the database; retrying");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn forward(
    pool: &sea_orm::sqlx::PgPool,
    sender: &broadcast::Sender<CoverageEvent>,
    caches: &Caches,
) -> Result<std::convert::Infallible, sea_orm::sqlx::Error> {
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Changes made while the listener was away were not heard: cached figures may be stale.
    caches.moved();
    loop {
        let notification = listener.recv().await?;
        match serde_json::from_str::<CoverageEvent>(notification.payload()) {
            Ok(event) => {
                caches.moved();
                let _ = sender.send(event);
            }
            Err(err) => tracing::warn!(error = %err, "unreadable coverage notification"),
        }
    }
}
