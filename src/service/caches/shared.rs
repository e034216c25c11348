//! Values read from the database once and shared by the requests of one process until what they show
//! moves: the per-ward figures and the whole reports of coverage.
//!
//! Every committed change that moves coverage, or what a report shows, bumps a generation
//! (`Generations::moved`, for its ward) before its writer is answered; changes made by another process
//! arrive the same way by LISTEN/NOTIFY within milliseconds. A request notes the generation of the
//! wards it reads when it arrives, and only reuses a value computed from a generation at least as new,
//! so it never misses a change acknowledged before it was asked. `MAX_AGE` bounds what a lost
//! notification could hide. `reusable` is the one place that decides.
//!
//! One computation of a value runs at a time: the requests that wait for it share its result.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{
        Arc, Mutex, MutexGuard, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use uuid::Uuid;

use crate::error::AppResult;

/// Longest a shared value is reused without any change being heard.
const MAX_AGE: Duration = Duration::from_secs(10);

/// How many wards' generations are kept apart; past it they all start again from the latest.
const WARDS_CAPACITY: usize = 100_000;

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves the data whole, so a panic elsewhere does not poison it.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether shared values may answer at all: this process provably hears every change the others make.
type Gate = Box<dyn Fn() -> bool + Send + Sync>;

/// The generations of what moved: one counter for every change, and per ward the last change in it.
#[derive(Default)]
pub(in crate::service) struct Generations {
    latest: AtomicU64,
    /// The last change that concerned every ward, and the last of each ward.
    moved: Mutex<(u64, HashMap<Uuid, u64>)>,
    /// Set once by the services: without it (tests of the cache alone) values are always reusable.
    gate: OnceLock<Gate>,
}

impl Generations {
    /// Makes reuse depend on `open`.
    pub(in crate::service) fn gate(&self, open: impl Fn() -> bool + Send + Sync + 'static) {
        let _ = self.gate.set(Box::new(open));
    }

    pub(super) fn open(&self) -> bool {
        self.gate.get().is_none_or(|open| open())
    }

    /// Something moved in `ward` (none: anywhere).
    pub(in crate::service) fn moved(&self, ward: Option<Uuid>) {
        let generation = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let mut moved = lock(&self.moved);
        let (everywhere, wards) = &mut *moved;
        match ward {
            None => *everywhere = generation,
            Some(_) if wards.len() >= WARDS_CAPACITY => {
                wards.clear();
                *everywhere = generation;
            }
            Some(ward) => {
                wards.insert(ward, generation);
            }
        }
    }

    /// The generation a value about `wards` (none: every ward) must be at least as new as.
    pub(in crate::service) fn seen(&self, wards: Option<&[Uuid]>) -> u64 {
        let Some(wards) = wards else { return self.latest.load(Ordering::SeqCst) };
        let moved = lock(&self.moved);
        let (everywhere, by_ward) = &*moved;
        wards.iter().filter_map(|ward| by_ward.get(ward)).copied().fold(*everywhere, u64::max)
    }

    /// The generation of a value read from now on.
    pub(super) fn current(&self) -> u64 {
        self.latest.load(Ordering::SeqCst)
    }
}

/// When a shared value was computed.
pub(super) struct Stamp {
    pub(super) generation: u64,
    pub(super) computed: Instant,
}

/// Whether a value computed at `stamp` may answer a request that arrived when the wards it shows were
/// at generation `seen`.
pub(super) fn reusable(stamp: &Stamp, seen: u64) -> bool {
    stamp.generation >= seen && stamp.computed.elapsed() < MAX_AGE
}

/// A value with its stamp; empty until first computed.
type Slot<V> = Arc<tokio::sync::Mutex<Option<(Arc<V>, Stamp)>>>;

struct Held<V> {
    slot: Slot<V>,
    /// What the value weighs against the bound; 0 until it is first computed.
    weight: usize,
    used: Instant,
}

/// Values by key, shared until what they show moves, holding about `max_weight` rows in all.
pub(in crate::service) struct Shared<K, V> {
    held: Mutex<HashMap<K, Held<V>>>,
    max_weight: usize,
}

impl<K: Clone + Eq + Hash, V> Shared<K, V> {
    /// An empty cache holding at most `max_weight` rows.
    pub(in crate::service) fn new(max_weight: usize) -> Self {
        Self { held: Mutex::new(HashMap::new()), max_weight }
    }

    /// The value of `key`, which shows `wards` (none: every ward): reused when fresh, else read with
    /// `compute`, which also says how many rows it holds.
    pub(in crate::service) async fn get<F, Fut>(
        &self,
        generations: &Generations,
        key: K,
        wards: Option<&[Uuid]>,
        compute: F,
    ) -> AppResult<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<(V, usize)>>,
    {
        if !generations.open() {
            // Changes made elsewhere may go unheard: every request reads for itself, side by side.
            return Ok(Arc::new(compute().await?.0));
        }
        let seen = generations.seen(wards);
        let slot = self.slot(&key);
        // Held across the computation: waiting requests then find its result.
        let mut value = slot.lock().await;
        if let Some((value, stamp)) = value.as_ref()
            && reusable(stamp, seen)
        {
            return Ok(value.clone());
        }
        let stamp = Stamp { generation: generations.current(), computed: Instant::now() };
        let (computed, weight) = match compute().await {
            Ok(computed) => computed,
            Err(err) => {
                drop(value);
                self.forget_unfilled(&key, &slot);
                return Err(err);
            }
        };
        let computed = Arc::new(computed);
        *value = Some((computed.clone(), stamp));
        drop(value);
        self.weigh(&key, &slot, weight);
        Ok(computed)
    }

    fn slot(&self, key: &K) -> Slot<V> {
        let mut held = lock(&self.held);
        let entry = held.entry(key.clone()).or_insert_with(|| Held {
            slot: Arc::new(tokio::sync::Mutex::new(None)),
            weight: 0,
            used: Instant::now(),
        });
        entry.used = Instant::now();
        entry.slot.clone()
    }

    /// Forgets `key` if its slot never held a value (its reading failed), so that keys naming
    /// nothing do not pile up.
    fn forget_unfilled(&self, key: &K, slot: &Slot<V>) {
        let mut held = lock(&self.held);
        if held.get(key).is_some_and(|entry| Arc::ptr_eq(&entry.slot, slot) && entry.weight == 0) {
            held.remove(key);
        }
    }

    /// Records what `key`'s new value weighs (one more than its rows, so every value counts), then
    /// forgets the least recently used values, that one last, until what is kept fits.
    fn weigh(&self, key: &K, slot: &Slot<V>, rows: usize) {
        let mut held = lock(&self.held);
        match held.get_mut(key) {
            Some(entry) if Arc::ptr_eq(&entry.slot, slot) => entry.weight = rows + 1,
            // Forgotten meanwhile: the value answers the requests waiting for it, and is not kept.
            _ => return,
        }
        let mut total: usize = held.values().map(|entry| entry.weight).sum();
        while total > self.max_weight {
            let oldest = held
                .iter()
                .filter(|(k, _)| *k != key)
                .min_by_key(|(_, entry)| entry.used)
                .map_or_else(|| key.clone(), |(k, _)| k.clone());
            let Some(forgotten) = held.remove(&oldest) else { break };
            total -= forgotten.weight;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::error::AppError;

    /// Reads of `cache`'s `key` showing `wards`, counted in `reads`; each read returns the count so far.
    async fn get(
        cache: &Shared<&'static str, usize>,
        generations: &Generations,
        key: &'static str,
        wards: Option<&[Uuid]>,
        reads: &AtomicUsize,
    ) -> usize {
        let read = || async { Ok((reads.fetch_add(1, Ordering::SeqCst) + 1, 10)) };
        *cache.get(generations, key, wards, read).await.expect("read")
    }

    #[tokio::test]
    async fn a_value_is_reused_until_its_ward_or_every_ward_moves() {
        let (cache, generations, reads) = (Shared::new(1_000), Generations::default(), AtomicUsize::new(0));
        let (here, elsewhere) = (Uuid::now_v7(), Uuid::now_v7());
        let shown = [here];
        let ward = Some(shown.as_slice());

        assert_eq!(get(&cache, &generations, "ward", ward, &reads).await, 1);
        assert_eq!(get(&cache, &generations, "ward", ward, &reads).await, 1, "nothing moved");
        generations.moved(Some(elsewhere));
        assert_eq!(get(&cache, &generations, "ward", ward, &reads).await, 1, "another ward moved");
        assert_eq!(get(&cache, &generations, "all", None, &reads).await, 2);
        generations.moved(Some(elsewhere));
        assert_eq!(get(&cache, &generations, "all", None, &reads).await, 3, "every ward is shown");
        generations.moved(Some(here));
        assert_eq!(get(&cache, &generations, "ward", ward, &reads).await, 4, "its ward moved");
        generations.moved(None);
        assert_eq!(get(&cache, &generations, "ward", ward, &reads).await, 5, "everything moved");
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept_and_values_over_the_bound_are_forgotten_oldest_first() {
        let (cache, generations, reads) = (Shared::new(25), Generations::default(), AtomicUsize::new(0));
        let failed =
            cache.get(&generations, "missing", None, || async { Err(AppError::internal("no")) }).await;
        assert!(failed.is_err());
        assert!(lock(&cache.held).is_empty(), "a key that failed leaves nothing behind");

        // Each value weighs 11 (10 rows and itself): two fit, a third forgets the least recently used.
        get(&cache, &generations, "a", None, &reads).await;
        get(&cache, &generations, "b", None, &reads).await;
        get(&cache, &generations, "a", None, &reads).await;
        get(&cache, &generations, "c", None, &reads).await;
        let mut kept: Vec<&str> = lock(&cache.held).keys().copied().collect();
        kept.sort_unstable();
        assert_eq!(kept, ["a", "c"]);
    }
}
