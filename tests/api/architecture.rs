//! The layers hold their shape: only the error module spells an `extensions.code`, and the GraphQL and
//! HTTP layers reach the database only through the scoped service handle.

use std::path::{Path, PathBuf};

use pledge_api::error::Code;

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_error_code_is_spelled_outside_the_error_module() {
    let error_module = src().join("error");
    let mut found = Vec::new();
    for file in sources(&src()).into_iter().filter(|f| !f.starts_with(&error_module)) {
        let text = std::fs::read_to_string(&file).expect("a source file");
        for code in Code::ALL {
            if text.contains(&format!("\"{code}\"")) {
                found.push(format!("{} spells {code}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "codes belong to src/error: {found:#?}");
}

#[test]
fn graphql_and_http_hold_no_database_code() {
    // What would let a resolver or a handler read or write without the caller's scope.
    let forbidden =
        ["sea_orm", "sqlx", "entities", "DatabaseConnection", "ConnectionTrait", "TransactionTrait"];
    let mut found = Vec::new();
    for layer in ["graphql", "http"] {
        for file in sources(&src().join(layer)) {
            let text = std::fs::read_to_string(&file).expect("a source file");
            for (number, line) in text.lines().enumerate() {
                for word in forbidden.iter().filter(|word| line.contains(*word)) {
                    found.push(format!("{}:{}: {word}", file.display(), number + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "reach the database through service::Scope: {found:#?}");
}

#[test]
fn the_layer_check_sees_the_files_it_guards() {
    // A moved folder must not turn the check above into one that passes on nothing.
    for layer in ["graphql", "http"] {
        assert!(sources(&src().join(layer)).len() > 3, "src/{layer} has its modules");
    }
}
