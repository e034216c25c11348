//! The one way into the service layer from above: `Services`, built once per application, and `Scope`,
//! built once per request from the caller.
//!
//! `Services` owns the database, the authentication state, the caches and the coverage event bus; it
//! is what `AppState` holds, and a test app gets its own. `Scope` is `Services` seen by one actor:
//! every read and write is reached through it (`scope.households().get(id)`), and each applies the
//! actor's scope in its query. The connection and the entities are not reachable from `graphql` or
//! `http`; `tests/api/architecture.rs` holds them to it.
//!
//! Writes that move coverage report what moved; the handle publishes it after the commit, once, which
//! also makes the shared reports and per-ward figures of its ward stale (see `Services::publish`).
//!
//! - `hierarchy.rs`: wards, groups and households;
//! - `drive.rs`: campaigns, pledges, coverage and good deeds;
//! - `accounts.rs`: users, sessions, the audit trail and the change feed;
//! - `incidents.rs`: the ward police's incident statistics;
//! - `movement.rs`: self-management models, awards and movement events;
//! - `surveys.rs`: residents' satisfaction surveys, their ballots and results;
//! - `assessments.rs`: each ward's settings and the officials' assessments of its groups;
//! - `nodes.rs`: objects of any kind by id (`node`, `nodes`);
//! - `year_report.rs`: the year-end report of a ward's movement year.

mod accounts;
mod assessments;
mod drive;
mod hierarchy;
mod incidents;
mod movement;
mod nodes;
mod surveys;
mod year_report;

use std::sync::Arc;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;
use uuid::Uuid;

pub use self::{
    accounts::{Audit, Changes, Sessions, Users},
    assessments::{Assessments, Settings},
    drive::{Campaigns, Coverage, GoodDeeds, Pledges},
    hierarchy::{Groups, Households, Wards},
    incidents::Incidents,
    movement::{Awards, MovementEvents, SelfManagementModels},
    nodes::{NodeRecord, Nodes},
    surveys::Surveys,
    year_report::YearReports,
};
use super::caches::{AnswerKey, AnswerStart, Caches, Reads};
use crate::{
    auth::{Actor, Auth},
    error::AppResult,
    events::{CoverageEvent, EventBus, Restated, SessionEnded},
};

/// What every request shares: the database, authentication, caches and the coverage event bus.
pub struct Services {
    db: DatabaseConnection,
    auth: Arc<Auth>,
    caches: Arc<Caches>,
    bus: Arc<EventBus>,
    /// Single pledges recorded together (PostgreSQL).
    pub(in crate::service) pledge_queue: Option<super::pledge::PledgeQueue>,
}

impl Services {
    /// The services over `db`; on PostgreSQL this starts listening for other processes' coverage events.
    pub fn start(db: DatabaseConnection, auth: Arc<Auth>) -> Arc<Self> {
        let caches = Arc::new(Caches::default());
        let bus = EventBus::start(db.clone(), caches.clone());
        let hearing = Arc::downgrade(&bus);
        caches.generations.gate(move || hearing.upgrade().is_some_and(|bus| bus.figures_reusable()));
        let postgres = db.get_database_backend() == sea_orm::DbBackend::Postgres;
        let pledge_queue = postgres.then(|| super::pledge::PledgeQueue::start(db.clone()));
        Arc::new(Self { db, auth, caches, bus, pledge_queue })
    }

    /// The services seen by `actor`.
    pub fn scope(self: &Arc<Self>, actor: Arc<Actor>) -> Scope {
        Scope { services: self.clone(), actor }
    }

    /// The services seen by the system itself (command-line tools, the periodic coverage check).
    pub fn system(self: &Arc<Self>) -> Scope {
        self.scope(Arc::new(Actor::system()))
    }

    /// Waits (at most `within`) until this process hears other processes' events; false if it does not
    /// yet (the database is away: it keeps trying).
    pub async fn listening(&self, within: std::time::Duration) -> bool {
        self.bus.listening(within).await
    }

    /// Signing in, refreshing and checking tokens: what runs before there is a caller.
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions(self)
    }

    /// The authentication state (token keys, passwords, throttling, clock).
    pub fn auth(&self) -> &Arc<Auth> {
        &self.auth
    }

    /// Today in Vietnam, by the service's clock.
    pub fn today(&self) -> NaiveDate {
        crate::domain::campaign::local_today(self.auth.clock.now())
    }

    /// Coverage events from now on (for `coverageUpdated`).
    pub fn subscribe(&self) -> broadcast::Receiver<CoverageEvent> {
        self.bus.subscribe_coverage()
    }

    /// Ended sessions from now on, heard from every server process (for open WebSocket connections).
    pub fn subscribe_session_ends(&self) -> broadcast::Receiver<SessionEnded> {
        self.bus.subscribe_sessions()
    }

    /// Stamps an answer to a read-only operation about to be computed, for `keep_answer`.
    pub fn answer_start(&self) -> AnswerStart {
        self.caches.answers_start()
    }

    /// The answer kept for `key`, if nothing it read moved since it was computed.
    pub fn kept_answer(&self, key: &AnswerKey) -> Option<bytes::Bytes> {
        self.caches.kept_answer(key)
    }

    /// Keeps `body`, the answer of `key` computed from `start`, if what it read lets it be reused.
    pub fn keep_answer(&self, key: AnswerKey, start: AnswerStart, reads: Reads, body: bytes::Bytes) {
        self.caches.keep_answer(key, start, reads, body);
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> AppResult<()> {
        Ok(self.db.ping().await?)
    }

    /// Open and idle connections of the pool, for `/metrics`.
    pub fn pool_use(&self) -> (u32, usize) {
        crate::metrics::pool_use(&self.db)
    }

    /// Recomputes every coverage counter from the raw rows and lists the differences; with `repair`,
    /// fixes them in one transaction and publishes the groups that moved.
    pub async fn verify_coverage(&self, repair: bool) -> AppResult<Vec<super::coverage::Drift>> {
        let (drifts, moved) = super::coverage::verify(&self.db, &self.caches, repair).await?;
        self.publish(Written::new((), moved)).await;
        Ok(drifts)
    }

    /// Recomputes the coverage counters every `interval` and repairs drift (counted in `/metrics` as
    /// `pledge_coverage_counter_repairs_total`, audited as `coverage.repair`). Drift means a bug: it
    /// is logged as an error.
    pub async fn check_coverage_periodically(self: Arc<Self>, interval: std::time::Duration) {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        loop {
            tick.tick().await;
            match self.verify_coverage(true).await {
                Ok(drifts) if drifts.is_empty() => tracing::info!("coverage counters verified"),
                Ok(drifts) => {
                    tracing::error!(repaired = drifts.len(), "coverage counters had drifted; repaired")
                }
                Err(err) => tracing::warn!(code = err.code().as_str(), "coverage check failed; will retry"),
            }
        }
    }

    /// Announces what a committed change did, before its writer is answered: coverage it moved (the
    /// shared reports and figures of its wards become stale, and subscribers in every process hear of
    /// each group once), reports it restated without moving a figure (stale too, in every process) and
    /// sessions it ended (their open connections close, in every process).
    async fn publish<T>(&self, written: Written<T>) -> T {
        let Written { value, moved, restated, ended } = written;
        for event in &moved.0 {
            self.caches.moved_in(Some(event.ward_id));
        }
        for event in &restated {
            self.caches.moved_in(event.ward_id);
        }
        for end in &ended {
            self.caches.session_ended(end);
        }
        let ends_sessions = !ended.is_empty();
        let coverage = moved.0;
        if coverage.is_empty() && restated.is_empty() && ended.is_empty() {
            return value;
        }
        // On a task of its own: a client that hangs up (or a timeout) after the commit must not cancel
        // the announcement of what the commit did.
        let bus = self.bus.clone();
        let announcing = tokio::spawn(async move {
            bus.publish_coverage(coverage).await;
            bus.publish_restated(restated).await;
            bus.publish_session_ends(ended).await;
        });
        if let Err(err) = announcing.await {
            tracing::error!(error = %err, "announcing a committed change failed");
        }
        if ends_sessions {
            // Whoever ended a session learns it is over only once no process answers as it any more.
            self.bus.until_heard_everywhere().await;
        }
        value
    }
}

/// The services as one actor sees them: every read and write applies the actor's scope.
#[derive(Clone)]
pub struct Scope {
    services: Arc<Services>,
    actor: Arc<Actor>,
}

impl Scope {
    /// Who is acting.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The shared services.
    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    fn db(&self) -> &DatabaseConnection {
        &self.services.db
    }

    fn caches(&self) -> &Caches {
        &self.services.caches
    }

    /// Wards.
    pub fn wards(&self) -> Wards<'_> {
        Wards(self)
    }

    /// Residential groups.
    pub fn groups(&self) -> Groups<'_> {
        Groups(self)
    }

    /// Households.
    pub fn households(&self) -> Households<'_> {
        Households(self)
    }

    /// Campaigns.
    pub fn campaigns(&self) -> Campaigns<'_> {
        Campaigns(self)
    }

    /// Pledges.
    pub fn pledges(&self) -> Pledges<'_> {
        Pledges(self)
    }

    /// Coverage reports.
    pub fn coverage(&self) -> Coverage<'_> {
        Coverage(self)
    }

    /// Good deeds.
    pub fn good_deeds(&self) -> GoodDeeds<'_> {
        GoodDeeds(self)
    }

    /// Residents' satisfaction surveys.
    pub fn surveys(&self) -> Surveys<'_> {
        Surveys(self)
    }

    /// Users and their roles.
    pub fn users(&self) -> Users<'_> {
        Users(self)
    }

    /// The audit trail.
    pub fn audit(&self) -> Audit<'_> {
        Audit(self)
    }

    /// The change feed of mobile delta sync.
    pub fn changes(&self) -> Changes<'_> {
        Changes(self)
    }

    /// Incident statistics.
    pub fn incidents(&self) -> Incidents<'_> {
        Incidents(self)
    }

    /// Self-management models.
    pub fn self_management_models(&self) -> SelfManagementModels<'_> {
        SelfManagementModels(self)
    }

    /// Awards.
    pub fn awards(&self) -> Awards<'_> {
        Awards(self)
    }

    /// Festival days, forums and other movement events.
    pub fn movement_events(&self) -> MovementEvents<'_> {
        MovementEvents(self)
    }

    /// Wards' own settings: when their movement year begins, the scale their groups are assessed on.
    pub fn ward_settings(&self) -> Settings<'_> {
        Settings(self)
    }

    /// The officials' assessments of residential groups.
    pub fn assessments(&self) -> Assessments<'_> {
        Assessments(self)
    }

    /// Objects of any kind by id.
    pub fn nodes(&self) -> Nodes<'_> {
        Nodes(self)
    }

    /// Year-end reports of a ward's movement year.
    pub fn year_reports(&self) -> YearReports<'_> {
        YearReports(self)
    }

    /// Publishes what a committed write did, and hands back its result.
    async fn published<T>(&self, written: Written<T>) -> T {
        self.services.publish(written).await
    }
}

/// The coverage a committed change moved: (campaign, or every campaign; group; ward) rows.
#[derive(Debug, Default)]
pub struct Moved(Vec<CoverageEvent>);

impl Moved {
    /// Nothing moved.
    pub fn nothing() -> Self {
        Self::default()
    }

    /// The group `group_id` of ward `ward_id` moved, for `campaign_id` or (none) every campaign.
    pub fn group(campaign_id: Option<Uuid>, group_id: Uuid, ward_id: Uuid) -> Self {
        Self(vec![CoverageEvent { campaign_id, group_id, ward_id }])
    }

    /// Adds what `other` moved.
    pub fn add(&mut self, other: Moved) {
        self.0.extend(other.0);
    }
}

/// A write's result and what it did that others must hear of, returned by a service once its
/// transaction committed.
#[derive(Debug)]
pub struct Written<T> {
    /// What the write returns to its caller.
    pub value: T,
    /// The coverage it moved.
    pub moved: Moved,
    /// What it changed in reports without moving a figure.
    pub restated: Vec<Restated>,
    /// The sessions it ended.
    pub ended: Vec<SessionEnded>,
}

impl<T> Written<T> {
    /// A write that moved `moved`.
    pub fn new(value: T, moved: Moved) -> Self {
        Self { value, moved, restated: Vec::new(), ended: Vec::new() }
    }

    /// A write that changed what the reports of `ward_id` (none: every ward) show, though no figure
    /// moved.
    pub fn restating(value: T, ward_id: Option<Uuid>) -> Self {
        Self { restated: vec![Restated { ward_id }], ..Self::quiet(value) }
    }

    /// A write that others need not hear of.
    pub fn quiet(value: T) -> Self {
        Self::new(value, Moved::nothing())
    }

    /// The same write, which also ended `ended`.
    pub fn ending(mut self, ended: SessionEnded) -> Self {
        self.ended.push(ended);
        self
    }
}
