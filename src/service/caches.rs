//! What the service layer remembers between requests, owned by `Services` (so a test app has its own):
//! rows that never change once written (a ward, the ward of a group), the caller of each session
//! (`callers.rs`), and what coverage reports read (the per-ward figures of every ward for a campaign,
//! and whole reports with their group rows), reused until coverage moves (see `Shared`), and whole
//! answers to read-only operations, reused until what they read moves (see `answers.rs`).
//!
//! Every cache is bounded: the row caches start again empty when full, which only costs a re-read; the
//! shared reports forget the least recently used first.

use std::{collections::HashMap, hash::Hash, sync::Mutex};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::coverage::{Report, Totals};
use crate::{entities::ward, events::SessionEnded};

mod answers;
mod shared;

use answers::Answers;
pub use answers::{AnswerKey, AnswerStart, Reads};
use shared::Generations;
pub(super) use shared::Shared;

/// The caches of one application.
pub struct Caches {
    /// Wards by id: a ward never changes once created.
    pub(super) wards: Bounded<Uuid, ward::Model>,
    /// The ward of each group: a group never moves.
    pub(super) group_wards: Bounded<Uuid, Uuid>,
    /// What moved when: whether a shared value is still fresh.
    pub(super) generations: Generations,
    /// Per-ward figures of every ward the caller's scope holds, by campaign and scope.
    pub(super) figures: Shared<FiguresKey, WardFigures>,
    /// Whole reports with their group rows (each with its group and ward), by campaign, scope and ward.
    pub(super) reports: Shared<ReportKey, Report>,
    /// Whole answers to read-only operations, by caller, document and variables.
    pub(super) answers: Answers,
    /// The caller of each session.
    pub(super) callers: super::callers::CallerCache,
}

/// At most this many per-ward figures are kept, over every campaign and scope.
const FIGURES_MAX_WARDS: usize = 100_000;
/// At most this many group rows are kept in shared reports (a whole province of 20,000 groups fits
/// several times; about 250 bytes each).
const REPORTS_MAX_GROUPS: usize = 100_000;

impl Default for Caches {
    fn default() -> Self {
        Self {
            wards: Bounded::new(50_000),
            group_wards: Bounded::new(100_000),
            generations: Generations::default(),
            figures: Shared::new(FIGURES_MAX_WARDS),
            reports: Shared::new(REPORTS_MAX_GROUPS),
            answers: Answers::default(),
            callers: Default::default(),
        }
    }
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches").finish_non_exhaustive()
    }
}

impl Caches {
    /// Anything may have moved (another process's events went unheard): every shared value read before
    /// now is stale.
    pub fn moved(&self) {
        self.generations.moved(None);
    }

    /// Coverage or what reports show moved in `ward` (none: anywhere), here or in another process (by
    /// LISTEN/NOTIFY): shared values of that ward read before now are stale.
    pub fn moved_in(&self, ward: Option<Uuid>) {
        self.generations.moved(ward);
    }

    pub(super) fn answers_start(&self) -> AnswerStart {
        Answers::start(&self.generations)
    }

    pub(super) fn kept_answer(&self, key: &AnswerKey) -> Option<bytes::Bytes> {
        self.answers.get(&self.generations, key)
    }

    pub(super) fn keep_answer(&self, key: AnswerKey, start: AnswerStart, reads: Reads, body: bytes::Bytes) {
        self.answers.keep(key, start, reads, body);
    }

    /// Sessions ended (here, or in another process): their callers are forgotten.
    pub fn session_ended(&self, end: &SessionEnded) {
        self.callers.session_ended(end);
    }

    /// This process may have missed events (its listener was away, or stopped hearing itself): nothing
    /// cached from others' writes is trusted.
    pub fn unheard(&self) {
        self.callers.clear();
        self.moved();
    }
}

/// A map that holds at most `capacity` entries.
pub(super) struct Bounded<K, V> {
    entries: Mutex<HashMap<K, V>>,
    capacity: usize,
}

impl<K: Eq + Hash, V: Clone> Bounded<K, V> {
    fn new(capacity: usize) -> Self {
        Self { entries: Mutex::new(HashMap::new()), capacity }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, V>> {
        // A panic while holding the lock cannot leave a half-written map entry behind.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The remembered value of `key`.
    pub(super) fn get(&self, key: &K) -> Option<V> {
        self.lock().get(key).cloned()
    }

    /// Remembers `value` for `key`.
    pub(super) fn insert(&self, key: K, value: V) {
        let mut entries = self.lock();
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key, value);
    }
}

/// Every ward's totals in one scope, by coverage ascending then ward code.
#[derive(Debug)]
pub struct WardFigures {
    /// When they were read.
    pub as_of: DateTime<Utc>,
    /// `(ward, totals)`, sorted.
    pub wards: Vec<(Uuid, Totals)>,
}

/// Which figures: a campaign, and the wards of the scope (none: every ward).
pub(super) type FiguresKey = (Uuid, Option<Vec<Uuid>>);

/// Which report: a campaign, the wards of the scope (none: every ward), and the ward asked for (none:
/// the whole scope).
pub(super) type ReportKey = (Uuid, Option<Vec<Uuid>>, Option<Uuid>);
