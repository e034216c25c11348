//! Commands that need no database: `export-schema` and `operations`.

use std::process::ExitCode;

/// Lists the registered operations with the SHA-256 a client sends for each.
pub fn list_operations(path: &std::path::Path) -> ExitCode {
    match crate::graphql::persisted::PersistedOperations::load(path) {
        Ok(operations) if operations.is_empty() => {
            eprintln!("pledge-api: no *.graphql file in {}", path.display());
            ExitCode::FAILURE
        }
        Ok(operations) => {
            for operation in operations.iter() {
                println!("{}  {}", operation.sha256, operation.name);
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("pledge-api: cannot read {}: {err}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// Writes the SDL to `path`, or with `check` fails when the file differs from the code.
pub fn export_schema(check: bool, path: &std::path::Path) -> ExitCode {
    let sdl = crate::graphql::sdl();
    if check {
        match std::fs::read_to_string(path) {
            Ok(current) if current == sdl => {
                println!("{} is up to date", path.display());
                ExitCode::SUCCESS
            }
            Ok(_) => {
                eprintln!("{} is stale: run `cargo run -- export-schema` and commit it", path.display());
                ExitCode::FAILURE
            }
            Err(err) => {
                eprintln!("cannot read {}: {err}", path.display());
                ExitCode::FAILURE
            }
        }
    } else {
        match std::fs::write(path, sdl) {
            Ok(()) => {
                println!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("cannot write {}: {err}", path.display());
                ExitCode::FAILURE
            }
        }
    }
}
