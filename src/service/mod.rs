//! The service layer: one module per aggregate, reached from above only through `Scope` (see
//! `scope`). Every function takes the `Actor` and applies its scope in the query; every write runs in
//! one transaction with its audit record, and reports the coverage it moved so the handle can publish
//! it after the commit.

pub mod audit;
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
pub mod page;
pub mod pledge;
pub mod records;
mod scope;
pub mod session;
mod throttle;
pub mod user;
pub mod ward;

pub use caches::Caches;
pub use scope::{Moved, Scope, Services, Written};

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// The current time, truncated to microseconds so a value read back equals the one written on every backend.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so two
/// writers queue on the busy timeout instead of one failing when it upgrades a read snapshot.
pub(in crate::service) async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
