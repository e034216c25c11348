//! Persisted operations: the documents the mobile app sends, registered by SHA-256 so a request may
//! carry only the hash (Apollo's `persistedQuery` extension), and so group leaders' tokens can be held
//! to exactly these documents.
//!
//! Each `*.graphql` file under the operations folder (default `schema/operations/`) is one document.
//! Its hash is the lowercase hex SHA-256 of the file's text with surrounding whitespace trimmed, which
//! is the text the app must send when it sends the document in full (whitespace around it aside: an
//! app that sends the file as it is, final newline included, sends the same document).

use std::{collections::BTreeMap, path::Path, sync::Arc};

use sha2::{Digest, Sha256};

/// One registered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The file name without `.graphql`.
    pub name: String,
    /// Lowercase hex SHA-256 of `document`.
    pub sha256: String,
    /// The document text.
    pub document: Arc<str>,
}

/// The registered documents, by hash.
#[derive(Debug, Clone, Default)]
pub struct PersistedOperations {
    by_hash: BTreeMap<String, Operation>,
}

/// The lowercase hex SHA-256 of a document, as Apollo clients compute it.
pub fn sha256_hex(document: &str) -> String {
    Sha256::digest(document.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

impl PersistedOperations {
    /// Reads every `*.graphql` file of `folder`. A missing folder registers nothing.
    pub fn load(folder: &Path) -> std::io::Result<Self> {
        let mut operations = Self::default();
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(operations),
            Err(err) => return Err(err),
        };
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_none_or(|ext| ext != "graphql") {
                continue;
            }
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            operations.register(name, &std::fs::read_to_string(&path)?);
        }
        Ok(operations)
    }

    /// Registers one document under `name`.
    pub fn register(&mut self, name: impl Into<String>, text: &str) {
        let document = text.trim();
        let sha256 = sha256_hex(document);
        self.by_hash
            .insert(sha256.clone(), Operation { name: name.into(), sha256, document: document.into() });
    }

    /// The document registered under `sha256`.
    pub fn get(&self, sha256: &str) -> Option<&Operation> {
        self.by_hash.get(&sha256.to_ascii_lowercase())
    }

    /// Whether `document` is, byte for byte once surrounding whitespace is trimmed, a registered one.
    pub fn contains_document(&self, document: &str) -> bool {
        let document = document.trim();
        self.get(&sha256_hex(document)).is_some_and(|op| &*op.document == document)
    }

    /// Every registered document, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Operation> {
        let mut all: Vec<&Operation> = self.by_hash.values().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all.into_iter()
    }

    /// How many documents are registered.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_apollo_clients() {
        // sha256("{ me { id } }"), as computed by `printf '%s' '{ me { id } }' | sha256sum`.
        assert_eq!(
            sha256_hex("{ me { id } }"),
            "c53d78fa4c9c65a93967d42316fcd207fd611c7cac40a103820a866c3e5dd8f5"
        );
    }

    #[test]
    fn documents_are_trimmed_and_found_by_hash_in_either_case() {
        let mut operations = PersistedOperations::default();
        operations.register("Me", "\n{ me { id } }\n");
        let hash = sha256_hex("{ me { id } }");
        assert_eq!(operations.get(&hash.to_uppercase()).map(|op| op.name.as_str()), Some("Me"));
        assert!(operations.contains_document("{ me { id } }"));
        assert!(operations.contains_document("{ me { id } }\n"));
        assert!(!operations.contains_document("{ me {  id } }"));
        assert!(!operations.contains_document("{ me { id username } }"));
    }
}
