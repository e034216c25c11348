//! The `pledge-api` command line: a thin layer over the library.

use std::process::ExitCode;

use mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use pledge_api::{
    bench_seed::BenchSize,
    commands::{self, command_services},
    config::Settings,
};

#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

#[derive(Parser)]
#[command(name = "pledge-api", version, about = "Household safety-pledge GraphQL API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations and serve the API.
    Serve {
        /// Seed the demo ward Phường Lam Sơn (development only).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Create an administrator. The password is asked for at a terminal, or read from
    /// PLEDGE_ADMIN_PASSWORD when it is set or standard input is not a terminal.
    CreateAdmin {
        /// Sign-in name of the new administrator.
        #[arg(long)]
        username: String,
        /// Name shown in the app (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Recompute the coverage counters from the raw rows and list every difference (exit 1 if any);
    /// with --repair, fix them.
    VerifyCoverage {
        /// Fix the counters that differ.
        #[arg(long)]
        repair: bool,
    },
    /// Load a synthetic province for benchmarks (not in production).
    SeedBench {
        /// Wards.
        #[arg(long, default_value_t = 400)]
        wards: usize,
        /// Residential groups per ward.
        #[arg(long, default_value_t = 50)]
        groups_per_ward: usize,
        /// Households per group.
        #[arg(long, default_value_t = 100)]
        households_per_group: usize,
        /// Share of households that signed the benchmark campaign.
        #[arg(long, default_value_t = 0.7)]
        signed: f64,
    },
    /// Print the registered (persisted) operations: the app's built-in ones, plus those of --path. As a
    /// list of ids and names, or as a manifest for Apollo (`--format apollo`) or Relay (`--format relay`).
    Operations {
        /// A folder of more operations and manifests (PLEDGE_OPERATIONS_DIR in the server).
        #[arg(long)]
        path: Option<std::path::PathBuf>,
        /// What to print.
        #[arg(long, value_enum, default_value = "list")]
        format: pledge_api::graphql::persisted::ManifestFormat,
    },
    /// Write the GraphQL schema (SDL) to schema/schema.graphql, or with --check fail when it is stale.
    ExportSchema {
        /// Compare instead of writing; exit 1 when the file differs from the code.
        #[arg(long)]
        check: bool,
        /// Where the SDL lives.
        #[arg(long, default_value = "schema/schema.graphql")]
        path: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::ExportSchema { check, path } = &cli.command {
        return commands::export_schema(*check, path);
    }
    if let Command::Operations { path, format } = &cli.command {
        return commands::print_operations(path.as_deref(), *format);
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("pledge-api: {err}");
            return ExitCode::from(2);
        }
    };
    commands::init_tracing(settings.http.json_logs);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("pledge-api: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pledge-api: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    let db = commands::open_database(&settings).await?;
    match command {
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::Serve { demo } => commands::serve(settings, db, demo).await,
        Command::CreateAdmin { username, display_name } => {
            commands::create_admin(&command_services(&settings, db), username, display_name).await
        }
        Command::VerifyCoverage { repair } => {
            commands::verify_coverage(&command_services(&settings, db), repair).await
        }
        Command::SeedBench { wards, groups_per_ward, households_per_group, signed } => {
            let size = BenchSize { wards, groups_per_ward, households_per_group, signed };
            commands::seed_bench(&settings, &db, size).await
        }
        Command::ExportSchema { .. } | Command::Operations { .. } => {
            unreachable!("handled before the runtime starts")
        }
    }
}
