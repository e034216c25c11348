//! What the service layer remembers between requests, owned by `Services` (so a test app has its own):
//! rows that never change once written (a ward, the ward of a group), the caller of each session
//! (`callers.rs`), and the per-ward figures of every ward for a campaign, reused until coverage moves.
//!
//! Every cache is bounded: when one is full it starts again empty, which only costs a re-read.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::coverage::Totals;
use crate::{entities::ward, error::AppResult, events::SessionEnded};

/// The caches of one application.
pub struct Caches {
    /// Wards by id: a ward never changes once created.
    pub(super) wards: Bounded<Uuid, ward::Model>,
    /// The ward of each group: a group never moves.
    pub(super) group_wards: Bounded<Uuid, Uuid>,
    /// Per-ward figures of every ward the caller's scope holds, by campaign and scope.
    pub(super) figures: FiguresCache,
    /// The caller of each session.
    pub(super) callers: super::callers::CallerCache,
}

impl Default for Caches {
    fn default() -> Self {
        Self {
            wards: Bounded::new(50_000),
            group_wards: Bounded::new(100_000),
            figures: FiguresCache::default(),
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
    /// Coverage moved somewhere (here, or in another process by LISTEN/NOTIFY): figures read before
    /// now are stale.
    pub fn moved(&self) {
        self.figures.moved();
    }

    /// Sessions ended (here, or in another process): their callers are forgotten.
    pub fn session_ended(&self, end: &SessionEnded) {
        self.callers.session_ended(end);
    }

    /// This process may have missed events (its listener was away, or stopped hearing itself): nothing
    /// cached from others' writes is trusted.
    pub fn unheard(&self) {
        self.callers.clear();
        self.figures.moved();
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

/// Longest per-ward figures are reused without any change being heard.
const FIGURES_MAX_AGE: Duration = Duration::from_secs(10);

/// How many (campaign, scope) figure sets are kept.
const FIGURES_CAPACITY: usize = 256;

/// Every ward's totals in one scope, by coverage ascending then ward code.
#[derive(Debug)]
pub struct WardFigures {
    /// When they were read.
    pub as_of: DateTime<Utc>,
    /// `(ward, totals)`, sorted.
    pub wards: Vec<(Uuid, Totals)>,
    generation: u64,
    computed: Instant,
}

/// Which figures: a campaign, and the wards of the scope (none: every ward).
pub(super) type FiguresKey = (Uuid, Option<Vec<Uuid>>);

/// Per-ward figures shared by the requests of one process.
///
/// Aggregating 20,000 groups takes tens of milliseconds however it is written; a province dashboard asks
/// for it again and again while the figures rarely move. So a result is reused until coverage moves:
/// every change that moves a counter bumps a generation (`moved`) before its writer is answered, and a
/// request only reuses figures computed from a generation at least as new as the one it saw on
/// arrival, so it never misses a change acknowledged before it was asked. Changes made by another
/// process arrive by LISTEN/NOTIFY within milliseconds; `FIGURES_MAX_AGE` bounds what a lost
/// notification could hide. One computation runs at a time and the requests waiting for it share its
/// result.
#[derive(Default)]
pub(super) struct FiguresCache {
    generation: AtomicU64,
    sets: tokio::sync::Mutex<HashMap<FiguresKey, Arc<WardFigures>>>,
}

impl FiguresCache {
    /// Coverage moved: figures read before now are stale.
    pub(super) fn moved(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The figures of `key`, reused when fresh enough, else read with `compute`.
    pub(super) async fn get<F, Fut>(&self, key: FiguresKey, compute: F) -> AppResult<Arc<WardFigures>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = AppResult<Vec<(Uuid, Totals)>>>,
    {
        let seen = self.generation.load(Ordering::SeqCst);
        // Held across the computation: one at a time, and waiting requests then find its result.
        let mut sets = self.sets.lock().await;
        if let Some(figures) = sets.get(&key)
            && figures.generation >= seen
            && figures.computed.elapsed() < FIGURES_MAX_AGE
        {
            return Ok(figures.clone());
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let computed = Instant::now();
        let as_of = super::now();
        let wards = compute().await?;
        let figures = Arc::new(WardFigures { as_of, wards, generation, computed });
        if sets.len() >= FIGURES_CAPACITY {
            sets.clear();
        }
        sets.insert(key, figures.clone());
        Ok(figures)
    }
}
