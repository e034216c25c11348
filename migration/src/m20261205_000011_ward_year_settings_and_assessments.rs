//! What the year-end report needs beyond the records: each ward's own settings (the day its movement
//! year begins, and the scale its officials assess groups on), the officials' assessment of each group
//! for a year, and the event a satisfaction survey was taken at.
//!
//! A ward without a settings row uses the defaults (the year begins on 1 November; the four-level scale
//! Xuất sắc, Khá, Trung bình, Yếu), so no row is written for existing wards. The scale is kept as a JSON
//! array of `{code, label}` in the settings row, read and written whole like a campaign's pledge items.
//! An assessment keeps the label of its level as it was on the day, so renaming a level later does not
//! rewrite past reports.
//!
//! The survey's event is a nullable column added in place: every existing row accepts it. SQLite takes
//! a `REFERENCES` clause on an added nullable column but not sea-query's separate foreign key, so the
//! column is added with SQL of each backend's own.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WardSetting {
    Table,
    WardId,
    YearStartMonth,
    YearStartDay,
    AssessmentScale,
    Version,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GroupAssessment {
    Table,
    Id,
    WardId,
    GroupId,
    Year,
    Level,
    LevelLabel,
    Note,
    Version,
    DecidedBy,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Ward {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ResidentialGroup {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WardSetting::Table)
                    .col(ColumnDef::new(WardSetting::WardId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(WardSetting::YearStartMonth).integer().not_null())
                    .col(ColumnDef::new(WardSetting::YearStartDay).integer().not_null())
                    .col(ColumnDef::new(WardSetting::AssessmentScale).text().null())
                    .col(ColumnDef::new(WardSetting::Version).integer().not_null())
                    .col(ColumnDef::new(WardSetting::UpdatedBy).uuid().null())
                    .col(ColumnDef::new(WardSetting::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(WardSetting::UpdatedAt).timestamp_with_time_zone().not_null())
                    .check(Expr::col(WardSetting::YearStartMonth).between(1, 12))
                    // Up to the 28th, so every year has the day (no 29 February, no 31 April).
                    .check(Expr::col(WardSetting::YearStartDay).between(1, 28))
                    .check(Expr::col(WardSetting::Version).gte(1))
                    .foreign_key(&mut fk(
                        "ward_setting_ward_id_fkey",
                        (WardSetting::Table, WardSetting::WardId),
                        (Ward::Table, Ward::Id),
                    ))
                    .foreign_key(&mut fk(
                        "ward_setting_updated_by_fkey",
                        (WardSetting::Table, WardSetting::UpdatedBy),
                        (AppUser::Table, AppUser::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(GroupAssessment::Table)
                    .col(ColumnDef::new(GroupAssessment::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(GroupAssessment::WardId).uuid().not_null())
                    .col(ColumnDef::new(GroupAssessment::GroupId).uuid().not_null())
                    .col(ColumnDef::new(GroupAssessment::Year).integer().not_null())
                    .col(ColumnDef::new(GroupAssessment::Level).string_len(32).not_null())
                    .col(ColumnDef::new(GroupAssessment::LevelLabel).string_len(100).not_null())
                    .col(ColumnDef::new(GroupAssessment::Note).text().null())
                    .col(ColumnDef::new(GroupAssessment::Version).integer().not_null())
                    .col(ColumnDef::new(GroupAssessment::DecidedBy).uuid().null())
                    .col(ColumnDef::new(GroupAssessment::DecidedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(GroupAssessment::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(GroupAssessment::UpdatedAt).timestamp_with_time_zone().not_null())
                    .check(Expr::col(GroupAssessment::Year).between(2000, 2100))
                    .check(Expr::col(GroupAssessment::Version).gte(1))
                    .foreign_key(&mut fk(
                        "group_assessment_ward_id_fkey",
                        (GroupAssessment::Table, GroupAssessment::WardId),
                        (Ward::Table, Ward::Id),
                    ))
                    .foreign_key(&mut fk(
                        "group_assessment_group_id_fkey",
                        (GroupAssessment::Table, GroupAssessment::GroupId),
                        (ResidentialGroup::Table, ResidentialGroup::Id),
                    ))
                    .foreign_key(&mut fk(
                        "group_assessment_decided_by_fkey",
                        (GroupAssessment::Table, GroupAssessment::DecidedBy),
                        (AppUser::Table, AppUser::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One assessment per group and year; the year-end report reads a ward's year by the second.
        manager
            .create_index(
                Index::create()
                    .name("group_assessment_group_year_key")
                    .table(GroupAssessment::Table)
                    .col(GroupAssessment::GroupId)
                    .col(GroupAssessment::Year)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("group_assessment_ward_year_idx")
                    .table(GroupAssessment::Table)
                    .col(GroupAssessment::WardId)
                    .col(GroupAssessment::Year)
                    .to_owned(),
            )
            .await?;

        let uuid_type = match manager.get_database_backend() {
            DbBackend::Postgres => "uuid",
            // The type name sea-query gives uuid columns on SQLite, so the entity reads it the same way.
            _ => "uuid_text",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "ALTER TABLE satisfaction_survey ADD COLUMN event_id {uuid_type} NULL \
                 CONSTRAINT satisfaction_survey_event_id_fkey REFERENCES movement_event (id) ON DELETE RESTRICT"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE satisfaction_survey DROP COLUMN event_id")
            .await?;
        for table in [GroupAssessment::Table.into_iden(), WardSetting::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
