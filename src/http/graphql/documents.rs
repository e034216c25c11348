//! Documents already parsed, by their text. Clients send the same few operations all day, and parsing
//! one (a PEG parser) cost more than running many of them; a clone of the parsed document is cheap.

use std::{collections::HashMap, sync::Mutex};

use async_graphql::{ServerError, parser::types::ExecutableDocument};

/// Distinct documents kept. Past it the cache starts over: clients' documents are a small fixed set,
/// so only a stream of one-off documents fills it, and those gain nothing from being kept.
const CAPACITY: usize = 512;

/// Parsed documents by text; only documents that parsed are kept.
#[derive(Default)]
pub struct Documents {
    parsed: Mutex<HashMap<String, ExecutableDocument>>,
}

impl Documents {
    /// The document `query` parses to, from the cache or parsed now.
    pub fn parse(&self, query: &str) -> Result<ExecutableDocument, ServerError> {
        if let Some(document) = self.lock().get(query) {
            return Ok(document.clone());
        }
        let document = async_graphql::parser::parse_query(query)?;
        let mut parsed = self.lock();
        if parsed.len() >= CAPACITY {
            parsed.clear();
        }
        parsed.insert(query.to_owned(), document.clone());
        Ok(document)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, ExecutableDocument>> {
        // A panic while holding the lock cannot leave the map half-written in a way that matters.
        self.parsed.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_parses_to_the_same_tree_from_the_cache() {
        let documents = Documents::default();
        let query = "query Q($id: ID!) { household(id: $id) { code } }";
        let first = documents.parse(query).expect("parses");
        let second = documents.parse(query).expect("parses");
        assert_eq!(format!("{first:?}"), format!("{second:?}"));
        assert_eq!(documents.lock().len(), 1);
    }

    #[test]
    fn a_syntax_error_is_reported_every_time_and_not_kept() {
        let documents = Documents::default();
        for _ in 0..2 {
            let error = documents.parse("{ household(").expect_err("a syntax error");
            assert!(error.message.contains("expected"), "{}", error.message);
        }
        assert!(documents.lock().is_empty());
    }

    #[test]
    fn the_cache_starts_over_when_full() {
        let documents = Documents::default();
        for i in 0..=CAPACITY {
            documents.parse(&format!("{{ a{i} }}")).expect("parses");
        }
        assert_eq!(documents.lock().len(), 1);
    }
}
