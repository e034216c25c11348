//! Persisted operations: the documents the apps send, registered under an id so a request may carry only
//! the id, and so group leaders' tokens can be held to exactly these documents (a safelist).
//!
//! Three sources, merged:
//! - the operations of the leaders' app, compiled into the binary from `schema/operations/` (always);
//! - each `*.graphql` file of the operations folder (`PLEDGE_OPERATIONS_DIR`), one document a file,
//!   registered under the SHA-256 of its text with surrounding whitespace trimmed;
//! - each `*.json` file of that folder: a manifest as Apollo's `generate-persisted-query-manifest`
//!   writes it, or a `persisted_queries.json` as relay-compiler writes it (`{ "<id>": "<text>" }`).
//!
//! The files under `schema/operations/` are written exactly as Apollo Client prints them (with
//! `__typename` in every selection but the root), so the hash Apollo's persisted-queries link computes
//! is the hash they are registered under.

mod built_in;
mod manifest;

use std::{collections::BTreeMap, path::Path, sync::Arc};

use sha2::{Digest, Sha256};

pub use self::manifest::{ManifestFormat, print_manifest};

/// What kind of operation a document is, as Apollo's manifest names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// A read.
    Query,
    /// A write.
    Mutation,
    /// A stream of events (over WebSocket).
    Subscription,
}

impl OperationKind {
    /// `query`, `mutation` or `subscription`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Mutation => "mutation",
            Self::Subscription => "subscription",
        }
    }
}

/// One registered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The id a client sends: the SHA-256 of `document` unless a manifest gave another.
    pub id: String,
    /// The operation's name (for a file, the file name without `.graphql`).
    pub name: String,
    /// Query, mutation or subscription.
    pub kind: OperationKind,
    /// The document text, trimmed.
    pub document: Arc<str>,
}

/// A document that cannot be registered, with where it came from.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder or a file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The folder or file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file holds something that is not a registrable document or manifest.
    #[error("{path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// The registered documents, by id and by the hash of their text.
#[derive(Debug, Clone, Default)]
pub struct PersistedOperations {
    by_id: BTreeMap<String, Operation>,
    /// SHA-256 of each registered text, whatever id it is registered under.
    texts: BTreeMap<String, Arc<str>>,
    built_in: usize,
    /// Documents read from the folder's files (some may repeat built-in ones).
    from_folder: usize,
}

/// The lowercase hex SHA-256 of a document, as Apollo clients compute it.
pub fn sha256_hex(document: &str) -> String {
    Sha256::digest(document.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The kind and name of the first operation of `document`, or why it is not one.
fn describe(document: &str) -> Result<(OperationKind, Option<String>), String> {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    let parsed = async_graphql::parser::parse_query(document).map_err(|err| err.to_string())?;
    let (name, operation) = match &parsed.operations {
        DocumentOperations::Single(operation) => (None, operation),
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            let (name, operation) = operations.iter().next().ok_or("no operation")?;
            (Some(name.to_string()), operation)
        }
        DocumentOperations::Multiple(_) => return Err("a document must hold exactly one operation".into()),
    };
    let kind = match operation.node.ty {
        OperationType::Query => OperationKind::Query,
        OperationType::Mutation => OperationKind::Mutation,
        OperationType::Subscription => OperationKind::Subscription,
    };
    Ok((kind, name))
}

impl PersistedOperations {
    /// The leaders' app's operations, compiled into the binary.
    pub fn built_in() -> Self {
        let mut operations = Self::default();
        for (name, text) in built_in::OPERATIONS {
            operations
                .register_file(name, text)
                .unwrap_or_else(|reason| panic!("built-in operation {name} is invalid: {reason}"));
        }
        operations.built_in = operations.len();
        operations
    }

    /// The built-in operations and those of `folder`'s `*.graphql` and `*.json` files. A folder that
    /// does not exist is an error: a mistyped setting must not silently register nothing.
    pub fn load(folder: &Path) -> Result<Self, LoadError> {
        let mut operations = Self::built_in();
        operations.add_folder(folder)?;
        Ok(operations)
    }

    /// Registers the documents of `folder`'s files.
    pub fn add_folder(&mut self, folder: &Path) -> Result<(), LoadError> {
        let read_error = |path: &Path, source| LoadError::Read { path: path.display().to_string(), source };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(folder).map_err(|err| read_error(folder, err))? {
            paths.push(entry.map_err(|err| read_error(folder, err))?.path());
        }
        paths.sort();
        for path in paths {
            let Some(extension) = path.extension().and_then(|ext| ext.to_str()) else { continue };
            if extension != "graphql" && extension != "json" {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|err| read_error(&path, err))?;
            let invalid = |reason: String| LoadError::Invalid { path: path.display().to_string(), reason };
            if extension == "json" {
                for (id, name, document) in manifest::parse(&text).map_err(invalid)? {
                    self.register(id, name, &document).map_err(invalid)?;
                    self.from_folder += 1;
                }
            } else {
                let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                self.register_file(&name, &text).map_err(invalid)?;
                self.from_folder += 1;
            }
        }
        Ok(())
    }

    /// Registers a file's document under its hash.
    fn register_file(&mut self, name: &str, text: &str) -> Result<(), String> {
        let id = sha256_hex(text.trim());
        self.register(id, Some(name.to_owned()), text)
    }

    /// Registers `text` under `id`; an id may not name two different documents.
    pub fn register(&mut self, id: String, name: Option<String>, text: &str) -> Result<(), String> {
        let document: Arc<str> = text.trim().into();
        let (kind, operation_name) = describe(&document)?;
        let name = name.or(operation_name).unwrap_or_default();
        let id = id.to_ascii_lowercase();
        if let Some(existing) = self.by_id.get(&id) {
            if existing.document == document {
                return Ok(());
            }
            return Err(format!("id {id} is already registered for another document ({})", existing.name));
        }
        self.texts.insert(sha256_hex(&document), document.clone());
        self.by_id.insert(id.clone(), Operation { id, name, kind, document });
        Ok(())
    }

    /// The document registered under `id` (a hash is found in either case).
    pub fn get(&self, id: &str) -> Option<&Operation> {
        self.by_id.get(id).or_else(|| self.by_id.get(&id.to_ascii_lowercase()))
    }

    /// Whether `document`, once surrounding whitespace is trimmed, is byte for byte a registered one.
    pub fn contains_document(&self, document: &str) -> bool {
        let document = document.trim();
        self.texts.get(&sha256_hex(document)).is_some_and(|registered| &**registered == document)
    }

    /// Every registered document, by name then id.
    pub fn iter(&self) -> impl Iterator<Item = &Operation> {
        let mut all: Vec<&Operation> = self.by_id.values().collect();
        all.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        all.into_iter()
    }

    /// How many documents are registered.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// How many of them are built in.
    pub fn built_in_count(&self) -> usize {
        self.built_in
    }

    /// How many documents the folder's files held, repeats of built-in ones included.
    pub fn from_folder_count(&self) -> usize {
        self.from_folder
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
        operations.register_file("Me", "\n{ me { id } }\n").expect("a valid document");
        let hash = sha256_hex("{ me { id } }");
        let found = operations.get(&hash.to_uppercase()).expect("found");
        assert_eq!((found.name.as_str(), found.kind), ("Me", OperationKind::Query));
        assert!(operations.contains_document("{ me { id } }"));
        assert!(operations.contains_document("{ me { id } }\n"));
        assert!(!operations.contains_document("{ me {  id } }"));
        assert!(!operations.contains_document("{ me { id username } }"));
    }

    #[test]
    fn an_id_names_one_document_and_a_document_may_have_several_ids() {
        let mut operations = PersistedOperations::default();
        operations.register("a1".into(), None, "query Me { me { id } }").expect("registered");
        operations.register("b2".into(), None, "query Me { me { id } }").expect("a second id");
        operations.register("a1".into(), None, "query Me { me { id } }").expect("the same again");
        let clash = operations.register("a1".into(), None, "query Me { me { username } }");
        assert!(clash.expect_err("a clash").contains("already registered"));
        assert_eq!(operations.get("b2").map(|op| op.name.as_str()), Some("Me"));
        assert_eq!(operations.len(), 2);
    }

    #[test]
    fn what_is_not_one_operation_is_refused() {
        let mut operations = PersistedOperations::default();
        assert!(operations.register("x".into(), None, "{ me {").is_err());
        assert!(
            operations.register("y".into(), None, "query A { me { id } } query B { me { id } }").is_err()
        );
        assert!(operations.is_empty());
    }

    #[test]
    fn the_built_in_operations_are_the_files_of_schema_operations() {
        let built_in = PersistedOperations::built_in();
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/operations");
        let mut from_files = PersistedOperations::default();
        from_files.add_folder(&folder).expect("schema/operations reads");
        let ids = |ops: &PersistedOperations| ops.iter().map(|op| op.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&built_in), ids(&from_files), "add the new file to built_in.rs");
        assert_eq!(built_in.built_in_count(), built_in.len());
        for operation in built_in.iter() {
            let (_, name) = describe(&operation.document).expect("parses");
            assert_eq!(name.as_deref(), Some(operation.name.as_str()), "file name = operation name");
        }
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let error = PersistedOperations::load(Path::new("/nonexistent/operations")).expect_err("missing");
        assert!(error.to_string().contains("/nonexistent/operations"), "{error}");
    }
}
