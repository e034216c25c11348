//! Failed logins, shared by every server process, so that throttling holds across them: counted per
//! (username, client address) and per client address over a sliding window.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginFailure {
    Table,
    Id,
    UsernameHash,
    Address,
    FailedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginFailure::Table)
                    .col(ColumnDef::new(LoginFailure::Id).uuid().not_null().primary_key())
                    // Hex SHA-256 of the username as typed, folded like `app_user.username_key` (it need
                    // not exist): bounded, whatever length an attacker sends.
                    .col(ColumnDef::new(LoginFailure::UsernameHash).string_len(64).not_null())
                    // The client address in text form (IPv4 or IPv6).
                    .col(ColumnDef::new(LoginFailure::Address).string_len(45).not_null())
                    .col(ColumnDef::new(LoginFailure::FailedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "login_failure_username_address_idx",
                vec![LoginFailure::UsernameHash, LoginFailure::Address, LoginFailure::FailedAt],
            ),
            ("login_failure_address_idx", vec![LoginFailure::Address, LoginFailure::FailedAt]),
            // Forgetting what left the window reads by time alone.
            ("login_failure_failed_at_idx", vec![LoginFailure::FailedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(LoginFailure::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LoginFailure::Table).to_owned()).await
    }
}
