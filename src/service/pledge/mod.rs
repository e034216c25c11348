//! Pledges: the reads (what an actor may see) live here; recording one or many lives in `record` (with
//! the parsing of what a phone sends in `input`, the per-item decision in `decide` and the wording of
//! refusals in `refusal`), recording one in a single statement on PostgreSQL in `one` (with the pledges that arrive meanwhile, `queue`), and withdrawal
//! in `withdraw`.

mod decide;
mod input;
mod one;
mod queue;
mod record;
mod refusal;
mod withdraw;

use std::collections::HashMap;

use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select};
use uuid::Uuid;

pub use input::PledgeInput;
pub(in crate::service) use one::record_one;
pub(in crate::service) use queue::PledgeQueue;
pub(in crate::service) use record::record_many;
pub(in crate::service) use withdraw::withdraw;

use crate::{
    auth::Actor,
    domain::campaign::CampaignStatus,
    entities::pledge,
    error::{AppError, AppResult, Missing},
};

/// Most items one `recordPledges` call may carry.
pub const MAX_BATCH: usize = 500;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 500;
/// The kind of a pledge's idempotency key, and part of its payload hash.
const KIND: &str = "pledge";

/// The pledges `actor` may see: those of the households they may see.
pub(in crate::service) fn visible(actor: &Actor) -> Select<pledge::Entity> {
    super::group::in_visible_groups(pledge::Entity::find(), actor, pledge::Column::GroupId)
}

/// One pledge, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<pledge::Model> {
    visible(actor).filter(pledge::Column::Id.eq(id)).one(db).await?.ok_or(AppError::NotFound(Missing::Pledge))
}

/// The pledges of each of `household_ids` the actor may see, newest campaign first (for dataloaders).
pub(in crate::service) async fn of_households(
    db: &impl ConnectionTrait,
    actor: &Actor,
    household_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<pledge::Model>>> {
    let rows = visible(actor)
        .filter(pledge::Column::HouseholdId.is_in(household_ids.iter().copied()))
        .order_by_desc(pledge::Column::CampaignId)
        .all(db)
        .await?;
    let mut by_household: HashMap<Uuid, Vec<pledge::Model>> = HashMap::new();
    for row in rows {
        by_household.entry(row.household_id).or_default().push(row);
    }
    Ok(by_household)
}

/// The pledges among `ids` the actor may see.
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, pledge::Model>> {
    let rows = visible(actor).filter(pledge::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

/// `CONFLICT` naming `field`: pledges `happen` ("are recorded", "change") only while their campaign is open.
fn campaign_not_open(status: CampaignStatus, happen: &str, field: &'static str) -> AppError {
    AppError::Conflict {
        message: format!(
            "the campaign is {}: pledges {happen} only while it is {}",
            status.to_value(),
            CampaignStatus::Open.to_value()
        ),
        extensions: vec![("field", field.into())],
    }
}
