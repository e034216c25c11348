//! The two coverage counters, kept in the transaction of every change that moves them: ACTIVE households
//! per group, and signed ACTIVE households per (campaign, group). Reading them is `report`'s business,
//! checking them against the rows is `verify`'s.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};
use uuid::Uuid;

use crate::{
    domain::campaign::PledgeStatus,
    entities::{campaign_group_coverage as signed, group_coverage as active, pledge},
    error::AppResult,
};

/// Adds `delta` to the ACTIVE households of a group.
pub(in crate::service) async fn adjust_active(
    db: &impl ConnectionTrait,
    group_id: Uuid,
    delta: i32,
) -> AppResult<()> {
    let upsert = Query::insert()
        .into_table(active::Entity)
        .columns([active::Column::GroupId, active::Column::ActiveHouseholds])
        .values_panic([Expr::val(group_id), Expr::val(delta)])
        .on_conflict(
            OnConflict::column(active::Column::GroupId)
                .value(
                    active::Column::ActiveHouseholds,
                    Expr::col((active::Entity, active::Column::ActiveHouseholds)).add(delta),
                )
                .to_owned(),
        )
        .to_owned();
    db.execute(&upsert).await?;
    Ok(())
}

/// Adds `delta` to the signed ACTIVE households of a group for a campaign.
pub(in crate::service) async fn adjust_signed(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    group_id: Uuid,
    delta: i32,
) -> AppResult<()> {
    let upsert = Query::insert()
        .into_table(signed::Entity)
        .columns([signed::Column::CampaignId, signed::Column::GroupId, signed::Column::SignedHouseholds])
        .values_panic([Expr::val(campaign_id), Expr::val(group_id), Expr::val(delta)])
        .on_conflict(
            OnConflict::columns([signed::Column::CampaignId, signed::Column::GroupId])
                .value(
                    signed::Column::SignedHouseholds,
                    Expr::col((signed::Entity, signed::Column::SignedHouseholds)).add(delta),
                )
                .to_owned(),
        )
        .to_owned();
    db.execute(&upsert).await?;
    Ok(())
}

/// A household entered (`true`) or left (`false`) the ACTIVE status: it joins or leaves the
/// denominator, and its signed pledges join or leave the numerators.
pub(in crate::service) async fn household_activity_changed(
    db: &impl ConnectionTrait,
    household_id: Uuid,
    group_id: Uuid,
    now_active: bool,
) -> AppResult<()> {
    let delta = if now_active { 1 } else { -1 };
    adjust_active(db, group_id, delta).await?;
    let campaigns: Vec<Uuid> = pledge::Entity::find()
        .filter(pledge::Column::HouseholdId.eq(household_id))
        .filter(pledge::Column::Status.eq(PledgeStatus::Signed))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.campaign_id)
        .collect();
    for campaign_id in campaigns {
        adjust_signed(db, campaign_id, group_id, delta).await?;
    }
    Ok(())
}
