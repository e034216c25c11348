//! Coverage counters, kept in the same transaction as every change that moves them, so a coverage
//! report reads one row per group instead of counting households. Backfilled from existing rows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GroupCoverage {
    Table,
    GroupId,
    ActiveHouseholds,
}

#[derive(DeriveIden)]
enum CampaignGroupCoverage {
    Table,
    CampaignId,
    GroupId,
    SignedHouseholds,
}

#[derive(DeriveIden)]
enum ResidentialGroup {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Campaign {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(GroupCoverage::Table)
                    .col(ColumnDef::new(GroupCoverage::GroupId).uuid().not_null().primary_key())
                    // Households of the group with status ACTIVE: the coverage denominator.
                    .col(ColumnDef::new(GroupCoverage::ActiveHouseholds).integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("group_coverage_group_id_fkey")
                            .from(GroupCoverage::Table, GroupCoverage::GroupId)
                            .to(ResidentialGroup::Table, ResidentialGroup::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CampaignGroupCoverage::Table)
                    .col(ColumnDef::new(CampaignGroupCoverage::CampaignId).uuid().not_null())
                    .col(ColumnDef::new(CampaignGroupCoverage::GroupId).uuid().not_null())
                    // ACTIVE households of the group with a SIGNED pledge for the campaign: the numerator.
                    .col(ColumnDef::new(CampaignGroupCoverage::SignedHouseholds).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(CampaignGroupCoverage::CampaignId)
                            .col(CampaignGroupCoverage::GroupId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("campaign_group_coverage_campaign_id_fkey")
                            .from(CampaignGroupCoverage::Table, CampaignGroupCoverage::CampaignId)
                            .to(Campaign::Table, Campaign::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("campaign_group_coverage_group_id_fkey")
                            .from(CampaignGroupCoverage::Table, CampaignGroupCoverage::GroupId)
                            .to(ResidentialGroup::Table, ResidentialGroup::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO group_coverage (group_id, active_households) \
             SELECT g.id, (SELECT COUNT(*) FROM household h WHERE h.group_id = g.id AND h.status = 'ACTIVE') \
             FROM residential_group g",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO campaign_group_coverage (campaign_id, group_id, signed_households) \
             SELECT p.campaign_id, p.group_id, COUNT(*) FROM pledge p \
             JOIN household h ON h.id = p.household_id \
             WHERE p.status = 'SIGNED' AND h.status = 'ACTIVE' \
             GROUP BY p.campaign_id, p.group_id",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CampaignGroupCoverage::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(GroupCoverage::Table).to_owned()).await
    }
}
