//! Wards, residential groups and households: the hierarchy every other table hangs from.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Ward {
    Table,
    Id,
    Code,
    Name,
    Province,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ResidentialGroup {
    Table,
    Id,
    WardId,
    Code,
    SortKey,
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Household {
    Table,
    Id,
    GroupId,
    Code,
    SortKey,
    HeadName,
    Address,
    MemberCount,
    Phone,
    Status,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

/// Sort keys compare byte-wise on both backends ("C" collation on PostgreSQL), so keyset pagination
/// orders the same everywhere and the index serves the comparison.
fn sort_key_column<T: IntoIden>(name: T, manager: &SchemaManager) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    column.text().not_null();
    if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
        column.extra("COLLATE \"C\"");
    }
    column
}

fn timestamps<T: IntoIden>(created: T, updated: T) -> [ColumnDef; 2] {
    [
        ColumnDef::new(created).timestamp_with_time_zone().not_null().to_owned(),
        ColumnDef::new(updated).timestamp_with_time_zone().not_null().to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let [created, updated] = timestamps(Ward::CreatedAt, Ward::UpdatedAt);
        manager
            .create_table(
                Table::create()
                    .table(Ward::Table)
                    .col(ColumnDef::new(Ward::Id).uuid().not_null().primary_key())
                    // Listed by code: byte-wise like the sort keys, the same order on both backends.
                    .col(sort_key_column(Ward::Code, manager))
                    .col(ColumnDef::new(Ward::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Ward::Province).string_len(200).not_null())
                    .col(created)
                    .col(updated)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ward_code_key").table(Ward::Table).col(Ward::Code).unique().to_owned(),
            )
            .await?;

        let [created, updated] = timestamps(ResidentialGroup::CreatedAt, ResidentialGroup::UpdatedAt);
        manager
            .create_table(
                Table::create()
                    .table(ResidentialGroup::Table)
                    .col(ColumnDef::new(ResidentialGroup::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ResidentialGroup::WardId).uuid().not_null())
                    .col(ColumnDef::new(ResidentialGroup::Code).string_len(32).not_null())
                    .col(sort_key_column(ResidentialGroup::SortKey, manager))
                    .col(ColumnDef::new(ResidentialGroup::Name).string_len(200).not_null())
                    .col(created)
                    .col(updated)
                    .foreign_key(
                        ForeignKey::create()
                            .name("residential_group_ward_id_fkey")
                            .from(ResidentialGroup::Table, ResidentialGroup::WardId)
                            .to(Ward::Table, Ward::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("residential_group_ward_code_key")
                    .table(ResidentialGroup::Table)
                    .col(ResidentialGroup::WardId)
                    .col(ResidentialGroup::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Groups are listed per ward in natural code order ("2" before "10").
        manager
            .create_index(
                Index::create()
                    .name("residential_group_ward_sort_idx")
                    .table(ResidentialGroup::Table)
                    .col(ResidentialGroup::WardId)
                    .col(ResidentialGroup::SortKey)
                    .col(ResidentialGroup::Id)
                    .to_owned(),
            )
            .await?;

        let [created, updated] = timestamps(Household::CreatedAt, Household::UpdatedAt);
        manager
            .create_table(
                Table::create()
                    .table(Household::Table)
                    .col(ColumnDef::new(Household::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Household::GroupId).uuid().not_null())
                    .col(ColumnDef::new(Household::Code).string_len(32).not_null())
                    .col(sort_key_column(Household::SortKey, manager))
                    .col(ColumnDef::new(Household::HeadName).string_len(200).not_null())
                    .col(ColumnDef::new(Household::Address).string_len(500).not_null())
                    .col(
                        ColumnDef::new(Household::MemberCount)
                            .integer()
                            .not_null()
                            .check(Expr::col(Household::MemberCount).between(1, 100)),
                    )
                    .col(ColumnDef::new(Household::Phone).string_len(16).null())
                    .col(
                        ColumnDef::new(Household::Status)
                            .string_len(16)
                            .not_null()
                            .check(Expr::col(Household::Status).is_in(["ACTIVE", "MOVED_OUT", "DISSOLVED"])),
                    )
                    // Head name, code and address folded to ASCII lower case: the same
                    // diacritic-insensitive search on every backend, computed in Rust.
                    .col(ColumnDef::new(Household::SearchText).text().not_null())
                    .col(
                        ColumnDef::new(Household::Version)
                            .integer()
                            .not_null()
                            .check(Expr::col(Household::Version).gte(1)),
                    )
                    .col(created)
                    .col(updated)
                    .foreign_key(
                        ForeignKey::create()
                            .name("household_group_id_fkey")
                            .from(Household::Table, Household::GroupId)
                            .to(ResidentialGroup::Table, ResidentialGroup::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("household_group_code_key")
                    .table(Household::Table)
                    .col(Household::GroupId)
                    .col(Household::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("household_group_sort_idx")
                    .table(Household::Table)
                    .col(Household::GroupId)
                    .col(Household::SortKey)
                    .col(Household::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("household_group_status_idx")
                    .table(Household::Table)
                    .col(Household::GroupId)
                    .col(Household::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Household::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ResidentialGroup::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Ward::Table).to_owned()).await
    }
}
