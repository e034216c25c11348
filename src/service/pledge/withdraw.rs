//! Withdrawing a signed pledge.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use uuid::Uuid;

use super::{MAX_NOTE_CHARS, get};
use crate::{
    auth::Actor,
    domain::{
        campaign::{CampaignStatus, PledgeStatus},
        household::HouseholdStatus,
    },
    entities::{household, pledge},
    error::{AppError, AppResult},
    service::{self, Caches, Moved, Written, audit::AuditEntry, changes::EntityType},
};

/// Withdraws a signed pledge while its campaign is open; the household may sign again later.
#[tracing::instrument(skip(db, caches, actor, reason))]
pub(in crate::service) async fn withdraw(
    db: &DatabaseConnection,
    caches: &Caches,
    actor: &Actor,
    id: Uuid,
    reason: Option<String>,
) -> AppResult<Written<pledge::Model>> {
    service::ensure_works_with_households(actor)?;
    let reason = reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_NOTE_CHARS) {
        return Err(AppError::bad_input(
            "reason",
            format!("the reason must be at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    let (_turn, txn) = service::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    if current.status != PledgeStatus::Signed {
        return Err(AppError::conflict("the pledge is already withdrawn"));
    }
    let campaign = service::campaign::get(&txn, actor, current.campaign_id).await?;
    if campaign.status != CampaignStatus::Open {
        return Err(super::campaign_not_open(campaign.status, "change", "id"));
    }
    let changed = pledge::Entity::update_many()
        .col_expr(pledge::Column::Status, Expr::value(PledgeStatus::Withdrawn))
        .col_expr(pledge::Column::WithdrawnReason, Expr::value(reason.clone()))
        .col_expr(pledge::Column::UpdatedAt, Expr::value(service::now()))
        .filter(pledge::Column::Id.eq(id))
        .filter(pledge::Column::Status.eq(PledgeStatus::Signed))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::conflict("the pledge is already withdrawn"));
    }
    let pledge = get(&txn, actor, id).await?;
    let ward_id = service::group::ward_of(&txn, caches, pledge.group_id).await?;
    let entry = AuditEntry {
        action: "pledge.withdraw",
        target_type: "pledge",
        target_id: Some(pledge.id),
        ward_id: Some(ward_id),
        summary: json!({ "householdId": pledge.household_id, "campaignId": pledge.campaign_id, "reason": reason }),
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    service::changes::record(&txn, EntityType::Pledge, pledge.id, pledge.group_id, ward_id).await?;
    let household = household::Entity::find_by_id(pledge.household_id).one(&txn).await?;
    if household.is_none_or(|h| h.status != HouseholdStatus::Active) {
        txn.commit().await?;
        // No figure moved (the household does not count), but its pledge's status did.
        return Ok(Written::restating(pledge, Some(ward_id)));
    }
    service::coverage::adjust_signed(&txn, pledge.campaign_id, pledge.group_id, -1).await?;
    txn.commit().await?;
    let moved = Moved::group(Some(pledge.campaign_id), pledge.group_id, ward_id);
    Ok(Written::new(pledge, moved))
}
