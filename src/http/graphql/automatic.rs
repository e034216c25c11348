//! Automatic persisted queries (Apollo's protocol): a client sends a query's hash alone; on
//! `PERSISTED_QUERY_NOT_FOUND` it sends the hash with the query, which is checked against the hash, run,
//! and remembered here, so that the next send of the hash alone runs it. Kept per process: a client
//! that reaches another process gets one more miss and sends the query again, as the protocol expects.

use std::{collections::HashMap, sync::Arc, sync::Mutex};

/// Distinct queries kept, and their total size. Past either the store starts over: apps send a small
/// fixed set of documents, so only a stream of one-off documents fills it.
const CAPACITY: usize = 1024;
const MAX_BYTES: usize = 8 * 1024 * 1024;

/// Queries learned from requests that sent them with their hash, by lowercase hex SHA-256.
#[derive(Default)]
pub struct AutomaticQueries {
    learned: Mutex<Learned>,
}

#[derive(Default)]
struct Learned {
    by_hash: HashMap<String, Arc<str>>,
    bytes: usize,
}

impl AutomaticQueries {
    /// The query learned under `hash`.
    pub fn get(&self, hash: &str) -> Option<Arc<str>> {
        self.lock().by_hash.get(hash).cloned()
    }

    /// Remembers `query` under `hash`, which the caller has checked is its SHA-256.
    pub fn remember(&self, hash: &str, query: &str) {
        let mut learned = self.lock();
        if learned.by_hash.contains_key(hash) {
            return;
        }
        if learned.by_hash.len() >= CAPACITY || learned.bytes + query.len() > MAX_BYTES {
            *learned = Learned::default();
        }
        learned.bytes += query.len();
        learned.by_hash.insert(hash.to_owned(), query.into());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Learned> {
        // A panic while holding the lock leaves at worst a query not remembered.
        self.learned.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_query_is_found_by_its_hash() {
        let queries = AutomaticQueries::default();
        assert!(queries.get("ab").is_none());
        queries.remember("ab", "{ me { id } }");
        assert_eq!(queries.get("ab").as_deref(), Some("{ me { id } }"));
    }

    #[test]
    fn the_store_starts_over_when_full() {
        let queries = AutomaticQueries::default();
        for i in 0..=CAPACITY {
            queries.remember(&format!("{i:x}"), "{ me { id } }");
        }
        assert_eq!(queries.lock().by_hash.len(), 1);
        queries.remember("big", &"x".repeat(MAX_BYTES));
        assert_eq!(queries.lock().by_hash.len(), 1, "a query past the byte budget starts it over");
    }
}
