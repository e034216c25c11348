//! The service layer: one module per aggregate, reached from above only through `Scope` (see
//! `scope`). Every function takes the `Actor` and applies its scope in the query; every write runs in
//! one transaction with its audit record, and reports the coverage it moved so the handle can publish
//! it after the commit.

pub mod assessment;
pub mod audit;
pub mod award;
pub mod bench_seed;
mod caches;
mod callers;
pub mod campaign;
pub mod changes;
pub mod coverage;
pub mod demo;
pub mod good_deed;
pub mod group;
pub mod household;
pub mod incident;
pub mod movement_event;
mod movement_year;
mod node;
pub mod page;
pub mod pledge;
pub mod records;
mod scope;
pub mod self_management;
pub mod session;
pub mod survey;
mod throttle;
pub mod user;
pub mod ward;
pub mod ward_settings;
pub mod year_report;

pub use caches::{AnswerKey, AnswerStart, Caches, Reads};
pub use scope::{Moved, NodeRecord, Scope, Services, Written};

use chrono::{DateTime, SubsecRound, Utc};
use std::sync::{Arc, LazyLock};

use crate::error::{AppError, AppResult};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// `FORBIDDEN` unless the actor holds a role that works with households, pledges and good deeds: the
/// ward police read the ward's reports and figures, never the households behind them.
pub(in crate::service) fn ensure_works_with_households(actor: &crate::auth::Actor) -> AppResult<()> {
    if actor.works_with_households() {
        return Ok(());
    }
    Err(AppError::Forbidden(
        "the ward police read the ward's reports, not its households, pledges or good deeds",
    ))
}

/// The current time, truncated to microseconds so a value read back equals the one written on every backend.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// This process's turn to write to SQLite, held until its transaction ends.
pub(in crate::service) struct WriteTurn {
    _held: Option<OwnedMutexGuard<()>>,
}

/// Writers to SQLite take turns here, in arrival order. SQLite has one writer at a time; left to its
/// busy handler, waiting writers poll with growing sleeps (up to 100 ms each), so under a queue of
/// writers most time went to sleeping and the unlucky ones hit the busy timeout.
static SQLITE_TURNS: LazyLock<Arc<Mutex<()>>> = LazyLock::new(|| Arc::new(Mutex::new(())));

/// Begins a write transaction. On SQLite it first waits for this process's turn, then takes the write
/// lock at once (`BEGIN IMMEDIATE`), so two writers never both hold a read snapshot they must upgrade.
/// Keep the turn until the transaction has ended.
pub(in crate::service) async fn begin_write(
    db: &DatabaseConnection,
) -> Result<(WriteTurn, DatabaseTransaction), DbErr> {
    let turn = match db.get_database_backend() {
        DbBackend::Sqlite => Some(SQLITE_TURNS.clone().lock_owned().await),
        _ => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok((WriteTurn { _held: turn }, txn))
}
