//! Events every server process must hear: coverage that moved (for live dashboards and the shared
//! figures), reports restated without any figure moving (for the shared report rows) and sessions that
//! ended (for open WebSocket connections, and any cache of callers).
//!
//! After a change commits, the service handle publishes what it did. On PostgreSQL each event goes out
//! with `NOTIFY`, and every server process on the database LISTENs and forwards what it hears to its own
//! subscribers (marking its shared coverage figures stale first); on SQLite (one process) events go
//! straight to the subscribers. This is the one place that says "this session is over".
//!
//! An ended session is announced inside the transaction that ended it (so a revocation and its
//! announcement commit together or not at all); coverage after the commit. `presence.rs` tells whether
//! this process hears everything, which caches of others' writes depend on.

mod outbox;
mod presence;

use std::{sync::Arc, time::Duration};

pub use presence::LEASE;
use presence::Presence;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::service::Caches;

/// The PostgreSQL channel of coverage events.
const COVERAGE: &str = "pledge_coverage";
/// The PostgreSQL channel of ended sessions.
const SESSIONS: &str = "pledge_sessions";
/// The PostgreSQL channel of restated reports.
const REPORTS: &str = "pledge_reports";

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

/// What reports show changed though no figure moved (a group renamed or recoded, a campaign changed):
/// the report rows shared between requests are stale. Nobody subscribes to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restated {
    /// The ward whose reports changed; none for every ward.
    pub ward_id: Option<Uuid>,
}

/// Sessions of a user ended: one (`session_id`), or all of them (deactivation), or all but the one a
/// password change just started (`except`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionEnded {
    /// Whose.
    pub user_id: Uuid,
    /// Which session; none for every session of the user.
    pub session_id: Option<Uuid>,
    /// A session of the user that goes on.
    #[serde(default)]
    pub except: Option<Uuid>,
}

impl SessionEnded {
    /// One session of a user ended.
    pub fn one(user_id: Uuid, session_id: Uuid) -> Self {
        Self { user_id, session_id: Some(session_id), except: None }
    }

    /// Every session of a user ended.
    pub fn all(user_id: Uuid) -> Self {
        Self { user_id, session_id: None, except: None }
    }

    /// Every session of a user ended but `kept`.
    pub fn all_but(user_id: Uuid, kept: Uuid) -> Self {
        Self { user_id, session_id: None, except: Some(kept) }
    }

    /// Anything may have ended unheard (the listener was away): every connection should check its
    /// session in the database.
    pub fn unknown() -> Self {
        Self::all(Uuid::nil())
    }

    /// Whether this says that connections must check their sessions again instead of naming them.
    pub fn is_unknown(&self) -> bool {
        self.user_id.is_nil()
    }

    /// Whether this ends the session `session_id` of `user_id`.
    pub fn ends(&self, user_id: Uuid, session_id: Uuid) -> bool {
        self.user_id == user_id
            && self.session_id.is_none_or(|s| s == session_id)
            && self.except != Some(session_id)
    }
}

/// Publishes and delivers events.
pub struct EventBus {
    coverage: broadcast::Sender<CoverageEvent>,
    sessions: broadcast::Sender<SessionEnded>,
    db: DatabaseConnection,
    /// Whether this process hears the other processes' events (always, on SQLite).
    listening: tokio::sync::watch::Sender<bool>,
    /// How current that hearing is, and who else is on the database (PostgreSQL).
    presence: Presence,
    /// Coverage events on their way to every process (PostgreSQL).
    outbox: Option<outbox::Outbox>,
}

impl EventBus {
    /// A bus over `db`; on PostgreSQL it starts listening for the events of every process, marking
    /// `caches` stale for each coverage event.
    pub fn start(db: DatabaseConnection, caches: Arc<Caches>) -> Arc<Self> {
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        let outbox = postgres.then(|| outbox::Outbox::start(db.clone()));
        let bus = Arc::new(Self {
            coverage: broadcast::channel(1024).0,
            sessions: broadcast::channel(1024).0,
            db,
            listening: tokio::sync::watch::channel(!postgres).0,
            presence: Presence::default(),
            outbox,
        });
        if postgres {
            tokio::spawn(listen(bus.clone(), caches.clone()));
            tokio::spawn(ping(bus.clone(), caches));
        }
        bus
    }

    fn postgres(&self) -> bool {
        self.db.get_database_backend() == DbBackend::Postgres
    }

    /// Whether this process may answer from cached callers: it provably hears every session that ends
    /// (always, on SQLite, where there is one process and its cache is cleared before the revoker is
    /// answered).
    pub fn callers_reusable(&self) -> bool {
        !self.postgres() || self.presence.current()
    }

    /// Whether this process may answer from cached coverage figures: it hears everything and no other
    /// process writes (a coverage write is not held back until every process heard it, so with others
    /// on the database figures are read each time).
    pub fn figures_reusable(&self) -> bool {
        !self.postgres() || self.heard_alone()
    }

    /// Whether this process hears every event and no other process is on the database.
    fn heard_alone(&self) -> bool {
        self.presence.current() && self.presence.alone()
    }

    /// Waits, after a session's end was announced, until every other process has heard it or stopped
    /// answering from cached callers: `LEASE`, unless this process knows it is alone.
    pub async fn until_heard_everywhere(&self) {
        if self.postgres() && !self.heard_alone() {
            tokio::time::sleep(LEASE).await;
        }
    }

    /// Waits (at most `within`) until this process hears the other processes' events, so that a
    /// server starts answering only once an ended session would reach it.
    pub async fn listening(&self, within: Duration) -> bool {
        let mut listening = self.listening.subscribe();
        tokio::time::timeout(within, listening.wait_for(|heard| *heard)).await.is_ok_and(|r| r.is_ok())
    }

    /// Announces coverage changes after they committed: on PostgreSQL sent to every process (this one
    /// included) with the other writers' events of the moment, unless this process is alone; on SQLite,
    /// or alone, delivered at once. Best effort: a dashboard that misses
    /// one catches up with the next, or by asking `coverageUpdated`'s report again.
    pub async fn publish_coverage(&self, events: impl IntoIterator<Item = CoverageEvent>) {
        let mut events: Vec<CoverageEvent> = events.into_iter().collect();
        events.sort_by_key(|e| (e.campaign_id, e.group_id));
        events.dedup();
        // Alone on the database, with a current hearing, nobody else needs to hear: a process that
        // starts is heard (its pings) before it answers anything. Its caches were marked by `publish`.
        match &self.outbox {
            Some(outbox) if !self.heard_alone() => outbox.send(events).await,
            _ => {
                for event in events {
                    // No subscriber is not an error.
                    let _ = self.coverage.send(event);
                }
            }
        }
    }

    /// Announces restated reports to the other processes after the change committed (this process
    /// marked its own shared rows stale already).
    pub async fn publish_restated(&self, restated: impl IntoIterator<Item = Restated>) {
        if self.db.get_database_backend() != DbBackend::Postgres {
            return;
        }
        for event in restated {
            self.notify(REPORTS, &event).await;
        }
    }

    /// Delivers ended sessions after the revocation committed: on SQLite to this process's subscribers;
    /// on PostgreSQL `announce_session_end` sent them with the revocation, and every process (this one
    /// included) hears them from the database.
    pub async fn publish_session_ends(&self, ends: impl IntoIterator<Item = SessionEnded>) {
        for end in ends {
            crate::metrics::session_ended();
            if !self.postgres() {
                let _ = self.sessions.send(end);
            }
        }
    }

    async fn notify<E: Serialize>(&self, channel: &str, event: &E) {
        let Ok(payload) = serde_json::to_string(event) else { return };
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

/// Announces, inside the transaction that ends a session, that it ended: on PostgreSQL the notification
/// is delivered to every process when (and only if) the transaction commits. Nothing on SQLite, where the
/// one process delivers it after the commit.
pub async fn announce_session_end(db: &impl ConnectionTrait, end: &SessionEnded) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let payload = serde_json::to_string(end).map_err(|err| DbErr::Custom(err.to_string()))?;
    let notify = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [SESSIONS.into(), payload.into()],
    );
    db.execute_raw(notify).await.map(|_| ())
}

/// Pings this process through the database every `PING_EVERY`, on a connection of its own (a busy pool
/// must not delay it); when the pings stop coming back, forgets what only a current hearing vouched
/// for.
async fn ping(bus: Arc<EventBus>, caches: Arc<Caches>) {
    use sea_orm::sqlx::{Connection, Executor, postgres::PgConnection};
    let mut tick = tokio::time::interval(presence::PING_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut connection: Option<PgConnection> = None;
    loop {
        tick.tick().await;
        if bus.presence.lapsed() {
            bus.presence.lost();
            caches.unheard();
        }
        if connection.is_none() {
            let options = bus.db.get_postgres_connection_pool().connect_options();
            connection = PgConnection::connect_with(&options).await.ok();
        }
        let Some(open) = connection.as_mut() else { continue };
        let payload = bus.presence.next_ping();
        let sent = open
            .execute(sea_orm::sqlx::query("SELECT pg_notify($1, $2)").bind(presence::CHANNEL).bind(payload));
        if sent.await.is_err() {
            connection = None;
        }
    }
}

/// Forwards the database's notifications to local subscribers, reconnecting when the database goes away.
async fn listen(bus: Arc<EventBus>, caches: Arc<Caches>) {
    loop {
        let pool = bus.db.get_postgres_connection_pool().clone();
        let Err(err) = forward(&pool, &bus, &caches).await;
        bus.presence.lost();
        caches.unheard();
        bus.listening.send_replace(false);
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
    listener.listen_all([COVERAGE, SESSIONS, REPORTS, presence::CHANNEL]).await?;
    // What happened while the listener was away was not heard: cached callers and reports may be
    // stale, and open connections check their sessions in the database.
    caches.unheard();
    let _ = bus.sessions.send(SessionEnded::unknown());
    loop {
        let notification = listener.recv().await?;
        match notification.channel() {
            presence::CHANNEL => {
                bus.presence.heard(notification.payload());
                // Ready once a ping of its own came back: the other processes heard it as well, so
                // none of them takes itself to be alone any more.
                if !*bus.listening.borrow() && bus.presence.vouched() {
                    bus.listening.send_replace(true);
                }
            }
            SESSIONS => {
                if let Some(end) = read::<SessionEnded>(notification.payload()) {
                    caches.session_ended(&end);
                    let _ = bus.sessions.send(end);
                }
            }
            // What was shared of the event's ward is stale; an unreadable event may concern any ward.
            REPORTS => {
                let restated = read::<Restated>(notification.payload());
                caches.moved_in(restated.and_then(|r| r.ward_id));
            }
            // A batch (a JSON array), or one event as older processes send it.
            _ => {
                let payload = notification.payload();
                let events = if payload.starts_with('[') {
                    read::<Vec<CoverageEvent>>(payload)
                } else {
                    read::<CoverageEvent>(payload).map(|event| vec![event])
                };
                let Some(events) = events else {
                    caches.moved_in(None);
                    continue;
                };
                for event in events {
                    caches.moved_in(Some(event.ward_id));
                    let _ = bus.coverage.send(event);
                }
            }
        }
    }
}

fn read<E: DeserializeOwned>(payload: &str) -> Option<E> {
    serde_json::from_str(payload).map_err(|err| tracing::warn!(error = %err, "unreadable notification")).ok()
}
