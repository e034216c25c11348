//! Deciding each item of a batch in memory: what the batch needs to know is read first, in a handful of
//! queries, then every item is answered, refused, or turned into the pledge to write.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{KIND, input::Parsed, refusal};
use crate::{
    auth::Actor,
    domain::{
        campaign::{CampaignStatus, PledgeStatus},
        household::HouseholdStatus,
    },
    entities::{campaign, client_mutation, household, pledge},
    error::{AppError, AppResult, Missing},
    service,
};

/// What a batch needs to know, read in a handful of queries.
pub(super) struct Known {
    pub(super) keys: HashMap<Uuid, client_mutation::Model>,
    pub(super) households: HashMap<Uuid, household::Model>,
    pub(super) ward_of_group: HashMap<Uuid, Uuid>,
    pub(super) campaigns: HashMap<Uuid, campaign::Model>,
    /// Current pledges by (household, campaign), and by id (including the targets of known keys).
    pub(super) pledges: HashMap<(Uuid, Uuid), Uuid>,
    pub(super) pledge_rows: HashMap<Uuid, pledge::Model>,
}

pub(super) async fn load_known(
    db: &impl ConnectionTrait,
    caches: &service::Caches,
    actor: &Actor,
    items: &[&Parsed],
) -> AppResult<Known> {
    let ids = |f: fn(&Parsed) -> Uuid| {
        let mut ids: Vec<Uuid> = items.iter().map(|p| f(p)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let (key_ids, household_ids, campaign_ids) =
        (ids(|p| p.client_mutation_id), ids(|p| p.household_id), ids(|p| p.campaign_id));
    let keys: HashMap<Uuid, client_mutation::Model> = client_mutation::Entity::find()
        .filter(client_mutation::Column::Id.is_in(key_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|k| (k.id, k))
        .collect();
    let households: HashMap<Uuid, household::Model> = service::household::visible(actor)
        .filter(household::Column::Id.is_in(household_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut ward_of_group: HashMap<Uuid, Uuid> = HashMap::new();
    for group_id in households.values().map(|h| h.group_id) {
        if let std::collections::hash_map::Entry::Vacant(entry) = ward_of_group.entry(group_id) {
            entry.insert(service::group::ward_of(db, caches, group_id).await?);
        }
    }
    let campaigns = service::campaign::by_ids(db, actor, &campaign_ids).await?;
    let replayed: Vec<Uuid> = keys.values().map(|k| k.target_id).collect();
    let mut wanted = Condition::any().add(
        Condition::all()
            .add(pledge::Column::HouseholdId.is_in(household_ids))
            .add(pledge::Column::CampaignId.is_in(campaign_ids)),
    );
    // An empty `IN ()` is written as a constant false, and SQLite scans the whole table for an `OR`
    // with a constant in it: the replayed pledges' term goes in only when there are some.
    if !replayed.is_empty() {
        wanted = wanted.add(pledge::Column::Id.is_in(replayed));
    }
    let rows = super::visible(actor).filter(wanted).all(db).await?;
    let pledges = rows.iter().map(|p| ((p.household_id, p.campaign_id), p.id)).collect();
    let pledge_rows = rows.into_iter().map(|p| (p.id, p)).collect();
    Ok(Known { keys, households, ward_of_group, campaigns, pledges, pledge_rows })
}

/// What to do with one item.
pub(super) enum Decision {
    /// Answer with this pledge (a retry, or the item failed).
    Answer(AppResult<Uuid>),
    /// Write this pledge (new, or a withdrawn one signed again).
    Write { pledge: pledge::Model, is_new: bool, ward_id: Uuid },
}

/// What to do with one item, against what the batch knows (earlier items of the batch included).
pub(super) fn decide(item: &Parsed, known: &Known, actor: &Actor, today: NaiveDate) -> Decision {
    if let Some(key) = known.keys.get(&item.client_mutation_id) {
        let same = key.kind == KIND
            && key.payload_hash == item.payload_hash
            && known.pledge_rows.contains_key(&key.target_id);
        return Decision::Answer(if same { Ok(key.target_id) } else { Err(refusal::key_reused()) });
    }
    decide_unkeyed(item, known, actor, today).unwrap_or_else(|err| Decision::Answer(Err(err)))
}

/// The household, the campaign and the household's ward of an item, once the household may sign for
/// the campaign on the item's day.
fn eligible<'k>(
    item: &Parsed,
    known: &'k Known,
    today: NaiveDate,
) -> AppResult<(&'k household::Model, &'k campaign::Model, Uuid)> {
    let household = known.households.get(&item.household_id).ok_or(AppError::NotFound(Missing::Household))?;
    if household.status != HouseholdStatus::Active {
        return Err(refusal::household_inactive(household.status));
    }
    let campaign = known.campaigns.get(&item.campaign_id).ok_or(AppError::NotFound(Missing::Campaign))?;
    if campaign.status != CampaignStatus::Open {
        return Err(refusal::campaign_not_open(campaign.status));
    }
    let ward_id = *known
        .ward_of_group
        .get(&household.group_id)
        .ok_or_else(|| AppError::internal("household without a group"))?;
    if campaign.ward_id.is_some_and(|w| w != ward_id) {
        return Err(refusal::campaign_of_another_ward());
    }
    if item.signed_on < campaign.starts_on || item.signed_on > campaign.ends_on {
        return Err(refusal::outside_campaign(campaign.starts_on, campaign.ends_on));
    }
    if item.signed_on > today {
        return Err(refusal::in_future(item.signed_on));
    }
    Ok((household, campaign, ward_id))
}

/// An item whose `clientMutationId` is not known yet: a refusal, a replay of a concurrent retry, or
/// the pledge to write.
fn decide_unkeyed(item: &Parsed, known: &Known, actor: &Actor, today: NaiveDate) -> AppResult<Decision> {
    let (household, campaign, ward_id) = eligible(item, known, today)?;
    let now = service::now();
    let existing = known.pledges.get(&(household.id, campaign.id)).and_then(|id| known.pledge_rows.get(id));
    let (id, is_new) = match existing {
        // The same request, committed by a concurrent retry between two of this batch's reads
        // (each statement sees the latest commits): answer as a replay.
        Some(existing)
            if existing.status == PledgeStatus::Signed
                && existing.client_mutation_id == item.client_mutation_id =>
        {
            let same = existing.signer_name == item.signer_name
                && existing.signed_on == item.signed_on
                && existing.note == item.note;
            return if same { Ok(Decision::Answer(Ok(existing.id))) } else { Err(refusal::key_reused()) };
        }
        Some(existing) if existing.status == PledgeStatus::Signed => {
            return Err(refusal::already_signed(existing.id));
        }
        Some(withdrawn) => (withdrawn.id, false),
        None => (Uuid::now_v7(), true),
    };
    Ok(Decision::Write {
        pledge: pledge::Model {
            id,
            household_id: household.id,
            campaign_id: campaign.id,
            group_id: household.group_id,
            signer_name: item.signer_name.clone(),
            signed_on: item.signed_on,
            note: item.note.clone(),
            status: PledgeStatus::Signed,
            withdrawn_reason: None,
            recorded_by: Some(actor.user_id).filter(|id| !id.is_nil()),
            recorded_at: now,
            client_mutation_id: item.client_mutation_id,
            updated_at: now,
        },
        is_new,
        ward_id,
    })
}
