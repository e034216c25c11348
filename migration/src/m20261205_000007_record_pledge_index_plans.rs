//! `record_pledge` reads by key only (idempotency key, household, campaign, pledge), so it never wants
//! a sequential scan. PL/pgSQL keeps each statement's generic plan for the life of a connection; when
//! that plan was made while `client_mutation` was empty (a new deployment, or right after a vacuum of
//! an emptied table), the key lookup became a sequential scan over a table that then grew with every
//! pledge, until the next ANALYZE. With sequential scans off inside the function, every plan it makes
//! uses the indexes whatever the statistics say. On SQLite this migration does nothing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SIGNATURE: &str = "record_pledge(uuid, uuid, uuid, uuid, text, date, text, text, uuid, timestamptz, \
                         date, boolean, uuid[], uuid[], uuid[], uuid, text)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let sql = format!("ALTER FUNCTION {SIGNATURE} SET enable_seqscan = off");
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let sql = format!("ALTER FUNCTION {SIGNATURE} RESET enable_seqscan");
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }
}
