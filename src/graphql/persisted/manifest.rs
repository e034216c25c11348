//! The two manifest formats app teams have: Apollo's (`@apollo/generate-persisted-query-manifest`) and
//! Relay's (`persisted_queries.json`, written by relay-compiler's `persistConfig`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::PersistedOperations;

/// Apollo's manifest: `format`, `version` and the operations.
#[derive(Serialize, Deserialize)]
struct ApolloManifest {
    format: String,
    version: u32,
    operations: Vec<ApolloOperation>,
}

#[derive(Serialize, Deserialize)]
struct ApolloOperation {
    id: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    body: String,
}

const APOLLO_FORMAT: &str = "apollo-persisted-query-manifest";

/// A manifest's entries: (id, name if given, document). Apollo's is told by its `format`; any other
/// object must map ids to document texts, as Relay's does.
pub(super) fn parse(text: &str) -> Result<Vec<(String, Option<String>, String)>, String> {
    let json: Value = serde_json::from_str(text).map_err(|err| format!("not valid JSON ({err})"))?;
    let Value::Object(object) = json else {
        return Err("a manifest must be a JSON object".into());
    };
    if object.contains_key("format") {
        let manifest: ApolloManifest = serde_json::from_value(Value::Object(object))
            .map_err(|err| format!("not an Apollo persisted query manifest ({err})"))?;
        if manifest.format != APOLLO_FORMAT || manifest.version != 1 {
            return Err(format!(
                "unknown manifest format {:?} version {} (expected {APOLLO_FORMAT:?} version 1)",
                manifest.format, manifest.version
            ));
        }
        return Ok(manifest.operations.into_iter().map(|op| (op.id, Some(op.name), op.body)).collect());
    }
    object
        .into_iter()
        .map(|(id, text)| match text {
            Value::String(text) => Ok((id, None, text)),
            _ => Err(format!("`{id}` must map to the document's text, as in Relay's persisted_queries.json")),
        })
        .collect()
}

/// The manifest formats `pledge-api operations` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ManifestFormat {
    /// One line per operation: id and name.
    List,
    /// Apollo's persisted query manifest (`persisted-query-manifest.json`).
    Apollo,
    /// Relay's `persisted_queries.json`: ids to texts.
    Relay,
}

/// `operations` in `format`.
pub fn print_manifest(operations: &PersistedOperations, format: ManifestFormat) -> String {
    match format {
        ManifestFormat::List => {
            operations.iter().map(|op| format!("{}  {}\n", op.id, op.name)).collect::<Vec<_>>().concat()
        }
        ManifestFormat::Apollo => {
            let manifest = ApolloManifest {
                format: APOLLO_FORMAT.into(),
                version: 1,
                operations: operations
                    .iter()
                    .map(|op| ApolloOperation {
                        id: op.id.clone(),
                        name: op.name.clone(),
                        kind: op.kind.as_str().into(),
                        body: op.document.to_string(),
                    })
                    .collect(),
            };
            pretty(&manifest)
        }
        ManifestFormat::Relay => {
            let map: Map<String, Value> =
                operations.iter().map(|op| (op.id.clone(), Value::String(op.document.to_string()))).collect();
            pretty(&map)
        }
    }
}

fn pretty(value: &impl Serialize) -> String {
    // Serialising strings and numbers cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::persisted::{OperationKind, sha256_hex};

    fn two() -> PersistedOperations {
        let mut operations = PersistedOperations::default();
        operations
            .register(sha256_hex("query Me { me { id } }"), None, "query Me { me { id } }")
            .expect("ok");
        operations
            .register(
                "r1".into(),
                Some("Out".into()),
                "mutation Out($t: String!) { logout(refreshToken: $t) }",
            )
            .expect("ok");
        operations
    }

    #[test]
    fn each_format_reads_back_what_it_printed() {
        let operations = two();
        for format in [ManifestFormat::Apollo, ManifestFormat::Relay] {
            let printed = print_manifest(&operations, format);
            let mut again = PersistedOperations::default();
            for (id, name, text) in parse(&printed).expect("parses") {
                again.register(id, name, &text).expect("registers");
            }
            let ids = |ops: &PersistedOperations| {
                ops.iter().map(|op| (op.id.clone(), op.kind, op.document.clone())).collect::<Vec<_>>()
            };
            assert_eq!(ids(&again), ids(&operations), "{format:?}");
        }
    }

    #[test]
    fn apollo_manifests_name_the_type_of_each_operation() {
        let printed: Value =
            serde_json::from_str(&print_manifest(&two(), ManifestFormat::Apollo)).expect("JSON");
        assert_eq!(printed["format"], "apollo-persisted-query-manifest");
        assert_eq!(printed["version"], 1);
        assert_eq!(printed["operations"][0]["name"], "Me");
        assert_eq!(printed["operations"][0]["type"], OperationKind::Query.as_str());
        assert_eq!(printed["operations"][1]["type"], "mutation");
        assert_eq!(printed["operations"][1]["id"], "r1");
    }

    #[test]
    fn what_is_neither_format_is_refused_with_a_reason() {
        assert!(parse("[]").expect_err("an array").contains("JSON object"));
        assert!(parse("{\"a\": 1}").expect_err("not text").contains("Relay"));
        let other = r#"{"format": "other", "version": 1, "operations": []}"#;
        assert!(parse(other).expect_err("unknown format").contains("unknown manifest format"));
        assert!(parse("{").expect_err("not JSON").contains("not valid JSON"));
    }
}
