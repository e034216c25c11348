//! Campaigns, pledges, good deeds; the idempotency keys phones send; the change log the delta feed
//! reads; and the audit trail.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Campaign {
    Table,
    Id,
    Year,
    Title,
    StartsOn,
    EndsOn,
    Status,
    PledgeItems,
    WardId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Pledge {
    Table,
    Id,
    HouseholdId,
    CampaignId,
    GroupId,
    SignerName,
    SignedOn,
    Note,
    Status,
    WithdrawnReason,
    RecordedBy,
    RecordedAt,
    ClientMutationId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GoodDeed {
    Table,
    Id,
    GroupId,
    HouseholdId,
    Category,
    OccurredOn,
    Description,
    Status,
    RecordedBy,
    RecordedAt,
    VerifiedBy,
    VerifiedAt,
    VerificationNote,
    ClientMutationId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ClientMutation {
    Table,
    Id,
    UserId,
    Kind,
    PayloadHash,
    TargetId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Seq,
    Tx,
    EntityType,
    EntityId,
    GroupId,
    WardId,
    ChangedAt,
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    ActorId,
    Action,
    TargetType,
    TargetId,
    WardId,
    OccurredAt,
    Summary,
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
enum Household {
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

fn index(name: &str, table: impl IntoIden, columns: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

fn in_list(column: impl IntoIden, values: &[&str]) -> SimpleExpr {
    Expr::col(column).is_in(values.iter().copied())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Campaign::Table)
                    .col(ColumnDef::new(Campaign::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Campaign::Year).integer().not_null())
                    .col(ColumnDef::new(Campaign::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Campaign::StartsOn).date().not_null())
                    .col(ColumnDef::new(Campaign::EndsOn).date().not_null())
                    .col(
                        ColumnDef::new(Campaign::Status)
                            .string_len(16)
                            .not_null()
                            .check(in_list(Campaign::Status, &["DRAFT", "OPEN", "CLOSED"])),
                    )
                    // The ordered commitments, as a JSON array of strings.
                    .col(ColumnDef::new(Campaign::PledgeItems).text().not_null())
                    // None: the campaign covers every ward.
                    .col(ColumnDef::new(Campaign::WardId).uuid().null())
                    .col(ColumnDef::new(Campaign::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Campaign::UpdatedAt).timestamp_with_time_zone().not_null())
                    .check(Expr::col(Campaign::StartsOn).lte(Expr::col(Campaign::EndsOn)))
                    .foreign_key(&mut fk(
                        "campaign_ward_id_fkey",
                        (Campaign::Table, Campaign::WardId),
                        (Ward::Table, Ward::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "campaign_ward_year_idx",
                Campaign::Table,
                vec![Campaign::WardId.into_iden(), Campaign::Year.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Pledge::Table)
                    .col(ColumnDef::new(Pledge::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Pledge::HouseholdId).uuid().not_null())
                    .col(ColumnDef::new(Pledge::CampaignId).uuid().not_null())
                    // The household's group, kept here so scope and coverage need no join.
                    .col(ColumnDef::new(Pledge::GroupId).uuid().not_null())
                    .col(ColumnDef::new(Pledge::SignerName).string_len(200).not_null())
                    .col(ColumnDef::new(Pledge::SignedOn).date().not_null())
                    .col(ColumnDef::new(Pledge::Note).text().null())
                    .col(
                        ColumnDef::new(Pledge::Status)
                            .string_len(16)
                            .not_null()
                            .check(in_list(Pledge::Status, &["SIGNED", "WITHDRAWN"])),
                    )
                    .col(ColumnDef::new(Pledge::WithdrawnReason).text().null())
                    .col(ColumnDef::new(Pledge::RecordedBy).uuid().null())
                    .col(ColumnDef::new(Pledge::RecordedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Pledge::ClientMutationId).uuid().not_null())
                    .col(ColumnDef::new(Pledge::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        "pledge_household_id_fkey",
                        (Pledge::Table, Pledge::HouseholdId),
                        (Household::Table, Household::Id),
                    ))
                    .foreign_key(&mut fk(
                        "pledge_campaign_id_fkey",
                        (Pledge::Table, Pledge::CampaignId),
                        (Campaign::Table, Campaign::Id),
                    ))
                    .foreign_key(&mut fk(
                        "pledge_group_id_fkey",
                        (Pledge::Table, Pledge::GroupId),
                        (ResidentialGroup::Table, ResidentialGroup::Id),
                    ))
                    .foreign_key(&mut fk(
                        "pledge_recorded_by_fkey",
                        (Pledge::Table, Pledge::RecordedBy),
                        (AppUser::Table, AppUser::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // At most one pledge per household and campaign: re-signing reuses the row.
        manager
            .create_index(
                index(
                    "pledge_household_campaign_key",
                    Pledge::Table,
                    vec![Pledge::HouseholdId.into_iden(), Pledge::CampaignId.into_iden()],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "pledge_campaign_group_status_idx",
                Pledge::Table,
                vec![Pledge::CampaignId.into_iden(), Pledge::GroupId.into_iden(), Pledge::Status.into_iden()],
            ))
            .await?;

        let categories = [
            "CRIME_REPORT",
            "FIRE_PREVENTION",
            "LOST_PROPERTY_RETURNED",
            "DISPUTE_MEDIATION",
            "REINTEGRATION_SUPPORT",
            "TRAFFIC_SAFETY",
            "PATROL",
            "DRUG_PREVENTION",
            "OTHER",
        ];
        manager
            .create_table(
                Table::create()
                    .table(GoodDeed::Table)
                    .col(ColumnDef::new(GoodDeed::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(GoodDeed::GroupId).uuid().not_null())
                    .col(ColumnDef::new(GoodDeed::HouseholdId).uuid().null())
                    .col(
                        ColumnDef::new(GoodDeed::Category)
                            .string_len(32)
                            .not_null()
                            .check(in_list(GoodDeed::Category, &categories)),
                    )
                    .col(ColumnDef::new(GoodDeed::OccurredOn).date().not_null())
                    .col(ColumnDef::new(GoodDeed::Description).text().not_null())
                    .col(
                        ColumnDef::new(GoodDeed::Status)
                            .string_len(16)
                            .not_null()
                            .check(in_list(GoodDeed::Status, &["REPORTED", "VERIFIED", "REJECTED"])),
                    )
                    .col(ColumnDef::new(GoodDeed::RecordedBy).uuid().null())
                    .col(ColumnDef::new(GoodDeed::RecordedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(GoodDeed::VerifiedBy).uuid().null())
                    .col(ColumnDef::new(GoodDeed::VerifiedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(GoodDeed::VerificationNote).text().null())
                    .col(ColumnDef::new(GoodDeed::ClientMutationId).uuid().not_null())
                    .col(ColumnDef::new(GoodDeed::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        "good_deed_group_id_fkey",
                        (GoodDeed::Table, GoodDeed::GroupId),
                        (ResidentialGroup::Table, ResidentialGroup::Id),
                    ))
                    .foreign_key(&mut fk(
                        "good_deed_household_id_fkey",
                        (GoodDeed::Table, GoodDeed::HouseholdId),
                        (Household::Table, Household::Id),
                    ))
                    .foreign_key(&mut fk(
                        "good_deed_recorded_by_fkey",
                        (GoodDeed::Table, GoodDeed::RecordedBy),
                        (AppUser::Table, AppUser::Id),
                    ))
                    .foreign_key(&mut fk(
                        "good_deed_verified_by_fkey",
                        (GoodDeed::Table, GoodDeed::VerifiedBy),
                        (AppUser::Table, AppUser::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "good_deed_group_occurred_idx",
                GoodDeed::Table,
                vec![GoodDeed::GroupId.into_iden(), GoodDeed::OccurredOn.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "good_deed_household_idx",
                GoodDeed::Table,
                vec![GoodDeed::HouseholdId.into_iden()],
            ))
            .await?;

        // The idempotency keys phones send with every create: the same key with the same payload
        // returns the first result; with another payload it is a conflict.
        manager
            .create_table(
                Table::create()
                    .table(ClientMutation::Table)
                    .col(ColumnDef::new(ClientMutation::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ClientMutation::UserId).uuid().null())
                    .col(ColumnDef::new(ClientMutation::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(ClientMutation::PayloadHash).string_len(64).not_null())
                    .col(ColumnDef::new(ClientMutation::TargetId).uuid().not_null())
                    .col(ColumnDef::new(ClientMutation::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;

        // Append-only: one row per change of a household, pledge or good deed, for the delta feed.
        manager
            .create_table(
                Table::create()
                    .table(ChangeLog::Table)
                    .col(
                        ColumnDef::new(ChangeLog::Seq)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    // The writing transaction's id on PostgreSQL (0 on SQLite, whose writers are serial):
                    // readers only pass changes of transactions older than every one still running.
                    .col(ColumnDef::new(ChangeLog::Tx).big_integer().not_null())
                    .col(ColumnDef::new(ChangeLog::EntityType).string_len(16).not_null())
                    .col(ColumnDef::new(ChangeLog::EntityId).uuid().not_null())
                    .col(ColumnDef::new(ChangeLog::GroupId).uuid().not_null())
                    .col(ColumnDef::new(ChangeLog::WardId).uuid().not_null())
                    .col(ColumnDef::new(ChangeLog::ChangedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "change_log_tx_seq_idx",
                ChangeLog::Table,
                vec![ChangeLog::Tx.into_iden(), ChangeLog::Seq.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "change_log_group_idx",
                ChangeLog::Table,
                vec![ChangeLog::GroupId.into_iden(), ChangeLog::Tx.into_iden(), ChangeLog::Seq.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(ColumnDef::new(AuditEvent::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AuditEvent::ActorId).uuid().null())
                    .col(ColumnDef::new(AuditEvent::Action).string_len(64).not_null())
                    .col(ColumnDef::new(AuditEvent::TargetType).string_len(32).not_null())
                    .col(ColumnDef::new(AuditEvent::TargetId).uuid().null())
                    // The ward the change belongs to, so officials read their ward's trail.
                    .col(ColumnDef::new(AuditEvent::WardId).uuid().null())
                    .col(ColumnDef::new(AuditEvent::OccurredAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AuditEvent::Summary).text().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("audit_event_ward_idx", AuditEvent::WardId),
            ("audit_event_actor_idx", AuditEvent::ActorId),
            ("audit_event_target_idx", AuditEvent::TargetId),
            ("audit_event_action_idx", AuditEvent::Action),
        ] {
            manager
                .create_index(index(
                    name,
                    AuditEvent::Table,
                    vec![column.into_iden(), AuditEvent::Id.into_iden()],
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvent::Table.into_iden(),
            ChangeLog::Table.into_iden(),
            ClientMutation::Table.into_iden(),
            GoodDeed::Table.into_iden(),
            Pledge::Table.into_iden(),
            Campaign::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
