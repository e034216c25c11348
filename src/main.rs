//! The `pledge-api` command line: a thin layer over the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pledge_api::{config::Settings, graphql, startup};
use tracing_subscriber::EnvFilter;

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
    /// List the registered (persisted) operations with the SHA-256 the app sends for each.
    Operations {
        /// Where the operations live (PLEDGE_OPERATIONS_DIR in the server).
        #[arg(long, default_value = "schema/operations")]
        path: std::path::PathBuf,
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
        return export_schema(*check, path);
    }
    if let Command::Operations { path } = &cli.command {
        return list_operations(path);
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("pledge-api: {err}");
            return ExitCode::from(2);
        }
    };
    init_tracing(settings.http.json_logs);
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

/// Logs go to standard output: one JSON object per line in production (for the log collector), text
/// in development.
fn init_tracing(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().with_current_span(true).with_span_list(false).init();
    } else {
        builder.init();
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    let db = startup::connect(settings.database_url.expose(), settings.db_max_connections)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    startup::migrate(&db).await.map_err(|e| format!("cannot apply migrations: {e}"))?;
    match command {
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::Serve { demo } => serve(settings, db, demo).await,
        Command::CreateAdmin { username, display_name } => create_admin(&db, username, display_name).await,
        Command::VerifyCoverage { repair } => verify_coverage(&db, repair).await,
        Command::SeedBench { wards, groups_per_ward, households_per_group, signed } => {
            if settings.environment == pledge_api::config::Environment::Production {
                return Err("seed-bench is refused when PLEDGE_ENV=production".into());
            }
            let size =
                pledge_api::bench_seed::BenchSize { wards, groups_per_ward, households_per_group, signed };
            let loaded = pledge_api::bench_seed::seed(&db, size).await.map_err(|e| e.message())?;
            println!(
                "loaded {} households and {} pledges in {:.1} s ({:.0} rows/s); campaign {}",
                loaded.households,
                loaded.pledges,
                loaded.seconds,
                (loaded.households + loaded.pledges) as f64 / loaded.seconds,
                loaded.campaign_id
            );
            Ok(())
        }
        Command::ExportSchema { .. } | Command::Operations { .. } => {
            unreachable!("handled before the runtime starts")
        }
    }
}

async fn serve(settings: Settings, db: sea_orm::DatabaseConnection, demo: bool) -> Result<(), String> {
    use pledge_api::{auth::password::Passwords, config::Environment, demo};
    if demo {
        if settings.environment == Environment::Production {
            return Err("--demo is refused when PLEDGE_ENV=production".into());
        }
        let seeded =
            demo::seed(&db).await.map_err(|e| format!("cannot seed the demo data: {}", e.message()))?;
        let password = std::env::var("PLEDGE_DEMO_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| demo::DEFAULT_DEMO_PASSWORD.to_owned());
        demo::seed_users(&db, &Passwords::new(), &password)
            .await
            .map_err(|e| format!("cannot create the demo users: {}", e.message()))?;
        demo::seed_activity(&db)
            .await
            .map_err(|e| format!("cannot seed the demo campaign: {}", e.message()))?;
        if seeded {
            println!("demo data seeded: Phường Lam Sơn (Thanh Hóa), Tổ dân phố 1 to 12");
            println!("demo campaign open: {}", demo::DEMO_CAMPAIGN_TITLE);
        }
        println!("demo users (password: PLEDGE_DEMO_PASSWORD, default {}):", demo::DEFAULT_DEMO_PASSWORD);
        for user in &demo::DEMO_USERS {
            println!("  {:<16} {}", user.username, user.role);
        }
    }
    if settings.jwt_secret_generated {
        tracing::warn!(
            "PLEDGE_JWT_SECRET is not set: using a random secret, so sessions end when the service restarts"
        );
    }
    if let Some(interval) = settings.coverage_check_interval {
        tokio::spawn(check_coverage_periodically(db.clone(), interval));
    }
    let app = startup::Application::build(&settings, db)
        .await
        .map_err(|e| format!("cannot listen on {} (PLEDGE_BIND): {e}", settings.bind))?;
    let addr = app.local_addr().map_err(|e| e.to_string())?;
    if settings.environment == Environment::Development {
        println!("pledge-api is ready: open http://{addr}/graphql in a browser (GraphiQL)");
        if demo {
            println!(
                "sign in there with: mutation {{ login(input: {{username: \"admin\", password: \"{}\"}}) {{ accessToken }} }}",
                demo::DEFAULT_DEMO_PASSWORD
            );
            println!(
                "then add the header {{\"Authorization\": \"Bearer <accessToken>\"}} under Headers; see README.md"
            );
        }
    } else {
        println!("pledge-api is listening on http://{addr}/graphql");
    }
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn create_admin(
    db: &sea_orm::DatabaseConnection,
    username: String,
    display_name: Option<String>,
) -> Result<(), String> {
    use std::io::IsTerminal;

    use pledge_api::{
        auth::{Actor, Role, password::Passwords},
        service::user::{NewAssignment, NewUser, create},
    };
    let from_env = std::env::var("PLEDGE_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty());
    let password = match from_env {
        Some(password) => password,
        None if !std::io::stdin().is_terminal() => {
            return Err("set PLEDGE_ADMIN_PASSWORD, or run create-admin at a terminal to be asked".into());
        }
        None => {
            let first = rpassword::prompt_password("password for the new administrator: ")
                .map_err(|e| e.to_string())?;
            let second =
                rpassword::prompt_password("the same password again: ").map_err(|e| e.to_string())?;
            if first != second {
                return Err("the two passwords differ".into());
            }
            first
        }
    };
    let new = NewUser {
        display_name: display_name.unwrap_or_else(|| username.clone()),
        username,
        password,
        assignments: vec![NewAssignment { role: Role::Admin, ward_id: None, group_id: None }],
    };
    let user = create(db, &Passwords::new(), &Actor::system(), new).await.map_err(|e| e.message())?;
    println!("administrator {} created", user.username);
    Ok(())
}

/// Recomputes the coverage counters every `interval` and repairs drift (counted in `/metrics` as
/// `pledge_coverage_counter_repairs_total`, audited as `coverage.repair`). Drift means a bug: it is
/// logged as an error.
async fn check_coverage_periodically(db: sea_orm::DatabaseConnection, interval: std::time::Duration) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    loop {
        tick.tick().await;
        match pledge_api::service::coverage::verify(&db, true).await {
            Ok(drifts) if drifts.is_empty() => tracing::info!("coverage counters verified"),
            Ok(drifts) => tracing::error!(repaired = drifts.len(), "coverage counters had drifted; repaired"),
            Err(err) => tracing::warn!(code = err.code().as_str(), "coverage check failed; will retry"),
        }
    }
}

async fn verify_coverage(db: &sea_orm::DatabaseConnection, repair: bool) -> Result<(), String> {
    let drifts = pledge_api::service::coverage::verify(db, repair).await.map_err(|e| e.message())?;
    for drift in &drifts {
        let campaign = drift.campaign_id.map(|c| format!(" campaign {c}")).unwrap_or_default();
        println!(
            "{} counter of group {}{campaign}: stored {}, actual {}",
            drift.counter, drift.group_id, drift.stored, drift.actual
        );
    }
    match (drifts.len(), repair) {
        (0, _) => {
            println!("coverage counters match the households and pledges");
            Ok(())
        }
        (n, true) => {
            println!("repaired {n} coverage counters");
            Ok(())
        }
        (n, false) => Err(format!("{n} coverage counters differ; run verify-coverage --repair to fix them")),
    }
}

fn list_operations(path: &std::path::Path) -> ExitCode {
    match graphql::persisted::PersistedOperations::load(path) {
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

fn export_schema(check: bool, path: &std::path::Path) -> ExitCode {
    let sdl = graphql::sdl();
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
