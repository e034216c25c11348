//! Self-management models, movement events (festival days and forums) and awards (certificates of
//! merit). The indexes serve the lists of a ward for a movement year and the year-end counts per group
//! (active models, awards received) without touching households.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SelfManagementModel {
    Table,
    Id,
    WardId,
    GroupId,
    Name,
    Kind,
    StartedOn,
    EndedOn,
    Status,
    Description,
    ParticipatingHouseholdCount,
    ParticipatingHouseholdIds,
    UnitCount,
    Version,
    ClientMutationId,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MovementEvent {
    Table,
    Id,
    WardId,
    GroupId,
    HeldOn,
    Kind,
    Title,
    Attendance,
    Notes,
    Version,
    ClientMutationId,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Award {
    Table,
    Id,
    WardId,
    Year,
    Issuer,
    IssuerName,
    DecisionNumber,
    DecisionDate,
    RecipientKind,
    GroupId,
    RecipientName,
    HouseholdId,
    Citation,
    EventId,
    Status,
    RevocationReason,
    RevokedBy,
    RevokedAt,
    Version,
    ClientMutationId,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Ward {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResidentialGroup {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Household {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
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

fn index(name: &str, table: impl IntoIden, columns: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

fn in_list(column: impl IntoIden, values: &[&str]) -> Expr {
    Expr::col(column).is_in(values.iter().copied())
}

/// `column` is null or at least zero.
fn null_or_not_negative(column: impl IntoIden + Clone) -> Expr {
    Expr::col(column.clone()).is_null().or(Expr::col(column).gte(0))
}

async fn create_models(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use SelfManagementModel as M;
    let kinds = [
        "REINTEGRATION",
        "SECURITY_CAMERAS",
        "REPORTING_CHANNEL",
        "FIRE_SAFETY_GROUP",
        "PUBLIC_FIRE_POINT",
        "OTHER",
    ];
    manager
        .create_table(
            Table::create()
                .table(M::Table)
                .col(ColumnDef::new(M::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(M::WardId).uuid().not_null())
                // None: the model runs across the whole ward.
                .col(ColumnDef::new(M::GroupId).uuid().null())
                .col(ColumnDef::new(M::Name).string_len(200).not_null())
                .col(ColumnDef::new(M::Kind).string_len(32).not_null().check(in_list(M::Kind, &kinds)))
                .col(ColumnDef::new(M::StartedOn).date().not_null())
                .col(ColumnDef::new(M::EndedOn).date().null())
                .col(
                    ColumnDef::new(M::Status)
                        .string_len(16)
                        .not_null()
                        .check(in_list(M::Status, &["ACTIVE", "SUSPENDED", "ENDED"])),
                )
                .col(ColumnDef::new(M::Description).text().null())
                .col(ColumnDef::new(M::ParticipatingHouseholdCount).integer().not_null())
                // The households of its group that take part, when listed: a JSON array of ids.
                .col(ColumnDef::new(M::ParticipatingHouseholdIds).text().not_null())
                .col(ColumnDef::new(M::UnitCount).integer().null())
                .col(ColumnDef::new(M::Version).integer().not_null())
                .col(ColumnDef::new(M::ClientMutationId).uuid().not_null())
                .col(ColumnDef::new(M::RecordedBy).uuid().null())
                .col(ColumnDef::new(M::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(M::UpdatedAt).timestamp_with_time_zone().not_null())
                .check(Expr::col(M::EndedOn).is_null().or(Expr::col(M::EndedOn).gte(Expr::col(M::StartedOn))))
                .check(Expr::col(M::Status).ne("ENDED").or(Expr::col(M::EndedOn).is_not_null()))
                .check(Expr::col(M::ParticipatingHouseholdCount).gte(0))
                .check(null_or_not_negative(M::UnitCount))
                .foreign_key(&mut fk(
                    "self_management_model_ward_id_fkey",
                    (M::Table, M::WardId),
                    (Ward::Table, Ward::Id),
                ))
                .foreign_key(&mut fk(
                    "self_management_model_group_id_fkey",
                    (M::Table, M::GroupId),
                    (ResidentialGroup::Table, ResidentialGroup::Id),
                ))
                .foreign_key(&mut fk(
                    "self_management_model_recorded_by_fkey",
                    (M::Table, M::RecordedBy),
                    (AppUser::Table, AppUser::Id),
                ))
                .to_owned(),
        )
        .await?;
    // A ward's models by start (the list, and the models running in a year); the active ones counted
    // per group from the index alone; a leader's group.
    for (name, columns) in [
        ("self_management_model_ward_started_idx", vec![M::WardId.into_iden(), M::StartedOn.into_iden()]),
        (
            "self_management_model_ward_status_group_idx",
            vec![M::WardId.into_iden(), M::Status.into_iden(), M::GroupId.into_iden()],
        ),
        ("self_management_model_group_started_idx", vec![M::GroupId.into_iden(), M::StartedOn.into_iden()]),
    ] {
        manager.create_index(index(name, M::Table, columns)).await?;
    }
    Ok(())
}

async fn create_events(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use MovementEvent as E;
    manager
        .create_table(
            Table::create()
                .table(E::Table)
                .col(ColumnDef::new(E::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(E::WardId).uuid().not_null())
                // None: a ward-level event.
                .col(ColumnDef::new(E::GroupId).uuid().null())
                .col(ColumnDef::new(E::HeldOn).date().not_null())
                .col(
                    ColumnDef::new(E::Kind)
                        .string_len(16)
                        .not_null()
                        .check(in_list(E::Kind, &["FESTIVAL", "FORUM", "OTHER"])),
                )
                .col(ColumnDef::new(E::Title).string_len(200).not_null())
                .col(ColumnDef::new(E::Attendance).integer().null())
                .col(ColumnDef::new(E::Notes).text().null())
                .col(ColumnDef::new(E::Version).integer().not_null())
                .col(ColumnDef::new(E::ClientMutationId).uuid().not_null())
                .col(ColumnDef::new(E::RecordedBy).uuid().null())
                .col(ColumnDef::new(E::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(E::UpdatedAt).timestamp_with_time_zone().not_null())
                .check(null_or_not_negative(E::Attendance))
                .foreign_key(&mut fk(
                    "movement_event_ward_id_fkey",
                    (E::Table, E::WardId),
                    (Ward::Table, Ward::Id),
                ))
                .foreign_key(&mut fk(
                    "movement_event_group_id_fkey",
                    (E::Table, E::GroupId),
                    (ResidentialGroup::Table, ResidentialGroup::Id),
                ))
                .foreign_key(&mut fk(
                    "movement_event_recorded_by_fkey",
                    (E::Table, E::RecordedBy),
                    (AppUser::Table, AppUser::Id),
                ))
                .to_owned(),
        )
        .await?;
    for (name, columns) in [
        ("movement_event_ward_held_idx", vec![E::WardId.into_iden(), E::HeldOn.into_iden()]),
        ("movement_event_group_held_idx", vec![E::GroupId.into_iden(), E::HeldOn.into_iden()]),
    ] {
        manager.create_index(index(name, E::Table, columns)).await?;
    }
    Ok(())
}

async fn create_awards(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use Award as A;
    let collective = Expr::col(A::RecipientKind)
        .eq("COLLECTIVE")
        .and(Expr::col(A::GroupId).is_not_null())
        .and(Expr::col(A::RecipientName).is_null())
        .and(Expr::col(A::HouseholdId).is_null());
    let individual =
        Expr::col(A::RecipientKind).eq("INDIVIDUAL").and(Expr::col(A::RecipientName).is_not_null());
    manager
        .create_table(
            Table::create()
                .table(A::Table)
                .col(ColumnDef::new(A::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(A::WardId).uuid().not_null())
                .col(ColumnDef::new(A::Year).integer().not_null())
                .col(ColumnDef::new(A::Issuer).string_len(32).not_null().check(in_list(
                    A::Issuer,
                    &["CITY_PEOPLES_COMMITTEE", "WARD_PEOPLES_COMMITTEE", "OTHER"],
                )))
                .col(ColumnDef::new(A::IssuerName).string_len(200).null())
                .col(ColumnDef::new(A::DecisionNumber).string_len(64).not_null())
                .col(ColumnDef::new(A::DecisionDate).date().not_null())
                .col(
                    ColumnDef::new(A::RecipientKind)
                        .string_len(16)
                        .not_null()
                        .check(in_list(A::RecipientKind, &["COLLECTIVE", "INDIVIDUAL"])),
                )
                .col(ColumnDef::new(A::GroupId).uuid().null())
                .col(ColumnDef::new(A::RecipientName).string_len(200).null())
                .col(ColumnDef::new(A::HouseholdId).uuid().null())
                .col(ColumnDef::new(A::Citation).text().not_null())
                .col(ColumnDef::new(A::EventId).uuid().null())
                .col(
                    ColumnDef::new(A::Status)
                        .string_len(16)
                        .not_null()
                        .check(in_list(A::Status, &["ACTIVE", "REVOKED"])),
                )
                .col(ColumnDef::new(A::RevocationReason).text().null())
                .col(ColumnDef::new(A::RevokedBy).uuid().null())
                .col(ColumnDef::new(A::RevokedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(A::Version).integer().not_null())
                .col(ColumnDef::new(A::ClientMutationId).uuid().not_null())
                .col(ColumnDef::new(A::RecordedBy).uuid().null())
                .col(ColumnDef::new(A::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(A::UpdatedAt).timestamp_with_time_zone().not_null())
                // A collective award names its group and no person; an individual one names the person.
                .check(collective.or(individual))
                // A revoked award keeps why.
                .check(Expr::col(A::Status).eq("ACTIVE").or(Expr::col(A::RevocationReason).is_not_null()))
                .foreign_key(&mut fk("award_ward_id_fkey", (A::Table, A::WardId), (Ward::Table, Ward::Id)))
                .foreign_key(&mut fk(
                    "award_group_id_fkey",
                    (A::Table, A::GroupId),
                    (ResidentialGroup::Table, ResidentialGroup::Id),
                ))
                .foreign_key(&mut fk(
                    "award_household_id_fkey",
                    (A::Table, A::HouseholdId),
                    (Household::Table, Household::Id),
                ))
                .foreign_key(&mut fk(
                    "award_event_id_fkey",
                    (A::Table, A::EventId),
                    (MovementEvent::Table, MovementEvent::Id),
                ))
                .foreign_key(&mut fk(
                    "award_recorded_by_fkey",
                    (A::Table, A::RecordedBy),
                    (AppUser::Table, AppUser::Id),
                ))
                .foreign_key(&mut fk(
                    "award_revoked_by_fkey",
                    (A::Table, A::RevokedBy),
                    (AppUser::Table, AppUser::Id),
                ))
                .to_owned(),
        )
        .await?;
    // A ward's awards of a year in decision order; the awards of a year counted per group from the index
    // alone; a leader's group.
    for (name, columns) in [
        (
            "award_ward_year_decided_idx",
            vec![A::WardId.into_iden(), A::Year.into_iden(), A::DecisionDate.into_iden()],
        ),
        (
            "award_ward_year_status_group_idx",
            vec![A::WardId.into_iden(), A::Year.into_iden(), A::Status.into_iden(), A::GroupId.into_iden()],
        ),
        ("award_group_year_idx", vec![A::GroupId.into_iden(), A::Year.into_iden()]),
        ("award_event_idx", vec![A::EventId.into_iden()]),
    ] {
        manager.create_index(index(name, A::Table, columns)).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_models(manager).await?;
        create_events(manager).await?;
        create_awards(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Award::Table.into_iden(),
            MovementEvent::Table.into_iden(),
            SelfManagementModel::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
