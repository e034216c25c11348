//! The ward police: a `WARD_POLICE` role scoped to a ward, and the monthly incident tallies they enter
//! (counts only: no names, no case details).
//!
//! The role's scope rule is a CHECK on `role_assignment`. PostgreSQL swaps the constraint in place;
//! SQLite cannot alter a CHECK, so the table is rebuilt with the new rule and its rows copied (nothing
//! refers to `role_assignment`, so nothing else moves). Going down removes the police's assignments
//! first, since the old rule has no place for them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RoleAssignment {
    Table,
    Id,
    UserId,
    Role,
    WardId,
    GroupId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IncidentTally {
    Table,
    Id,
    WardId,
    Month,
    Category,
    Count,
    SortKey,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
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

/// The name of the scope rule this migration writes (PostgreSQL had named the first one itself).
const SCOPE_CHECK: &str = "role_assignment_scope_check";
/// The name PostgreSQL gave the unnamed rule of the first migration, restored going down.
const FIRST_CHECK: &str = "role_assignment_check";
/// The roles whose scope is one ward.
const WARD_ROLES: [&str; 2] = ["WARD_OFFICIAL", "WARD_POLICE"];
const CATEGORIES: [&str; 5] =
    ["SECURITY_ORDER", "TRAFFIC_ACCIDENT", "FIRE", "SERIOUS_CRIME", "MASS_COMPLAINT"];
/// Most incidents one tally may count.
const MAX_COUNT: i32 = 100_000;

/// Each role with its scope: none for `ADMIN`, a ward for the ward roles (`with_police` says whether
/// `WARD_POLICE` is one), a group for `GROUP_LEADER`.
fn scope_matches_role(with_police: bool) -> Condition {
    let role = || Expr::col(RoleAssignment::Role);
    let ward = || Expr::col(RoleAssignment::WardId);
    let group = || Expr::col(RoleAssignment::GroupId);
    let ward_roles: &[&str] = if with_police { &WARD_ROLES } else { &WARD_ROLES[..1] };
    Condition::any()
        .add(Condition::all().add(role().eq("ADMIN")).add(ward().is_null()).add(group().is_null()))
        .add(
            Condition::all()
                .add(role().is_in(ward_roles.iter().copied()))
                .add(ward().is_not_null())
                .add(group().is_null()),
        )
        .add(Condition::all().add(role().eq("GROUP_LEADER")).add(ward().is_null()).add(group().is_not_null()))
}

/// `role_assignment` as the first migration made it, under `table`, with the scope rule `check` named
/// `name`.
fn role_table(table: &str, name: &str, check: Condition) -> TableCreateStatement {
    let table = Alias::new(table);
    Table::create()
        .table(table.clone())
        .col(ColumnDef::new(RoleAssignment::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(RoleAssignment::UserId).uuid().not_null())
        .col(ColumnDef::new(RoleAssignment::Role).string_len(16).not_null())
        .col(ColumnDef::new(RoleAssignment::WardId).uuid().null())
        .col(ColumnDef::new(RoleAssignment::GroupId).uuid().null())
        .col(ColumnDef::new(RoleAssignment::CreatedAt).timestamp_with_time_zone().not_null())
        .check((Alias::new(name), check))
        .foreign_key(
            ForeignKey::create()
                .name("role_assignment_user_id_fkey")
                .from(table.clone(), RoleAssignment::UserId)
                .to(AppUser::Table, AppUser::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name("role_assignment_ward_id_fkey")
                .from(table.clone(), RoleAssignment::WardId)
                .to(Ward::Table, Ward::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .foreign_key(
            ForeignKey::create()
                .name("role_assignment_group_id_fkey")
                .from(table, RoleAssignment::GroupId)
                .to(ResidentialGroup::Table, ResidentialGroup::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .to_owned()
}

/// Puts `check`, named `name`, in place of the scope rule of `role_assignment`.
async fn replace_scope_rule(manager: &SchemaManager<'_>, check: Condition, name: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Whatever the rule is called now (PostgreSQL named the first one itself), it goes.
        db.execute_unprepared(
            "DO $$ DECLARE c text; BEGIN
               FOR c IN SELECT conname FROM pg_constraint
                        WHERE conrelid = 'role_assignment'::regclass AND contype = 'c' LOOP
                 EXECUTE format('ALTER TABLE role_assignment DROP CONSTRAINT %I', c);
               END LOOP;
             END $$",
        )
        .await?;
        // The rule as sea-query writes it for PostgreSQL: the condition of a SELECT.
        let select = Query::select().expr(Expr::val(1)).cond_where(check).to_string(PostgresQueryBuilder);
        let (_, rule) = select.split_once(" WHERE ").ok_or_else(|| DbErr::Migration(select.clone()))?;
        let sql = format!("ALTER TABLE role_assignment ADD CONSTRAINT \"{name}\" CHECK ({rule})");
        db.execute_unprepared(&sql).await?;
        return Ok(());
    }
    manager.create_table(role_table("role_assignment_next", name, check)).await?;
    db.execute_unprepared(
        "INSERT INTO role_assignment_next (id, user_id, role, ward_id, group_id, created_at)
         SELECT id, user_id, role, ward_id, group_id, created_at FROM role_assignment",
    )
    .await?;
    manager.drop_table(Table::drop().table(RoleAssignment::Table).to_owned()).await?;
    db.execute_unprepared("ALTER TABLE role_assignment_next RENAME TO role_assignment").await?;
    for (index, column) in [
        ("role_assignment_user_idx", RoleAssignment::UserId),
        ("role_assignment_ward_idx", RoleAssignment::WardId),
        ("role_assignment_group_idx", RoleAssignment::GroupId),
    ] {
        manager
            .create_index(Index::create().name(index).table(RoleAssignment::Table).col(column).to_owned())
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On every backend: the rebuilt table on SQLite must never be left half made.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_scope_rule(manager, scope_matches_role(true), SCOPE_CHECK).await?;

        let count = || Expr::col(IncidentTally::Count);
        manager
            .create_table(
                Table::create()
                    .table(IncidentTally::Table)
                    .col(ColumnDef::new(IncidentTally::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(IncidentTally::WardId).uuid().not_null())
                    // The first day of the month counted.
                    .col(ColumnDef::new(IncidentTally::Month).date().not_null())
                    .col(
                        ColumnDef::new(IncidentTally::Category)
                            .string_len(24)
                            .not_null()
                            .check(Expr::col(IncidentTally::Category).is_in(CATEGORIES)),
                    )
                    .col(ColumnDef::new(IncidentTally::Count).integer().not_null())
                    // "2023-07/1": the month, then the category's place in the list; the keyset of
                    // the ward's list of tallies.
                    .col(ColumnDef::new(IncidentTally::SortKey).string_len(16).not_null())
                    .col(ColumnDef::new(IncidentTally::Version).integer().not_null())
                    .col(ColumnDef::new(IncidentTally::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(IncidentTally::UpdatedAt).timestamp_with_time_zone().not_null())
                    .check(Condition::all().add(count().gte(0)).add(count().lte(MAX_COUNT)))
                    .foreign_key(
                        ForeignKey::create()
                            .name("incident_tally_ward_id_fkey")
                            .from(IncidentTally::Table, IncidentTally::WardId)
                            .to(Ward::Table, Ward::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // One tally per ward, month and category; a ward's months in order, for its reports.
        manager
            .create_index(
                Index::create()
                    .name("incident_tally_ward_month_category_key")
                    .table(IncidentTally::Table)
                    .col(IncidentTally::WardId)
                    .col(IncidentTally::Month)
                    .col(IncidentTally::Category)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IncidentTally::Table).to_owned()).await?;
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM role_assignment WHERE role = 'WARD_POLICE'")
            .await?;
        replace_scope_rule(manager, scope_matches_role(false), FIRST_CHECK).await
    }
}
