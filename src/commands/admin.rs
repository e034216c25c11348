//! Operator commands: `create-admin`, `verify-coverage` and `seed-bench`.

use std::{io::IsTerminal, sync::Arc};

use sea_orm::DatabaseConnection;

use crate::{
    auth::Role,
    bench_seed::{self, BenchSize},
    config::{Environment, Settings},
    service::{
        Services,
        user::{NewAssignment, NewUser},
    },
};

/// Creates an administrator; the password comes from `PLEDGE_ADMIN_PASSWORD` or a terminal prompt.
pub async fn create_admin(
    services: &Arc<Services>,
    username: String,
    display_name: Option<String>,
) -> Result<(), String> {
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
    let user = services.system().users().create(new).await.map_err(|e| e.message())?;
    println!("administrator {} created", user.username);
    Ok(())
}

/// Recomputes the coverage counters and prints every difference; with `repair`, fixes them (and tells
/// running servers, through the event bus, that coverage moved).
pub async fn verify_coverage(services: &Services, repair: bool) -> Result<(), String> {
    let drifts = services.verify_coverage(repair).await.map_err(|e| e.message())?;
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

/// Loads a synthetic province for benchmarks; refused in production.
pub async fn seed_bench(settings: &Settings, db: &DatabaseConnection, size: BenchSize) -> Result<(), String> {
    if settings.environment == Environment::Production {
        return Err("seed-bench is refused when PLEDGE_ENV=production".into());
    }
    let loaded = bench_seed::seed(db, size).await.map_err(|e| e.message())?;
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
