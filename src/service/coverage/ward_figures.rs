//! The per-ward figures of every ward for a campaign, shared by the requests of one process.
//!
//! Aggregating 20,000 groups takes tens of milliseconds however it is written; a province dashboard asks
//! for it again and again while the figures rarely move. So the result is kept and reused until coverage
//! moves: every change that moves a counter bumps a generation (`moved`) before its writer is answered,
//! and a request only reuses figures computed from a generation at least as new as the one it saw on
//! arrival, so it never misses a change acknowledged before it was asked. Changes made by another
//! process arrive by LISTEN/NOTIFY within milliseconds; `MAX_AGE` bounds what a lost notification
//! could hide. One computation runs at a time and the requests waiting for it share its result.

use std::{
    collections::HashMap,
    sync::{
        Arc, LazyLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Totals;

/// Longest figures are reused without any change being heard.
const MAX_AGE: Duration = Duration::from_secs(10);

/// Every ward's totals, by coverage ascending then ward code.
#[derive(Debug)]
pub struct WardFigures {
    /// When they were read.
    pub as_of: DateTime<Utc>,
    /// `(ward, totals)`, sorted.
    pub wards: Vec<(Uuid, Totals)>,
    generation: u64,
    computed: Instant,
}

static GENERATION: AtomicU64 = AtomicU64::new(0);
static CACHE: LazyLock<tokio::sync::Mutex<HashMap<Uuid, Arc<WardFigures>>>> = LazyLock::new(Default::default);

/// Coverage moved somewhere: figures read before now are stale.
pub fn moved() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The figures of `campaign_id`, reused when fresh enough, else read with `compute`.
pub async fn get<F, Fut>(campaign_id: Uuid, compute: F) -> crate::error::AppResult<Arc<WardFigures>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = crate::error::AppResult<Vec<(Uuid, Totals)>>>,
{
    let seen = GENERATION.load(Ordering::SeqCst);
    // Held across the computation: one at a time, and waiting requests then find its result.
    let mut cache = CACHE.lock().await;
    if let Some(figures) = cache.get(&campaign_id)
        && figures.generation >= seen
        && figures.computed.elapsed() < MAX_AGE
    {
        return Ok(figures.clone());
    }
    let generation = GENERATION.load(Ordering::SeqCst);
    let computed = Instant::now();
    let as_of = crate::service::now();
    let wards = compute().await?;
    let figures = Arc::new(WardFigures { as_of, wards, generation, computed });
    cache.insert(campaign_id, figures.clone());
    Ok(figures)
}
