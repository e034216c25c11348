//! Commands that need no database: `export-schema` and `operations`.

use std::process::ExitCode;

use crate::graphql::persisted::{ManifestFormat, PersistedOperations, print_manifest};

/// Prints the registered operations (built in, and those of `folder`) in `format`.
pub fn print_operations(folder: Option<&std::path::Path>, format: ManifestFormat) -> ExitCode {
    let operations = match folder {
        Some(folder) => PersistedOperations::load(folder),
        None => Ok(PersistedOperations::built_in()),
    };
    match operations {
        Ok(operations) => {
            print!("{}", print_manifest(&operations, format));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("pledge-api: {err}");
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
